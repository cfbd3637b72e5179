import { describe, expect, it } from 'vitest';
import { verifyStaffToken } from '../../functions/adapters/identity';
import { api, useStack } from '../support/stack';

const stack = useStack();

describe('local-only endpoints', () => {
  it('issues a staff token that the same verifier as in AWS accepts, and refuses a forged one', async () => {
    const { status, json } = await api(stack, 'POST', '/dev/token', {
      email: ' Metodist@Soiro.example.ru ',
      roles: ['centre', 'curator'],
    });
    expect(status).toBe(200);
    const identity = await verifyStaffToken(json.token);
    expect(identity).toMatchObject({ email: 'metodist@soiro.example.ru', roles: ['centre', 'curator'] });

    const [header, payload, signature] = json.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['admin'] })).toString('base64url')}.${signature}`;
    await expect(verifyStaffToken(forged)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('judges staff tokens by the shifted clock: valid in the shifted present, expired after their 8 hours', async () => {
    try {
      await api(stack, 'POST', '/dev/clock', { now: '2030-03-01T09:00:00+03:00' });
      const { json } = await api(stack, 'POST', '/dev/token', {
        email: 'operator@soiro.example.ru',
        roles: ['operator'],
      });
      const auth = { authorization: `Bearer ${json.token}` };
      expect((await api(stack, 'GET', '/v1/submissions?limit=1', undefined, auth)).status).toBe(200);
      await api(stack, 'POST', '/dev/clock', { now: '2030-03-01T17:01:00+03:00' });
      const late = await api(stack, 'GET', '/v1/submissions?limit=1', undefined, auth);
      expect([late.status, late.json.error.code]).toEqual([401, 'unauthenticated']);
    } finally {
      await api(stack, 'DELETE', '/dev/clock');
    }
  });

  it('names every failing field of a bad token request', async () => {
    const { status, json } = await api(stack, 'POST', '/dev/token', {
      email: 'нет',
      roles: ['director'],
      extra: 1,
    });
    expect(status).toBe(400);
    expect(json.error.code).toBe('validation');
    const paths = json.error.issues.map((i: { path: string }) => i.path).sort();
    // An unknown field is named by its own path (functions/core/errors.ts fieldIssues).
    expect(paths).toEqual(['email', 'extra', 'roles.0']);
  });

  it('shifts the clock and returns to the real one', async () => {
    const shifted = await api(stack, 'POST', '/dev/clock', { now: '2027-01-01T09:00:00+03:00' });
    expect(shifted.status).toBe(200);
    expect(Date.parse(shifted.json.now)).toBeGreaterThanOrEqual(Date.parse('2027-01-01T06:00:00Z'));
    expect(Date.parse(shifted.json.now)).toBeLessThan(Date.parse('2027-01-01T06:01:00Z'));
    const reset = await api(stack, 'DELETE', '/dev/clock');
    expect(Math.abs(Date.parse(reset.json.now) - Date.now())).toBeLessThan(5000);
    expect((await api(stack, 'POST', '/dev/clock', { now: 'завтра' })).status).toBe(400);
  });

  it('answers an unknown worker with not-found', async () => {
    const { status, json } = await api(stack, 'POST', '/dev/run/nothing');
    expect(status).toBe(404);
    expect(json.error.code).toBe('not-found');
  });
});

describe('the HTTP contract at the edge', () => {
  it('answers /healthz with no-store and a request id', async () => {
    const { status, json, headers } = await api(stack, 'GET', '/healthz');
    expect(status).toBe(200);
    expect(json).toEqual({ ok: true });
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses non-JSON, broken JSON and bodies over 256 KB with the documented codes', async () => {
    const notJson = await api(stack, 'POST', '/dev/token', 'email=a', { 'content-type': 'text/plain' });
    expect([notJson.status, notJson.json.error.code]).toEqual([415, 'unsupported-media-type']);
    const broken = await api(stack, 'POST', '/dev/token', '{"email": ', {
      'content-type': 'application/json',
    });
    expect([broken.status, broken.json.error.code]).toEqual([400, 'validation']);
    const big = await api(stack, 'POST', '/dev/token', {
      email: 'a@b.ru',
      roles: ['admin'],
      pad: 'я'.repeat(140_000),
    });
    expect([big.status, big.json.error.code]).toEqual([413, 'payload-too-large']);
  });

  it('answers unknown paths 404 and wrong methods 405 in the error shape', async () => {
    const missing = await api(stack, 'GET', '/v1/nothing');
    expect([missing.status, missing.json.error.code]).toEqual([404, 'not-found']);
    const wrongMethod = await api(stack, 'GET', '/dev/token');
    expect([wrongMethod.status, wrongMethod.json.error.code]).toEqual([405, 'method-not-allowed']);
  });
});
