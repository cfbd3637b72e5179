import type { DynamoDBStreamEvent } from 'aws-lambda';
import { PDFDocument } from 'pdf-lib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getBlob } from '../../functions/adapters/blobs';
import { now, resetShift, shiftTo } from '../../functions/adapters/clock';
import * as mailAdapter from '../../functions/adapters/mail';
import { get, put } from '../../functions/adapters/table';
import { config } from '../../functions/config';
import { hashLinkToken } from '../../functions/core/links';
import { type DocumentRef, keys, type StoredLink } from '../../functions/core/model';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  MAX_ATTEMPTS,
  processOutboxItem,
} from '../../functions/core/outbox';
import { handler } from '../../functions/workers/outbox';
import { loadItem, loadRecord, seedOutboxItem, untilNextAttempt } from '../support/outbox';
import { diagnosticsPayload, outboxItemFor, recordItem, uniqueEmail, withResults } from '../support/records';
import { api, useStack } from '../support/stack';

const stack = useStack();
const settings = () => config().instance;

/**
 * These tests run this process's clock in 2090: the items they write are due only for this process, so the
 * gateway's worker (real clock) and other test files never pick them up, and fault injection here cannot leak.
 * Retries are reached by moving this clock past each item's next attempt.
 */
const FUTURE = new Date('2090-03-01T07:00:00Z');

beforeAll(() => {
  shiftTo(FUTURE);
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => {
  resetShift();
});

interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; contentBase64: string }[];
}

/** The mailbox of the SES emulator; `since` is real time (the emulator's clock does not shift). */
async function mailbox(to: string, since: string, subjectPart?: string): Promise<Mail[]> {
  const res = await api(stack, 'GET', `/dev/mailbox?to=${encodeURIComponent(to)}&since=${since}`);
  expect(res.status).toBe(200);
  return (res.json as Mail[]).filter((m) => !subjectPart || m.subject.includes(subjectPart));
}

const realSince = () => new Date(Date.now() - 2000).toISOString();

function failingFor(prefix: string, times: number) {
  const real = mailAdapter.sendMail;
  let failures = 0;
  const spy = vi.spyOn(mailAdapter, 'sendMail').mockImplementation(async (mail) => {
    if (mail.reference?.startsWith(prefix) && failures < times) {
      failures += 1;
      throw Object.assign(new Error('Service unavailable for maria@example.ru'), {
        name: 'ServiceUnavailable',
      });
    }
    return real(mail);
  });
  return { spy, failures: () => failures };
}

describe('outbox worker: one submission', () => {
  it('renders the PDF into S3, mails it attached with a working link, and does nothing when run again', async () => {
    const email = uniqueEmail();
    const since = realSince();
    const { record, item, ref } = await seedOutboxItem('submitted', diagnosticsPayload(email), {
      type: 'enter-stage',
      stage: 'submitted',
      version: 1,
    });

    const started = Date.now();
    const summary = await processOutboxItem(item.id);
    console.log(`outbox item with 1 PDF and 2 mails processed in ${Date.now() - started} ms`);
    expect(summary).toMatchObject({ processed: 1, done: 1, rendered: 1, sent: 2, failed: 0, parked: 0 });

    const stored = await loadRecord(record.id);
    expect(stored.version).toBe(1);
    expect(stored.documents).toHaveLength(1);
    const doc = stored.documents[0] as DocumentRef;
    expect(doc).toMatchObject({
      name: 'request',
      title: 'Заявление на прохождение диагностики',
      key: `records/${record.id}/request-v1.pdf`,
      version: 1,
      audience: ['applicant', 'participant'],
      fileName: `Заявление на диагностику ${ref}`,
    });
    const blob = await getBlob(doc.key);
    expect(blob?.contentType).toBe('application/pdf');
    expect((await PDFDocument.load(blob!.body)).getPageCount()).toBe(1);

    const [applicantMail, ...moreForApplicant] = await mailbox(email, since);
    expect(moreForApplicant).toHaveLength(0);
    expect(applicantMail!.subject).toBe(`Заявка на диагностику профессиональных дефицитов № ${ref} принята`);
    expect(applicantMail!.text).toContain('Здравствуйте, Мария Петровна!');
    expect(applicantMail!.attachments).toHaveLength(1);
    expect(applicantMail!.attachments[0]).toMatchObject({
      filename: `Заявление на диагностику ${ref}.pdf`,
      contentType: 'application/pdf',
    });
    expect(
      Buffer.from(applicantMail!.attachments[0]!.contentBase64, 'base64').equals(Buffer.from(blob!.body)),
    ).toBe(true);

    const token = new RegExp(`${stack.appUrl}/l/([A-Za-z0-9_-]{43})`).exec(applicantMail!.text)?.[1];
    expect(token).toBeDefined();
    expect(applicantMail!.html).toContain(`<a href="${stack.appUrl}/l/${token}">`);
    const link = (await get(keys.link(hashLinkToken(token!)))) as unknown as StoredLink;
    expect(link).toMatchObject({ recordId: record.id, party: 'applicant', email, actions: ['withdraw'] });
    expect(Date.parse(link.validUntil) - now().getTime()).toBeGreaterThan(
      (settings().linkTtlDays - 1) * 86_400_000,
    );
    const described = await api(stack, 'GET', `/v1/links/${token}`);
    expect(described.status).toBe(200);
    expect(described.json).toMatchObject({ recordId: record.id, party: 'applicant', actions: ['withdraw'] });

    const operatorMails = await mailbox(settings().mailboxes.operator, since, ref);
    expect(operatorMails).toHaveLength(1);
    expect(operatorMails[0]!.subject).toBe(`Новая заявка на диагностику № ${ref}`);
    expect(operatorMails[0]!.text).not.toMatch(/\/l\//);
    expect(
      Buffer.from(operatorMails[0]!.attachments[0]!.contentBase64, 'base64').equals(Buffer.from(blob!.body)),
    ).toBe(true);

    const done = await loadItem(item.id);
    expect(done).toMatchObject({ status: 'done', attempts: 0, rendered: { request: doc.id } });
    expect(Object.keys(done.sent ?? {})).toEqual(['0', '1']);
    expect(done.outboxPk).toBeUndefined();
    expect(done.outboxSk).toBeUndefined();
    expect(done.leaseUntil).toBeUndefined();
    expect(done.expiresAt! - now().getTime() / 1000).toBeGreaterThan(29 * 86_400);

    // Again, and again through a duplicate stream delivery: nothing more is rendered or sent.
    expect(await processOutboxItem(item.id)).toMatchObject({ processed: 0, skipped: 1, sent: 0 });
    await handler(streamEvent([item.id]));
    expect(await mailbox(email, since)).toHaveLength(1);
    expect(await mailbox(settings().mailboxes.operator, since, ref)).toHaveLength(1);
    expect((await loadRecord(record.id)).documents).toHaveLength(1);
  });

  it('sends the results only to the participant, as a document of theirs alone (A2 6.3)', async () => {
    const email = uniqueEmail();
    const since = realSince();
    const { record, item, ref } = await seedOutboxItem(
      'results-issued',
      withResults(diagnosticsPayload(email)),
      { type: 'enter-stage', stage: 'results-issued', version: 5 },
      5,
    );
    expect(await processOutboxItem(item.id)).toMatchObject({ done: 1, rendered: 1, sent: 1 });
    const doc = (await loadRecord(record.id)).documents[0]!;
    expect(doc).toMatchObject({ name: 'results', audience: ['participant'], owner: email, version: 5 });
    const mails = await mailbox(email, since);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.attachments.map((a) => a.filename)).toEqual(['Результаты диагностики.pdf']);
    expect(await mailbox(settings().mailboxes.operator, since, ref)).toHaveLength(0);
  });
});

describe('outbox worker: failures', () => {
  it('retries with backoff while the mail service fails 5 times, then delivers exactly once', async () => {
    const email = uniqueEmail();
    const since = realSince();
    const { record, item, ref } = await seedOutboxItem('submitted', diagnosticsPayload(email), {
      type: 'enter-stage',
      stage: 'submitted',
      version: 1,
    });
    const fault = failingFor(item.id, 5);

    for (let attempt = 1; attempt <= 5; attempt++) {
      const before = now().getTime();
      expect(await processOutboxItem(item.id)).toMatchObject({ processed: 1, failed: 1, done: 0 });
      const failed = await loadItem(item.id);
      expect(failed).toMatchObject({ status: 'pending', attempts: attempt, lastError: 'ServiceUnavailable' });
      // The error message (which quotes an address) is never stored.
      expect(JSON.stringify(failed)).not.toContain('maria@');
      const delay = Date.parse(failed.nextAttemptAt) - before;
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(
        Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)) + 1000,
      );
      expect(failed.outboxPk).toBe(keys.outboxPending);
      expect(failed.outboxSk).toBe(`${failed.nextAttemptAt}#${item.id}`);
      expect(failed.leaseUntil).toBeUndefined();
      await untilNextAttempt(item.id);
    }
    expect(await mailbox(email, since)).toHaveLength(0);

    expect(await processOutboxItem(item.id)).toMatchObject({ processed: 1, done: 1, sent: 2, rendered: 0 });
    expect(fault.failures()).toBe(5);
    expect(await mailbox(email, since)).toHaveLength(1);
    expect(await mailbox(settings().mailboxes.operator, since, ref)).toHaveLength(1);
    // The PDF was rendered once, on the first attempt, and attached from S3 on the last.
    expect((await loadRecord(record.id)).documents).toHaveLength(1);
    expect(await loadItem(item.id)).toMatchObject({ status: 'done', attempts: 5 });
  });

  it('parks an item that always fails, marks its record, and loses nothing else', async () => {
    const email = uniqueEmail();
    const otherEmail = uniqueEmail();
    const since = realSince();
    const broken = await seedOutboxItem('submitted', diagnosticsPayload(email), {
      type: 'enter-stage',
      stage: 'submitted',
      version: 1,
    });
    const healthy = await seedOutboxItem('submitted', diagnosticsPayload(otherEmail), {
      type: 'enter-stage',
      stage: 'submitted',
      version: 1,
    });
    failingFor(broken.item.id, Number.POSITIVE_INFINITY);

    const outcomes = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      outcomes.push(await processOutboxItem(broken.item.id));
      if (attempt === 3) expect(await processOutboxItem(healthy.item.id)).toMatchObject({ done: 1, sent: 2 });
      await untilNextAttempt(broken.item.id);
    }
    expect(outcomes.map((o) => o.failed)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(outcomes[MAX_ATTEMPTS - 1]).toMatchObject({ parked: 1 });

    const parked = await loadItem(broken.item.id);
    expect(parked).toMatchObject({
      status: 'parked',
      attempts: MAX_ATTEMPTS,
      lastError: 'ServiceUnavailable',
    });
    expect(parked.outboxPk).toBeUndefined();
    expect(parked.outboxSk).toBeUndefined();
    // Kept (no TTL) with what it had done, for whoever investigates.
    expect(parked.expiresAt).toBeUndefined();
    expect(parked.rendered?.request).toBeDefined();
    const record = await loadRecord(broken.record.id);
    expect(record.deliveryFailed).toBe(true);
    expect(record.version).toBe(1);
    expect(record.documents).toHaveLength(1);
    expect(await getBlob(record.documents[0]!.key)).toBeDefined();

    // A parked item is left alone by later runs.
    expect(await processOutboxItem(broken.item.id)).toMatchObject({ skipped: 1 });
    expect(await mailbox(email, since)).toHaveLength(0);
    // The other submission went through, and its record carries no failure.
    expect(await mailbox(otherEmail, since)).toHaveLength(1);
    expect(await mailbox(settings().mailboxes.operator, since, healthy.ref)).toHaveLength(1);
    expect((await loadRecord(healthy.record.id)).deliveryFailed).toBeUndefined();
  });

  it('marks an item done when its record is gone (retention), without sending anything', async () => {
    const { record, item } = await seedOutboxItem('submitted', diagnosticsPayload(), {
      type: 'enter-stage',
      stage: 'submitted',
      version: 1,
    });
    await put({ ...record, expiresAt: Math.floor(now().getTime() / 1000) - 60 } as unknown as Record<
      string,
      unknown
    >);
    expect(await processOutboxItem(item.id)).toMatchObject({ done: 1, sent: 0, rendered: 0 });
  });
});

function streamEvent(ids: string[]): DynamoDBStreamEvent {
  return {
    Records: [
      ...ids.map((id) => ({
        eventName: 'INSERT' as const,
        dynamodb: { Keys: { pk: { S: `OUTBOX#${id}` }, sk: { S: 'OUTBOX' } } },
      })),
      // What the event filter should keep out, and the handler ignores anyway.
      { eventName: 'INSERT' as const, dynamodb: { Keys: { pk: { S: 'REC#x' }, sk: { S: 'REC' } } } },
      {
        eventName: 'MODIFY' as const,
        dynamodb: { Keys: { pk: { S: `OUTBOX#${ids[0]}` }, sk: { S: 'OUTBOX' } } },
      },
    ],
  };
}

describe('outbox worker: concurrency and triggers', () => {
  it('sends one mail when two workers get the same item at once (stream and poll, or two deliveries)', async () => {
    const email = uniqueEmail();
    const since = realSince();
    const { item, ref } = await seedOutboxItem('submitted', diagnosticsPayload(email), {
      type: 'enter-stage',
      stage: 'submitted',
      version: 1,
    });
    const results = await Promise.all([
      handler(streamEvent([item.id])),
      processOutboxItem(item.id),
      handler(streamEvent([item.id, item.id])),
    ]);
    expect(results.reduce((n, r) => n + r.processed, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(2);
    expect(await mailbox(email, since)).toHaveLength(1);
    expect(await mailbox(settings().mailboxes.operator, since, ref)).toHaveLength(1);
  });

  it('mails a reminder to whoever must act, an escalation to the supervisor, and nothing once the record moved on', async () => {
    const since = realSince();
    const email = uniqueEmail();
    const record = recordItem({
      stage: 'submitted',
      payload: diagnosticsPayload(email),
      version: 3,
      at: now(),
      dueAt: new Date(now().getTime() - 86_400_000).toISOString(),
      remindedAt: now().toISOString(),
    });
    await put(record as unknown as Record<string, unknown>);
    const ref = record.id.slice(0, 8);
    const item = (to: 'responsible' | 'supervisor', version: number) =>
      outboxItemFor(record, { type: 'reminder', stage: 'submitted', to, version }, now());
    const reminder = item('responsible', 3);
    const escalation = item('supervisor', 3);
    const stale = item('responsible', 2);
    for (const i of [reminder, escalation, stale]) await put(i as unknown as Record<string, unknown>);

    expect(await processOutboxItem(reminder.id)).toMatchObject({ done: 1, sent: 1 });
    expect(await processOutboxItem(escalation.id)).toMatchObject({ done: 1, sent: 1 });
    expect(await processOutboxItem(stale.id)).toMatchObject({ done: 1, sent: 0 });

    const reminders = await mailbox(settings().mailboxes.operator, since, ref);
    expect(reminders.map((m) => m.subject)).toEqual([`Напоминание: истёк срок по записи № ${ref}`]);
    const escalations = await mailbox(settings().mailboxes.supervisor, since, ref);
    expect(escalations.map((m) => m.subject)).toEqual([`Просрочка по записи № ${ref}`]);
    for (const mail of [...reminders, ...escalations]) {
      expect(mail.text).not.toMatch(/Иванова|Мария|school\.example/);
      expect(mail.attachments).toHaveLength(0);
    }
    expect(await mailbox(email, since)).toHaveLength(0);
  });
});

describe('outbox worker through the local gateway', () => {
  it('POST /dev/run/outbox polls the due items (real clock) and a second run sends nothing more', async () => {
    resetShift();
    try {
      const email = uniqueEmail();
      const since = realSince();
      const { item } = await seedOutboxItem('submitted', diagnosticsPayload(email), {
        type: 'enter-stage',
        stage: 'submitted',
        version: 1,
      });
      const first = await api(stack, 'POST', '/dev/run/outbox');
      expect(first.status).toBe(200);
      expect(first.json.worker).toBe('outbox');
      expect(first.json.result).toMatchObject({ parked: expect.any(Number), sent: expect.any(Number) });
      // Another test file's run may have taken the item first; either way it ends done, mailed once.
      await expect.poll(async () => (await loadItem(item.id)).status, { timeout: 10_000 }).toBe('done');
      expect(await mailbox(email, since)).toHaveLength(1);
      expect((await api(stack, 'POST', '/dev/run/outbox')).status).toBe(200);
      expect(await mailbox(email, since)).toHaveLength(1);
    } finally {
      shiftTo(FUTURE);
    }
  });
});
