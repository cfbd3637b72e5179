import { afterEach, describe, expect, it } from 'vitest';
import { daysFromNow, diagnosticsRequest, uniqueEmail } from '../support/fixtures';
import { api, useStack } from '../support/stack';
import { staffToken } from '../support/staff';

const stack = useStack();
const KIND = '/v1/submissions/diagnostics-request';

afterEach(async () => {
  await api(stack, 'DELETE', '/dev/clock');
});

async function submit(body = diagnosticsRequest(), headers: Record<string, string> = {}) {
  const res = await api(stack, 'POST', KIND, body, headers);
  expect(res.status).toBe(201);
  return res.json as { id: string; version: number; stage: string; accessToken: string };
}

describe('creating a record', () => {
  it('answers 201 with the first stage and the applicant link, and the history shows the stage', async () => {
    const created = await submit();
    expect(created).toMatchObject({ kind: 'diagnostics-request', stage: 'submitted', version: 1 });
    expect(created.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const record = await api(stack, 'GET', `/v1/submissions/${created.id}`, undefined, {
      'x-link-token': created.accessToken,
    });
    expect(record.status).toBe(200);
    expect(record.json).toMatchObject({ stage: 'submitted', allowedActions: ['withdraw'], overdue: false });
    // A2 5.9.4: 3 working days; the deadline is the end of a day in Moscow (20:59:59.999Z).
    expect(record.json.dueAt).toMatch(/T20:59:59\.999Z$/);
    expect(record.json.payload.participant.phone).toBe('+74812381234');
    const history = await api(stack, 'GET', `/v1/submissions/${created.id}/history`, undefined, {
      'x-link-token': created.accessToken,
    });
    expect(history.json).toEqual([
      expect.objectContaining({ action: 'create', fromStage: null, toStage: 'submitted' }),
    ]);
  });

  it('lists every failing field in Russian and refuses unknown fields', async () => {
    const body = diagnosticsRequest({ blocks: [], personalDataConsent: false, colour: 'red' });
    (body.participant as Record<string, unknown>).email = 'не почта';
    const { status, json } = await api(stack, 'POST', KIND, body);
    expect(status).toBe(400);
    expect(json.error.code).toBe('validation');
    const paths = json.error.issues.map((i: { path: string }) => i.path);
    // An unknown field is named by its own path.
    expect(paths).toEqual(
      expect.arrayContaining(['participant.email', 'blocks', 'personalDataConsent', 'colour']),
    );
    expect(json.error.issues.every((i: { message: string }) => /[а-яё]/i.test(i.message))).toBe(true);
  });

  it('refuses a period in the past as a field error, by the instance clock', async () => {
    const { status, json } = await api(
      stack,
      'POST',
      KIND,
      diagnosticsRequest({ preferredPeriod: { from: daysFromNow(-2), to: daysFromNow(5) } }),
    );
    expect(status).toBe(400);
    expect(json.error.issues).toEqual([expect.objectContaining({ path: 'preferredPeriod.from' })]);
  });
});

describe('actions', () => {
  it('requires If-Match from staff, checks the role and the stage', async () => {
    const { id } = await submit();
    const operator = await staffToken(stack, ['operator']);
    const noIfMatch = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/reject`,
      { reason: 'Нет мест' },
      operator,
    );
    expect(noIfMatch.status).toBe(400);
    expect(noIfMatch.json.error.issues[0].path).toBe('If-Match');
    const centre = await staffToken(stack, ['centre']);
    const wrongRole = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/agree`,
      { date: daysFromNow(12), place: 'А' },
      {
        ...centre,
        'if-match': '1',
      },
    );
    expect([wrongRole.status, wrongRole.json.error.code]).toEqual([403, 'forbidden']);
    const wrongStage = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/conduct`,
      { conductedOn: daysFromNow(0) },
      {
        ...operator,
        'if-match': '1',
      },
    );
    expect([wrongStage.status, wrongStage.json.error.rule]).toEqual([422, 'action-not-allowed']);
    const curator = await staffToken(stack, ['curator'], uniqueEmail('curator'));
    expect((await api(stack, 'GET', `/v1/submissions/${id}`, undefined, curator)).status).toBe(404);
  });
});

describe('party links', () => {
  it('are refused on another record (403), for an action they do not carry (403) and after expiry (401)', async () => {
    const first = await submit();
    const second = await submit();
    const onOther = await api(stack, 'GET', `/v1/submissions/${second.id}`, undefined, {
      'x-link-token': first.accessToken,
    });
    expect([onOther.status, onOther.json.error.code]).toEqual([403, 'forbidden']);

    const operator = await staffToken(stack, ['operator']);
    await api(
      stack,
      'POST',
      `/v1/submissions/${first.id}/actions/agree`,
      { date: daysFromNow(12), place: 'А' },
      {
        ...operator,
        'if-match': '1',
      },
    );
    const notCarried = await api(
      stack,
      'POST',
      `/v1/submissions/${first.id}/actions/conduct`,
      { conductedOn: daysFromNow(0) },
      {
        'x-link-token': first.accessToken,
      },
    );
    expect([notCarried.status, notCarried.json.error.code]).toEqual([403, 'forbidden']);

    const link = await api(stack, 'GET', `/v1/links/${first.accessToken}`);
    expect(link.json).toMatchObject({ recordId: first.id, party: 'applicant', actions: ['withdraw'] });
    await api(stack, 'POST', '/dev/clock', {
      now: new Date(Date.parse(link.json.expiresAt) + 60_000).toISOString(),
    });
    const expired = await api(stack, 'GET', `/v1/submissions/${first.id}`, undefined, {
      'x-link-token': first.accessToken,
    });
    expect([expired.status, expired.json.error.code]).toEqual([401, 'unauthenticated']);
    expect(
      (await api(stack, 'GET', '/v1/submissions/x', undefined, { 'x-link-token': 'forged' })).status,
    ).toBe(401);
  });

  it('lets the applicant withdraw through the link without If-Match', async () => {
    const { id, accessToken } = await submit();
    const res = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/withdraw`,
      {},
      { 'x-link-token': accessToken },
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ stage: 'withdrawn', version: 2, allowedActions: [] });
  });
});

describe('the staff queue', () => {
  it('finds records by surname, pages with a cursor and refuses the anonymous', async () => {
    const surname = `Тестова${Date.now()}`;
    const body = diagnosticsRequest();
    (body.participant as { person: { lastName: string } }).person.lastName = surname;
    for (let i = 0; i < 3; i++)
      await submit({ ...body, participant: { ...body.participant, email: uniqueEmail() } });
    const operator = await staffToken(stack, ['operator']);
    const first = await api(
      stack,
      'GET',
      `/v1/submissions?kind=diagnostics-request&q=${encodeURIComponent(surname)}&limit=2`,
      undefined,
      operator,
    );
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(2);
    const second = await api(
      stack,
      'GET',
      `/v1/submissions?q=${encodeURIComponent(surname)}&limit=2&cursor=${first.json.cursor}`,
      undefined,
      operator,
    );
    const ids = [...first.json.items, ...second.json.items].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(3);
    expect((await api(stack, 'GET', '/v1/submissions')).status).toBe(401);
    const bad = await api(stack, 'GET', '/v1/submissions?limit=1000', undefined, operator);
    expect([bad.status, bad.json.error.issues[0].path]).toEqual([400, 'limit']);
  });
});

describe('descriptions', () => {
  it('describes the forms with JSON Schema and Russian labels, and serves OpenAPI 3.1', async () => {
    const forms = await api(stack, 'GET', '/v1/forms');
    expect(forms.json).toContainEqual({
      kind: 'diagnostics-request',
      title: expect.any(String),
      public: true,
    });
    const form = await api(stack, 'GET', '/v1/forms/diagnostics-request');
    expect(form.json.schema.properties.participant.type).toBe('object');
    expect(form.json.enums.form.standardized).toBe('на основании стандартизированных оценочных процедур');
    expect((await api(stack, 'GET', '/v1/forms/nothing')).status).toBe(404);
    const openapi = await api(stack, 'GET', '/openapi.json');
    expect(openapi.json.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.json.paths)).toContain('/v1/submissions/{id}/actions/{action}');
    expect(
      openapi.json.components.schemas['Submission_diagnostics-request'].properties.participant,
    ).toBeDefined();
  });
});
