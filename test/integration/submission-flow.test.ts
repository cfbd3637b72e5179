import { describe, expect, it } from 'vitest';
import { daysFromNow, diagnosticsRequest, uniqueEmail } from '../support/fixtures';
import { api, useStack } from '../support/stack';
import { staffToken } from '../support/staff';

/**
 * The path of one submission (DESIGN.md) through the real emulators: the request commits the record and its
 * outbox item; the outbox worker (run as the local timer would run it) renders the PDF into S3 and mails it.
 */
const stack = useStack();

async function mailTo(email: string) {
  const { json } = await api(stack, 'GET', `/dev/mailbox?to=${encodeURIComponent(email)}`);
  return json as {
    subject: string;
    text: string;
    attachments: { filename: string; contentBase64: string }[];
  }[];
}

/** Run the outbox as the `npm start` timer does, until `check` holds; returns the elapsed milliseconds. */
async function runOutboxUntil(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    await api(stack, 'POST', '/dev/run/outbox');
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not done within ${limitMs} ms`);
}

describe('a submission end to end', () => {
  it('gets its PDF into S3 and mailed within 2 s, once, and the invitation after the operator agrees', async () => {
    // A first submission warms the worker (module loading, font parsing), as a warm Lambda would be; cold
    // starts are measured by the benchmarks, not here.
    const warmUp = uniqueEmail();
    expect(
      (await api(stack, 'POST', '/v1/submissions/diagnostics-request', diagnosticsRequest({}, warmUp)))
        .status,
    ).toBe(201);
    await runOutboxUntil(async () => (await mailTo(warmUp)).length > 0, 10_000);

    const email = uniqueEmail();
    const created = await api(
      stack,
      'POST',
      '/v1/submissions/diagnostics-request',
      diagnosticsRequest({}, email),
    );
    expect(created.status).toBe(201);
    const { id, accessToken } = created.json;
    const link = { 'x-link-token': accessToken };

    const elapsed = await runOutboxUntil(async () => (await mailTo(email)).length > 0, 5_000);
    expect(elapsed).toBeLessThan(2_000);

    const [receipt] = await mailTo(email);
    expect(receipt!.subject).toMatch(/^Заявка на диагностику профессиональных дефицитов № .+ принята$/);
    expect(receipt!.attachments).toHaveLength(1);
    expect(receipt!.attachments[0]!.filename).toMatch(/^Заявление на диагностику .+\.pdf$/);
    const mailed = Buffer.from(receipt!.attachments[0]!.contentBase64, 'base64');
    expect(mailed.subarray(0, 5).toString()).toBe('%PDF-');
    // The mailed link opens this record.
    const mailedToken = /\/l\/([A-Za-z0-9_-]{43})/.exec(receipt!.text)?.[1];
    expect((await api(stack, 'GET', `/v1/links/${mailedToken}`)).json.recordId).toBe(id);

    const record = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, link);
    expect(record.json.documents).toEqual([
      expect.objectContaining({ name: 'request', title: 'Заявление на прохождение диагностики' }),
    ]);
    const download = await fetch(
      `${stack.appUrl}/v1/submissions/${id}/documents/${record.json.documents[0].id}`,
      {
        headers: link,
        redirect: 'manual',
      },
    );
    expect(download.status).toBe(302);
    const stored = Buffer.from(await (await fetch(download.headers.get('location')!)).arrayBuffer());
    expect(stored.equals(mailed)).toBe(true);

    const history = await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, link);
    expect(history.json.map((e: { toStage: string }) => e.toStage)).toEqual(['submitted']);

    // Running the worker again sends nothing more.
    await api(stack, 'POST', '/dev/run/outbox');
    await api(stack, 'POST', '/dev/run/outbox');
    expect(await mailTo(email)).toHaveLength(1);

    const operator = await staffToken(stack, ['operator']);
    const agreed = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/agree`,
      { date: daysFromNow(14), place: 'ГАУ ДПО СОИРО, ауд. 12' },
      {
        ...operator,
        'if-match': String(record.json.version),
      },
    );
    expect(agreed.status).toBe(200);
    await runOutboxUntil(async () => (await mailTo(email)).length === 2, 5_000);
    const invitation = (await mailTo(email))[1]!;
    expect(invitation.text).toContain('ГАУ ДПО СОИРО, ауд. 12');
    expect(invitation.attachments.map((a) => a.filename)).toEqual(['Приглашение на диагностику.pdf']);
    const after = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, operator);
    expect(after.json.documents.map((d: { name: string }) => d.name)).toEqual(['request', 'invitation']);
    expect(after.json.deliveryFailed).toBeUndefined();
  });
});
