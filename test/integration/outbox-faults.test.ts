import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as blobs from '../../functions/adapters/blobs';
import { now, resetShift, shiftTo } from '../../functions/adapters/clock';
import { readLocalMailbox } from '../../functions/adapters/local-mailbox';
import * as mailAdapter from '../../functions/adapters/mail';
import { config } from '../../functions/config';
import { keys, type OutboxItem } from '../../functions/core/model';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  MAX_ATTEMPTS,
  type OutboxSummary,
  processOutboxItem,
  processOutboxItems,
} from '../../functions/core/outbox';
import { collectiveRequest, participantRows } from '../support/diagnostics-fixtures';
import {
  childrenOf,
  loadItem,
  loadRecord,
  pendingItemsOf,
  seedOutboxItem,
  untilNextAttempt,
} from '../support/outbox';
import { diagnosticsPayload, uniqueEmail } from '../support/records';
import { ownSesEmulator } from '../support/ses-emulator';
import { api, useStack } from '../support/stack';

/**
 * The outbox under faults (issue 9, item 3): whatever fails and for however long, once things work again every
 * expected mail has arrived exactly once and every document is in S3 once, referenced once.
 *
 * As in outbox.test.ts, this process's clock runs in the future (another year than that file's), so the items
 * here are due only for this process and the gateway's worker never takes them. Mail goes to an SES emulator of
 * this process's own, which the tests stop and start again; the stack's shared one stays up for other files.
 */
const stack = useStack();
const FUTURE = new Date('2091-03-02T07:00:00Z');
const ROOT = resolve(import.meta.dirname, '..', '..');
const WORKER_CHILD = join(ROOT, 'test', 'support', 'outbox-worker-child.ts');

let ses: Awaited<ReturnType<typeof ownSesEmulator>>;

beforeAll(async () => {
  ses = await ownSesEmulator();
  shiftTo(FUTURE);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await ses.start();
});
afterAll(async () => {
  resetShift();
  await ses.stop();
});

/** Records that have just entered `submitted`: one PDF (the request), two mails (applicant, operator) each. */
async function submissions(count: number) {
  const seeded = [];
  for (let i = 0; i < count; i++) {
    const email = uniqueEmail();
    const seed = await seedOutboxItem('submitted', diagnosticsPayload(email), {
      type: 'enter-stage',
      stage: 'submitted',
      version: 1,
    });
    seeded.push({ ...seed, email });
  }
  return seeded;
}
type Submission = Awaited<ReturnType<typeof submissions>>[number];

/** One worker run over the items (as a stream batch would give them), then the clock past every retry. */
async function round(items: Submission[]): Promise<OutboxSummary> {
  const started = now().getTime();
  const summary = await processOutboxItems(items.map((s) => s.item.id));
  let latest = now().getTime();
  for (const { item: seeded } of items) {
    const item = await loadItem(seeded.id);
    if (item.status === 'pending' && item.attempts > 0) {
      // A failed attempt backs off: the next one is due later, within the capped exponential ceiling.
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (item.attempts - 1));
      expect(Date.parse(item.nextAttemptAt)).toBeGreaterThanOrEqual(started);
      expect(Date.parse(item.nextAttemptAt)).toBeLessThanOrEqual(now().getTime() + ceiling);
    }
    latest = Math.max(latest, Date.parse(item.nextAttemptAt));
  }
  shiftTo(new Date(latest + 1000));
  return summary;
}

const realSince = () => new Date(Date.now() - 2000);

/** Mail that reached the emulator for one submission: the applicant's and the operator mailbox's. */
async function mailsOf(s: Submission, since: Date) {
  const operator = config().instance.mailboxes.operator;
  return {
    applicant: await readLocalMailbox({ to: s.email, since }),
    operator: (await readLocalMailbox({ to: operator, since })).filter((m) => m.subject.includes(s.ref)),
  };
}

/** The end state every fault must come back to: done, one stored PDF, one mail each, the PDF attached to both. */
async function expectDeliveredOnce(s: Submission, since: Date) {
  expect(await loadItem(s.item.id)).toMatchObject({ status: 'done' });
  const record = await loadRecord(s.record.id);
  expect(record.deliveryFailed).toBeUndefined();
  expect(record.documents.map((d) => d.key)).toEqual([`records/${s.record.id}/request-v1.pdf`]);
  expect(await blobs.listBlobKeys(`records/${s.record.id}/`)).toEqual([record.documents[0]!.key]);
  const pdf = Buffer.from((await blobs.getBlob(record.documents[0]!.key))!.body);
  const { applicant, operator } = await mailsOf(s, since);
  expect(applicant).toHaveLength(1);
  expect(operator).toHaveLength(1);
  for (const mail of [...applicant, ...operator]) {
    expect(mail.attachments).toHaveLength(1);
    expect(Buffer.from(mail.attachments[0]!.contentBase64, 'base64').equals(pdf)).toBe(true);
  }
}

/** Retries are still to come: pending, due again later, not parked, the record not marked. */
async function expectRetrying(s: Submission, attempts: number) {
  const item = await loadItem(s.item.id);
  expect(item).toMatchObject({ status: 'pending', attempts, outboxPk: keys.outboxPending });
  expect(item.attempts).toBeLessThan(MAX_ATTEMPTS);
  expect(item.leaseUntil).toBeUndefined();
  // What failed is named; the message (it may quote an address) is not kept.
  expect(item.lastError).toEqual(expect.any(String));
  expect(JSON.stringify(item)).not.toContain('maria@');
  expect((await loadRecord(s.record.id)).deliveryFailed).toBeUndefined();
}

describe('outbox: adapters failing for a while', () => {
  it('comes through S3 and SES outages in turn, then every mail arrives once and every PDF is stored once', async () => {
    const since = realSince();
    const seeded = await submissions(3);
    const ours = (text: string | undefined) => seeded.some((s) => text?.includes(s.record.id));
    const ourMail = (reference: string | undefined) => seeded.some((s) => reference?.startsWith(s.item.id));
    const unavailable = () =>
      Object.assign(new Error('Service unavailable for maria@example.ru'), { name: 'ServiceUnavailable' });

    /** Which dependency is down now; only this test's records and mails see the outage. */
    let down: { putBlob?: boolean; getBlob?: boolean; mail?: 'all' | 'operator' } = {};
    const { putBlob, getBlob } = blobs;
    const { sendMail } = mailAdapter;
    vi.spyOn(blobs, 'putBlob').mockImplementation(async (blob) => {
      if (down.putBlob && ours(blob.key)) throw unavailable();
      return putBlob(blob);
    });
    vi.spyOn(blobs, 'getBlob').mockImplementation(async (key) => {
      if (down.getBlob && ours(key)) throw unavailable();
      return getBlob(key);
    });
    vi.spyOn(mailAdapter, 'sendMail').mockImplementation(async (mail) => {
      const failing = down.mail === 'all' || (down.mail === 'operator' && mail.reference?.endsWith('/1'));
      if (failing && ourMail(mail.reference)) throw unavailable();
      return sendMail(mail);
    });

    // S3 refuses uploads: nothing is rendered into it, nothing recorded.
    down = { putBlob: true };
    expect(await round(seeded)).toMatchObject({ processed: 3, failed: 3, rendered: 0, sent: 0 });
    for (const s of seeded) {
      await expectRetrying(s, 1);
      expect(await blobs.listBlobKeys(`records/${s.record.id}/`)).toEqual([]);
    }
    // S3 is back, SES is down: the PDFs are stored and recorded, no mail goes.
    down = { mail: 'all' };
    expect(await round(seeded)).toMatchObject({ processed: 3, failed: 3, rendered: 3, sent: 0 });
    // S3 cannot be read: the attachments (no longer in the worker's memory) cannot be fetched.
    down = { getBlob: true };
    expect(await round(seeded)).toMatchObject({ processed: 3, failed: 3, rendered: 0, sent: 0 });
    // SES takes the applicants' mail and refuses the operator's.
    down = { mail: 'operator' };
    expect(await round(seeded)).toMatchObject({ processed: 3, failed: 3, rendered: 0, sent: 3 });
    for (const s of seeded) await expectRetrying(s, 4);

    down = {};
    expect(await round(seeded)).toMatchObject({ processed: 3, done: 3, failed: 0, rendered: 0, sent: 3 });
    for (const s of seeded) await expectDeliveredOnce(s, since);
    // Later runs (a duplicate stream delivery, the poll) find nothing to do.
    expect(await round(seeded)).toMatchObject({ processed: 0, skipped: 3 });
    for (const s of seeded) await expectDeliveredOnce(s, since);
  });
});

describe('outbox: the SES emulator stopped and started again', () => {
  it('retries with backoff while it is down, parks nothing, and delivers each mail once after the restart', async () => {
    const since = realSince();
    const seeded = await submissions(3);
    const [first] = seeded as [Submission];

    // The emulator goes down in the middle of an item: right after it accepted that item's first mail.
    const { sendMail } = mailAdapter;
    const spy = vi.spyOn(mailAdapter, 'sendMail').mockImplementation(async (mail) => {
      const id = await sendMail(mail);
      if (mail.reference === `${first.item.id}/0`) await ses.stop();
      return id;
    });
    expect(await round([first])).toMatchObject({ processed: 1, failed: 1, rendered: 1, sent: 1 });
    spy.mockRestore();

    for (let attempt = 1; attempt <= 3; attempt++) {
      const summary = await round(seeded);
      expect(summary).toMatchObject({ processed: 3, failed: 3, sent: 0, parked: 0 });
      // Each PDF is rendered on its item's first attempt only.
      expect(summary.rendered).toBe(attempt === 1 ? 2 : 0);
      await expectRetrying(first, attempt + 1);
      for (const s of seeded.slice(1)) await expectRetrying(s, attempt);
    }
    expect((await loadItem(first.item.id)).sent).toHaveProperty('0');
    // The stored error says what happened (the connection was refused), which a bare `Error` would not.
    for (const s of seeded) expect((await loadItem(s.item.id)).lastError).toBe('Error:ECONNREFUSED');

    await ses.start();
    expect(await round(seeded)).toMatchObject({ processed: 3, done: 3, failed: 0, rendered: 0, sent: 5 });
    for (const s of seeded) await expectDeliveredOnce(s, since);
  });
});

/** Run one item in a separate worker process, which hangs at `point`; SIGKILL it there. */
async function killWorkerAt(itemId: string, point: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WORKER_CHILD, itemId, now().toISOString(), point],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let errors = '';
  child.stderr.on('data', (d) => {
    errors = (errors + d).slice(-4000);
  });
  const exited = new Promise<string | number | null>((done) =>
    child.once('exit', (code, signal) => done(signal ?? code)),
  );
  try {
    const said = await new Promise<unknown>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) ok(JSON.parse(line));
      });
      child.once('exit', (code) =>
        fail(new Error(`The worker exited (${code}) before its hang point: ${errors}`)),
      );
      setTimeout(() => fail(new Error(`The worker did not reach its hang point: ${errors}`)), 60_000).unref();
    });
    expect(said).toEqual({ hung: point });
  } finally {
    // Killed in any case: a worker left hanging would outlive the test run.
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
}

describe('outbox: a worker killed between render and send', () => {
  it.each([
    { point: 'record-document', pdfsRecorded: 0, mailsSent: 0 },
    { point: 'first-mail', pdfsRecorded: 1, mailsSent: 0 },
    { point: 'second-mail', pdfsRecorded: 1, mailsSent: 1 },
  ])(
    'killed at $point: the next worker loses nothing and sends nothing twice',
    async (killed) => {
      const since = realSince();
      const [s] = (await submissions(1)) as [Submission];
      await killWorkerAt(s.item.id, killed.point);

      // What the dead worker left: the PDF in S3 in any case, recorded or not, and the mails it got out.
      expect(await blobs.listBlobKeys(`records/${s.record.id}/`)).toEqual([
        `records/${s.record.id}/request-v1.pdf`,
      ]);
      expect((await loadRecord(s.record.id)).documents).toHaveLength(killed.pdfsRecorded);
      const { applicant, operator } = await mailsOf(s, since);
      expect(applicant.length + operator.length).toBe(killed.mailsSent);

      // Its lease keeps others off the item until it runs out (a slow worker is not a dead one)…
      const leased = await loadItem(s.item.id);
      expect(leased).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await processOutboxItem(s.item.id)).toMatchObject({ processed: 0, skipped: 1 });
      // …then the lost attempt is counted as failed, and the retry after the backoff finishes what is left.
      shiftTo(new Date(Date.parse(leased.leaseUntil!) + 1000));
      expect(await processOutboxItem(s.item.id)).toMatchObject({ processed: 1, failed: 1, sent: 0 });
      await expectRetrying(s, 1);
      expect((await loadItem(s.item.id)).lastError).toBe('WorkerLost');
      await untilNextAttempt(s.item.id);
      expect(await processOutboxItem(s.item.id)).toMatchObject({
        done: 1,
        rendered: 1 - killed.pdfsRecorded,
        sent: 2 - killed.mailsSent,
      });
      await expectDeliveredOnce(s, since);
    },
    120_000,
  );
});

describe('outbox: a worker killed while it creates the consents of a collective request', () => {
  it('creates each consent once, and each teacher is asked once per row', async () => {
    const since = realSince();
    const rows = participantRows(4);
    const headEmail = uniqueEmail('director');
    const created = await api(
      stack,
      'POST',
      '/v1/submissions/collective-diagnostics-request',
      collectiveRequest({ rows, headEmail }),
    );
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const [item] = (await pendingItemsOf([id])) as [OutboxItem];

    await killWorkerAt(item.id, 'third-child');
    expect(await childrenOf(id)).toHaveLength(2);
    shiftTo(new Date(Date.parse((await loadItem(item.id)).leaseUntil!) + 1000));
    expect(await processOutboxItem(item.id)).toMatchObject({ processed: 1, failed: 1 });
    await untilNextAttempt(item.id);
    expect(await processOutboxItem(item.id)).toMatchObject({ done: 1, children: 2, rendered: 1, sent: 1 });

    const children = await childrenOf(id);
    expect(children).toHaveLength(rows.length);
    expect(new Set(children.map((c) => c.key)).size).toBe(rows.length);
    const consentItems = await pendingItemsOf(children.map((c) => c.id));
    expect(consentItems).toHaveLength(rows.length);
    expect(await processOutboxItems(consentItems.map((i) => i.id))).toMatchObject({
      done: rows.length,
      sent: rows.length,
    });
    // One consent request per row (a teacher of two subjects has two rows), and one mail to the head.
    for (const email of new Set(rows.map((r) => r.email))) {
      const expected = rows.filter((r) => r.email === email).length;
      expect(await readLocalMailbox({ to: email, since })).toHaveLength(expected);
    }
    expect(await readLocalMailbox({ to: headEmail, since })).toHaveLength(1);
  }, 120_000);
});

describe('outbox: an item no worker comes back from', () => {
  it('counts each lost worker as a failed attempt, backs off, and parks the item after the last', async () => {
    const [s] = (await submissions(1)) as [Submission];
    // Every worker taking the item hangs in its render (as a Lambda does until its timeout cuts it off).
    let wake!: () => void;
    const hung = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const { putBlob } = blobs;
    vi.spyOn(blobs, 'putBlob').mockImplementation(async (blob) => {
      if (blob.key.includes(s.record.id)) await hung;
      return putBlob(blob);
    });
    const lostWorkers: Promise<OutboxSummary>[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      lostWorkers.push(processOutboxItem(s.item.id));
      await expect.poll(async () => (await loadItem(s.item.id)).leaseUntil).toBeDefined();
      shiftTo(new Date(Date.parse((await loadItem(s.item.id)).leaseUntil!) + 1000));
      const outcome = await processOutboxItem(s.item.id);
      if (attempt === MAX_ATTEMPTS) break;
      expect(outcome).toMatchObject({ processed: 1, failed: 1, parked: 0 });
      await expectRetrying(s, attempt);
      await untilNextAttempt(s.item.id);
    }
    expect(await loadItem(s.item.id)).toMatchObject({
      status: 'parked',
      attempts: MAX_ATTEMPTS,
      lastError: 'WorkerLost',
    });
    expect((await loadRecord(s.record.id)).deliveryFailed).toBe(true);

    // The lost workers wake up at last: none holds the item any more, so none records or sends anything.
    wake();
    for (const summary of await Promise.all(lostWorkers)) expect(summary).toMatchObject({ done: 0, sent: 0 });
    expect(await loadItem(s.item.id)).toMatchObject({ status: 'parked', attempts: MAX_ATTEMPTS });
    expect((await loadRecord(s.record.id)).documents).toEqual([]);
    expect(await mailsOf(s, new Date(0))).toEqual({ applicant: [], operator: [] });
  }, 120_000);
});
