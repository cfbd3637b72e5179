import { expect } from 'vitest';
import { ensureIssuerKeys, issueLocalToken } from '../../functions/adapters/local-issuer';
import { pdfText } from './pdf-text';
import { api } from './stack';

/**
 * HTTP helpers of the route (ИОМ) tests: long-lived staff tokens (the tests move the clock by years), mail read from
 * the SES emulator, the party links mailed to the teacher, the curator and the head, and staff actions with If-Match.
 */

export interface Stack {
  appUrl: string;
  dataDir: string;
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; contentBase64: string }[];
}

/** A staff token valid for ten years from real now (the verifier checks both the real and the shifted clock). */
export async function longStaffToken(
  stack: Stack,
  email: string,
  roles: string[],
): Promise<Record<string, string>> {
  const keys = await ensureIssuerKeys(stack.dataDir);
  const token = await issueLocalToken(
    keys,
    `${stack.appUrl}/local-issuer`,
    { email, roles, ttlSeconds: 10 * 365 * 86_400 },
    new Date(),
  );
  return { authorization: `Bearer ${token}` };
}

export async function setClock(stack: Stack, iso: string): Promise<void> {
  const res = await api(stack, 'POST', '/dev/clock', { now: iso });
  expect(res.status).toBe(200);
}

/** Run the outbox until it finds nothing more to do now. */
export async function drainOutbox(stack: Stack): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const res = await api(stack, 'POST', '/dev/run/outbox');
    expect(res.status).toBe(200);
    if (res.json.result.processed === 0) return;
  }
}

/** Run the deadline worker until a run finds nothing due, then deliver what it queued. */
export async function drainDeadlines(stack: Stack): Promise<{ noticed: number; purged: number }> {
  const total = { noticed: 0, purged: 0 };
  for (let i = 0; i < 20; i++) {
    const res = await api(stack, 'POST', '/dev/run/deadlines');
    expect(res.status).toBe(200);
    const result = res.json.result as Record<string, number>;
    total.noticed += result.noticed ?? 0;
    total.purged += result.purged ?? 0;
    if ((result.noticed ?? 0) + (result.purged ?? 0) + (result.timed ?? 0) === 0) break;
  }
  await drainOutbox(stack);
  return total;
}

export async function mailTo(stack: Stack, email: string, subjectPart?: string): Promise<Mail[]> {
  const res = await api(stack, 'GET', `/dev/mailbox?to=${encodeURIComponent(email)}`);
  expect(res.status).toBe(200);
  return (res.json as Mail[]).filter((m) => !subjectPart || m.subject.includes(subjectPart));
}

/** The latest mail to `email` whose subject contains `subjectPart` (there must be one). */
export async function lastMail(stack: Stack, email: string, subjectPart: string): Promise<Mail> {
  const mails = await mailTo(stack, email, subjectPart);
  expect(mails.length, `a mail «${subjectPart}» to the recipient`).toBeGreaterThan(0);
  return mails[mails.length - 1]!;
}

export function attachmentText(mail: Mail, filenamePart: string): string {
  const file = mail.attachments.find((a) => a.filename.includes(filenamePart));
  expect(file, `attachment «${filenamePart}» of «${mail.subject}»`).toBeDefined();
  expect(file!.contentType).toBe('application/pdf');
  return pdfText(file!.contentBase64);
}

/** The party link a mail carries, as the X-Link-Token header. */
export function linkOf(mail: Mail): Record<string, string> {
  const token = /\/l\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  expect(token, `a link in «${mail.subject}»`).toBeDefined();
  return { 'x-link-token': token! };
}

/** A staff action with If-Match of the version the staff member sees now. */
export async function staffAct(
  stack: Stack,
  staff: Record<string, string>,
  id: string,
  action: string,
  body: unknown = {},
) {
  const current = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, staff);
  expect(current.status, JSON.stringify(current.json)).toBe(200);
  return api(stack, 'POST', `/v1/submissions/${id}/actions/${action}`, body, {
    ...staff,
    'if-match': String(current.json.version),
  });
}

export function expectOk(res: { status: number; json: unknown }, status = 200): void {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
}

export function expectRule(
  res: { status: number; json: { error?: { code: string; rule?: string } } },
  rule: string,
) {
  expect([res.status, res.json.error?.code, res.json.error?.rule], JSON.stringify(res.json)).toEqual([
    422,
    'rule',
    rule,
  ]);
}

/** The text of a record's latest document of that name, downloaded as staff. */
export async function documentText(
  stack: Stack,
  staff: Record<string, string>,
  id: string,
  name: string,
): Promise<string> {
  const record = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, staff);
  const docs = (record.json.documents as { id: string; name: string }[]).filter((d) => d.name === name);
  expect(docs.length, `a document ${name}`).toBeGreaterThan(0);
  const download = await fetch(
    `${stack.appUrl}/v1/submissions/${id}/documents/${docs[docs.length - 1]!.id}`,
    {
      headers: staff,
      redirect: 'manual',
    },
  );
  expect(download.status).toBe(302);
  const bytes = new Uint8Array(await (await fetch(download.headers.get('location')!)).arrayBuffer());
  return pdfText(bytes);
}
