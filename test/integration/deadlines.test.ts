import { describe, expect, it } from 'vitest';
import { get, put, update } from '../../functions/adapters/table';
import { config } from '../../functions/config';
import { calendarOf } from '../../functions/core/calendar';
import {
  checkRecord,
  checkRecordById,
  escalationMoment,
  reminderItemId,
} from '../../functions/core/deadlines';
import { keys, type OutboxItem, type StoredRecord } from '../../functions/core/model';
import { processOutboxItem } from '../../functions/core/outbox';
import { run } from '../../functions/workers/deadlines';
import { diagnosticsPayload, recordItem, uniqueEmail } from '../support/records';
import { api, useStack } from '../support/stack';

const stack = useStack();
const settings = () => config().instance;

const loadRecord = async (id: string) => (await get(keys.record(id))) as unknown as StoredRecord;
const loadItem = async (id: string) => (await get(keys.outbox(id))) as unknown as OutboxItem | undefined;

async function mailCount(to: string, since: string, subjectPart: string): Promise<number> {
  const res = await api(stack, 'GET', `/dev/mailbox?to=${encodeURIComponent(to)}&since=${since}`);
  return (res.json as { subject: string }[]).filter((m) => m.subject.includes(subjectPart)).length;
}

/** A submitted request whose operator deadline (A2 5.9.4) falls on `dueAt`, in the 'due' index at that instant. */
async function overdueRecord(dueAt: string, enteredAt: Date) {
  const record = recordItem({
    stage: 'submitted',
    payload: diagnosticsPayload(uniqueEmail()),
    at: enteredAt,
    dueAt,
    nextCheck: dueAt,
  });
  await put(record as unknown as Record<string, unknown>);
  return { record, ref: record.id.slice(0, 8) };
}

describe('deadline worker', () => {
  it('gives a long-overdue record exactly one reminder and one escalation however often and concurrently it runs', async () => {
    const since = new Date(Date.now() - 2000).toISOString();
    // Received Thursday 27 Feb 2020; 3 working days → due by the end of Tuesday 3 March (Moscow).
    const dueAt = calendarOf(settings()).dueAtFrom('2020-02-27T09:00:00+03:00', 3);
    expect(dueAt).toBe('2020-03-03T20:59:59.999Z');
    const { record, ref } = await overdueRecord(dueAt, new Date('2020-02-27T06:00:00Z'));

    const started = Date.now();
    await Promise.all([run(), run(), run()]);
    for (let i = 0; i < 4; i++) await run();
    await Promise.all([run(), run()]);
    console.log(`9 deadline runs in ${Date.now() - started} ms`);

    const after = await loadRecord(record.id);
    expect(after.remindedAt).toBeDefined();
    expect(after.escalatedAt).toBeDefined();
    expect(after.escalatedAt! >= after.remindedAt!).toBe(true);
    expect(after.version).toBe(1);
    // Nothing left to check in this stage: out of the index.
    expect(after.duePk).toBeUndefined();
    expect(after.dueSk).toBeUndefined();

    const reminder = await loadItem(reminderItemId(record, 'responsible'));
    const escalation = await loadItem(reminderItemId(record, 'supervisor'));
    expect(reminder?.effect).toEqual({ type: 'reminder', stage: 'submitted', to: 'responsible', version: 1 });
    expect(escalation?.effect).toEqual({
      type: 'reminder',
      stage: 'submitted',
      to: 'supervisor',
      version: 1,
    });

    // Through the outbox: one mail each (another test file's outbox run may deliver them first).
    await processOutboxItem(reminder!.id);
    await processOutboxItem(escalation!.id);
    await expect
      .poll(() => mailCount(settings().mailboxes.operator, since, ref), { timeout: 10_000 })
      .toBe(1);
    await expect
      .poll(() => mailCount(settings().mailboxes.supervisor, since, ref), { timeout: 10_000 })
      .toBe(1);

    await run();
    await run();
    expect(await loadRecord(record.id)).toMatchObject({
      remindedAt: after.remindedAt,
      escalatedAt: after.escalatedAt,
    });
    expect(await mailCount(settings().mailboxes.operator, since, ref)).toBe(1);
    expect(await mailCount(settings().mailboxes.supervisor, since, ref)).toBe(1);
  });

  it('reminds when the deadline passes and escalates at the end of the next working day, not before', async () => {
    // Far in the future, so that no other test's run (real or shifted clock) reaches this record.
    const calendar = calendarOf(settings());
    const received = '2089-03-02T10:00:00+03:00';
    const dueAt = calendar.dueAtFrom(received, settings().deadlines.operatorContact);
    const escalateAt = escalationMoment(dueAt, settings());
    expect(Date.parse(escalateAt)).toBeGreaterThan(Date.parse(dueAt) + 3600_000);
    const { record } = await overdueRecord(dueAt, new Date(received));
    const at = (iso: string, deltaMs: number) => new Date(Date.parse(iso) + deltaMs);

    expect(await checkRecordById(record.id, at(dueAt, -3600_000))).toBe('none');
    expect((await loadRecord(record.id)).remindedAt).toBeUndefined();

    expect(await checkRecordById(record.id, at(dueAt, 60_000))).toBe('reminded');
    const reminded = await loadRecord(record.id);
    expect(reminded.remindedAt).toBe(at(dueAt, 60_000).toISOString());
    expect(reminded.dueSk).toBe(`${escalateAt}#${record.id}`);
    expect(reminded.duePk).toBe(keys.duePk);
    const reminder = await loadItem(reminderItemId(record, 'responsible'));
    expect(reminder).toMatchObject({
      status: 'pending',
      outboxPk: keys.outboxPending,
      nextAttemptAt: reminded.remindedAt,
    });

    expect(await checkRecordById(record.id, at(dueAt, 120_000))).toBe('none');
    expect(await checkRecordById(record.id, at(escalateAt, -60_000))).toBe('none');
    expect(await loadItem(reminderItemId(record, 'supervisor'))).toBeUndefined();

    expect(await checkRecordById(record.id, at(escalateAt, 60_000))).toBe('escalated');
    const escalated = await loadRecord(record.id);
    expect(escalated.escalatedAt).toBe(at(escalateAt, 60_000).toISOString());
    expect(escalated.duePk).toBeUndefined();
    expect(await loadItem(reminderItemId(record, 'supervisor'))).toMatchObject({ status: 'pending' });
    expect(await checkRecordById(record.id, at(escalateAt, 86_400_000))).toBe('none');
  });

  it('sends no reminder when the record changed between the read and the write', async () => {
    const dueAt = calendarOf(settings()).dueAtFrom('2088-06-01T10:00:00+03:00', 3);
    const { record } = await overdueRecord(dueAt, new Date('2088-06-01T07:00:00Z'));
    const stale = await loadRecord(record.id);
    // An operator acts meanwhile: the version moves on.
    await update(keys.record(record.id), {
      expression: 'SET #v = :v',
      names: { '#v': 'version' },
      values: { ':v': 2 },
    });
    expect(await checkRecord(stale, new Date(Date.parse(dueAt) + 60_000))).toBe('skipped');
    expect((await loadRecord(record.id)).remindedAt).toBeUndefined();
    expect(await loadItem(reminderItemId(stale, 'responsible'))).toBeUndefined();
  });

  it('takes a record whose stage has no deadline out of the index instead of reading it forever', async () => {
    const record = recordItem({
      stage: 'scheduled',
      payload: diagnosticsPayload(uniqueEmail()),
      at: new Date('2087-05-12T07:00:00Z'),
      nextCheck: '2087-05-15T20:59:59.999Z',
    });
    await put(record as unknown as Record<string, unknown>);
    expect(await checkRecordById(record.id, new Date('2087-05-16T06:00:00Z'))).toBe('rescheduled');
    const after = await loadRecord(record.id);
    expect(after.duePk).toBeUndefined();
    expect(after.remindedAt).toBeUndefined();
  });

  it('runs through POST /dev/run/deadlines on the local gateway', async () => {
    const res = await api(stack, 'POST', '/dev/run/deadlines');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      worker: 'deadlines',
      result: { checked: expect.any(Number), reminded: expect.any(Number), escalated: expect.any(Number) },
    });
  });
});
