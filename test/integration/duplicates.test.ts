import { afterEach, describe, expect, it } from 'vitest';
import { listBlobKeys } from '../../functions/adapters/blobs';
import { config } from '../../functions/config';
import { drainOutbox, link, submitCollective } from '../support/diagnostics-api';
import { participantRows } from '../support/diagnostics-fixtures';
import { daysFromNow, diagnosticsRequest } from '../support/fixtures';
import { mailTo } from '../support/route-api';
import { routeFixture } from '../support/routes';
import { api, useStack } from '../support/stack';
import { staffToken } from '../support/staff';

/**
 * Duplicates and races (issue 9, item 2), through the local gateway as a client sees it: many copies of one
 * request at the same moment make one change, one set of documents and one mail per recipient; of many
 * different changes to one version exactly one wins, and the others are told why (API.md: 409).
 */
const stack = useStack();
const KIND = '/v1/submissions/diagnostics-request';
const COPIES = 50;

afterEach(async () => {
  await api(stack, 'DELETE', '/dev/clock');
});

/** `COPIES` requests at once; `request(i)` sends the i-th. */
const concurrently = (request: (i: number) => ReturnType<typeof api>) =>
  Promise.all(Array.from({ length: COPIES }, (_, i) => request(i)));

const statusesOf = (results: { status: number }[]) => {
  const counts: Record<number, number> = {};
  for (const { status } of results) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

/** A request body whose applicant has a surname no other test uses, so the staff queue finds only its records. */
function requestOf(surname: string) {
  const body = diagnosticsRequest();
  (body.participant as { person: { lastName: string } }).person.lastName = surname;
  return body;
}
const uniqueSurname = () => `Дублева${Date.now()}${Math.floor(Math.random() * 1000)}`;
const emailOf = (body: ReturnType<typeof diagnosticsRequest>) => body.participant.email;

async function recordsOf(surname: string): Promise<{ id: string }[]> {
  const operator = await staffToken(stack, ['operator']);
  const res = await api(
    stack,
    'GET',
    `/v1/submissions?q=${encodeURIComponent(surname)}`,
    undefined,
    operator,
  );
  expect(res.status).toBe(200);
  return res.json.items;
}

/** The outbox worker, run until `done` holds (another file's items may come first), then once more. */
async function runOutboxUntil(done: () => Promise<boolean>) {
  await expect
    .poll(
      async () => {
        expect((await api(stack, 'POST', '/dev/run/outbox')).status).toBe(200);
        return done();
      },
      { timeout: 30_000, interval: 200 },
    )
    .toBe(true);
  expect((await api(stack, 'POST', '/dev/run/outbox')).status).toBe(200);
}

describe('one Idempotency-Key', () => {
  it(`makes one record, one PDF and one mail per recipient of ${COPIES} identical concurrent submissions`, async () => {
    const surname = uniqueSurname();
    const body = requestOf(surname);
    const key = `dup-${crypto.randomUUID()}`;
    const results = await concurrently(() => api(stack, 'POST', KIND, body, { 'idempotency-key': key }));
    expect(statusesOf(results)).toEqual({ 201: COPIES });
    const ids = new Set(results.map((r) => r.json.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    // Every copy gets a working applicant link to that one record.
    const tokens = results.map((r) => r.json.accessToken as string);
    for (const token of [tokens[0]!, tokens[COPIES - 1]!]) {
      const link = await api(stack, 'GET', `/v1/links/${token}`);
      expect(link.json).toMatchObject({ recordId: id, party: 'applicant' });
    }

    expect((await recordsOf(surname)).map((r) => r.id)).toEqual([id]);
    const operator = await staffToken(stack, ['operator']);
    const history = await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, operator);
    expect(history.json.map((e: { action: string }) => e.action)).toEqual(['create']);

    const ref = id.slice(0, 8);
    const operatorMailbox = config().instance.mailboxes.operator;
    await runOutboxUntil(async () => (await mailTo(stack, operatorMailbox, ref)).length > 0);
    expect(await listBlobKeys(`records/${id}/`)).toEqual([`records/${id}/request-v1.pdf`]);
    const record = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, operator);
    expect(record.json.documents.map((d: { name: string }) => d.name)).toEqual(['request']);
    expect(await mailTo(stack, emailOf(body))).toHaveLength(1);
    expect(await mailTo(stack, operatorMailbox, ref)).toHaveLength(1);
  }, 120_000);

  it(`advances a gap-free number once for ${COPIES} identical concurrent creations of a numbered kind`, async () => {
    const centre = await staffToken(stack, ['centre']);
    const body = routeFixture();
    const key = `dup-${crypto.randomUUID()}`;
    const results = await concurrently(() =>
      api(stack, 'POST', '/v1/submissions/route', body, { ...centre, 'idempotency-key': key }),
    );
    expect(statusesOf(results)).toEqual({ 201: COPIES });
    expect(new Set(results.map((r) => `${r.json.id} ${r.json.number}`)).size).toBe(1);
    // A3 4.3.3: the next route takes the next number — the copies used up none.
    const next = await api(stack, 'POST', '/v1/submissions/route', routeFixture(), centre);
    expect(next.status).toBe(201);
    const serial = (n: string) => Number(n.split('-').pop());
    expect(serial(next.json.number)).toBe(serial(results[0]!.json.number) + 1);
  }, 120_000);

  it('answers 409 to the key with another body, and of two bodies racing for one key exactly one wins', async () => {
    const surname = uniqueSurname();
    const [first, second] = [requestOf(surname), requestOf(surname)];
    const key = `dup-${crypto.randomUUID()}`;
    const results = await concurrently((i) =>
      api(stack, 'POST', KIND, i % 2 ? second : first, { 'idempotency-key': key }),
    );
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    expect(new Set(created.map((r) => r.json.id)).size).toBe(1);
    expect(created.length + refused.length).toBe(COPIES);
    for (const r of refused) expect([r.status, r.json.error.code]).toEqual([409, 'idempotency-conflict']);
    // The copies of one body won, all of them; every copy of the other was refused.
    const winner = results.findIndex((r) => r.status === 201) % 2;
    results.forEach((r, i) => {
      expect(r.status).toBe(i % 2 === winner ? 201 : 409);
    });
    expect((await recordsOf(surname)).map((r) => r.id)).toEqual([created[0]!.json.id]);

    const again = await api(stack, 'POST', KIND, requestOf(surname), { 'idempotency-key': key });
    expect([again.status, again.json.error.code]).toEqual([409, 'idempotency-conflict']);
    // The error names no field value of either body.
    expect(again.text).not.toContain('@');
  }, 120_000);
});

describe('actions on one version', () => {
  async function submitted() {
    const body = diagnosticsRequest();
    const res = await api(stack, 'POST', KIND, body);
    expect(res.status).toBe(201);
    return { id: res.json.id as string, accessToken: res.json.accessToken as string, email: emailOf(body) };
  }
  const agree = (id: string, headers: Record<string, string>, place = 'Аудитория 12') =>
    api(stack, 'POST', `/v1/submissions/${id}/actions/agree`, { date: daysFromNow(12), place }, headers);

  it(`lets exactly one of ${COPIES} concurrent staff actions with the same If-Match through; the rest get 409`, async () => {
    const { id, email } = await submitted();
    const operator = await staffToken(stack, ['operator']);
    const results = await concurrently((i) => agree(id, { ...operator, 'if-match': '1' }, `Аудитория ${i}`));
    expect(statusesOf(results)).toEqual({ 200: 1, 409: COPIES - 1 });
    for (const r of results.filter((x) => x.status === 409))
      expect(r.json.error.code).toBe('version-conflict');
    const winner = results.find((r) => r.status === 200)!.json;
    expect(winner).toMatchObject({ stage: 'scheduled', version: 2 });

    const record = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, operator);
    expect(record.json).toMatchObject({ stage: 'scheduled', version: 2, payload: winner.payload });
    const history = await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, operator);
    expect(history.json.map((e: { action: string }) => e.action)).toEqual(['create', 'agree']);
    // One stage entered, so one invitation: rendered once, mailed once.
    await runOutboxUntil(async () => (await mailTo(stack, email)).length >= 2);
    expect((await listBlobKeys(`records/${id}/`)).sort()).toEqual([
      `records/${id}/invitation-v2.pdf`,
      `records/${id}/request-v1.pdf`,
    ]);
    expect(await mailTo(stack, email)).toHaveLength(2);
  }, 120_000);

  it(`applies ${COPIES} concurrent copies of one staff action with one Idempotency-Key once, and answers each with it`, async () => {
    const { id } = await submitted();
    const operator = await staffToken(stack, ['operator']);
    const key = `act-${crypto.randomUUID()}`;
    const results = await concurrently(() =>
      agree(id, { ...operator, 'if-match': '1', 'idempotency-key': key }),
    );
    expect(statusesOf(results)).toEqual({ 200: COPIES });
    for (const r of results) expect(r.json).toMatchObject({ stage: 'scheduled', version: 2 });
    const history = await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, operator);
    expect(history.json.map((e: { action: string }) => e.action)).toEqual(['create', 'agree']);

    const other = await agree(
      id,
      { ...operator, 'if-match': '1', 'idempotency-key': key },
      'Другая аудитория',
    );
    expect([other.status, other.json.error.code]).toEqual([409, 'idempotency-conflict']);
  }, 120_000);

  it(`lets one of ${COPIES} concurrent withdrawals through the applicant's link win; the rest find it withdrawn`, async () => {
    const { id, accessToken } = await submitted();
    const results = await concurrently(() =>
      api(stack, 'POST', `/v1/submissions/${id}/actions/withdraw`, {}, { 'x-link-token': accessToken }),
    );
    expect(statusesOf(results)).toEqual({ 200: 1, 422: COPIES - 1 });
    for (const r of results.filter((x) => x.status === 422))
      expect(r.json.error.rule).toBe('action-not-allowed');
    const operator = await staffToken(stack, ['operator']);
    const history = await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, operator);
    expect(history.json.map((e: { action: string }) => e.action)).toEqual(['create', 'withdraw']);
    // The operator hears of the withdrawal once.
    const operatorMailbox = config().instance.mailboxes.operator;
    const withdrawn = async () =>
      (await mailTo(stack, operatorMailbox, id.slice(0, 8))).filter((m) => /отозван/i.test(m.subject));
    await runOutboxUntil(async () => (await withdrawn()).length > 0);
    expect(await withdrawn()).toHaveLength(1);
  }, 120_000);
});

describe('the consents of one collective request answered at the same moment', () => {
  it('gives each consent one answer, and moves the request on once, with one mail each', async () => {
    const run = await submitCollective(stack, { rows: participantRows(8) });
    // Every teacher answers at once, and every answer goes out four times (a double click, a retried post).
    const copies = 4;
    const results = await Promise.all(
      run.participantIds.flatMap((pid, i) =>
        Array.from({ length: copies }, () =>
          api(
            stack,
            'POST',
            `/v1/submissions/${run.consents.get(pid)}/actions/give`,
            { blocks: run.rows[i]!.blocks, personalDataConsent: true },
            link(run.consentLinks.get(pid)!),
          ),
        ),
      ),
    );
    for (const [i] of run.participantIds.entries()) {
      const answers = results.slice(i * copies, (i + 1) * copies);
      expect(statusesOf(answers)).toEqual({ 200: 1, 422: copies - 1 });
    }
    const operator = await staffToken(stack, ['operator']);
    const request = await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, operator);
    expect(request.json.stage).toBe('submitted');
    expect(request.json.children.map((c: { stage: string }) => c.stage)).toEqual(
      run.participantIds.map(() => 'given'),
    );
    const history = await api(stack, 'GET', `/v1/submissions/${run.id}/history`, undefined, operator);
    const moves = history.json.filter((e: { toStage: string }) => e.toStage === 'submitted');
    expect(moves).toHaveLength(1);

    await drainOutbox(stack);
    const ref = run.id.slice(0, 8);
    expect(
      await mailTo(
        stack,
        config().instance.mailboxes.operator,
        `коллективная заявка на диагностику № ${ref}`,
      ),
    ).toHaveLength(1);
    expect(await mailTo(stack, run.headEmail, `Согласия собраны: коллективная заявка № ${ref}`)).toHaveLength(
      1,
    );
  }, 120_000);
});
