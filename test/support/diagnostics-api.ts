import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import {
  collectiveRequest,
  participantRows,
  type Row,
  results,
  type SchoolKey,
} from './diagnostics-fixtures';
import { api } from './stack';

/**
 * HTTP helpers of the diagnostics tests (individual and collective requests, consents, results, the analytical
 * note): mail read from the SES emulator, the party links it carries, staff actions with If-Match, the outbox run
 * as the local timer would run it.
 */

export interface Stack {
  appUrl: string;
  dataDir: string;
}

export interface Mail {
  id: string;
  at: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; contentBase64: string }[];
}

/**
 * A staff token from the local issuer (POST /dev/token), issued at the stack's "now": a test that shifts the clock
 * takes its token after shifting (a token issued in the clock's future is refused).
 */
export async function staff(stack: Stack, roles: string[], email = `${roles[0]}@soiro.example.ru`) {
  const res = await api(stack, 'POST', '/dev/token', { email, roles });
  expect(res.status).toBe(200);
  return { authorization: `Bearer ${res.json.token}` };
}

export async function mailTo(stack: Stack, email: string): Promise<Mail[]> {
  const res = await api(stack, 'GET', `/dev/mailbox?to=${encodeURIComponent(email)}`);
  expect(res.status).toBe(200);
  return res.json as Mail[];
}

/** Run the outbox until it finds nothing more to do now (children, their mails, child actions come in waves). */
export async function drainOutbox(stack: Stack): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const res = await api(stack, 'POST', '/dev/run/outbox');
    expect(res.status).toBe(200);
    if (res.json.result.processed === 0) return;
  }
  throw new Error('the outbox did not settle');
}

export async function setClock(stack: Stack, iso: string): Promise<void> {
  expect((await api(stack, 'POST', '/dev/clock', { now: iso })).status).toBe(200);
}

export async function resetClock(stack: Stack): Promise<void> {
  expect((await api(stack, 'DELETE', '/dev/clock')).status).toBe(200);
}

/** The party link token in a mail, if it carries one. */
export function linkOf(mail: Mail): string | undefined {
  return /\/l\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
}

export function link(token: string) {
  return { 'x-link-token': token };
}

/**
 * The text of a PDF in the order it is drawn (`pdftotext -raw`): a table cell that wraps stays in one piece, so a
 * row reads "№ | Ф.И.О. | предмет | блоки | подпись" whatever the line breaks. Whitespace is folded.
 */
export function pdfRawText(pdf: Uint8Array | string): string {
  const input = typeof pdf === 'string' ? Buffer.from(pdf, 'base64') : Buffer.from(pdf);
  expect(input.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', '-', '-'], {
    input,
    maxBuffer: 32 * 1024 * 1024,
  })
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of an attachment (PDF) of a mail. */
export function attachmentText(mail: Mail, filename: string): string {
  const file = mail.attachments.find((a) => a.filename === filename);
  if (!file) throw new Error(`no attachment ${filename} in "${mail.subject}"`);
  expect(file.contentType).toBe('application/pdf');
  return pdfRawText(file.contentBase64);
}

/** A staff action with the version the caller saw. */
export async function staffAction(
  stack: Stack,
  headers: Record<string, string>,
  id: string,
  action: string,
  body: unknown,
) {
  const current = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, headers);
  expect(current.status).toBe(200);
  return api(stack, 'POST', `/v1/submissions/${id}/actions/${action}`, body, {
    ...headers,
    'if-match': String(current.json.version),
  });
}

/** Download a document of a record with the given credentials: status, and the PDF's text when it is one. */
export async function download(stack: Stack, id: string, docId: string, headers: Record<string, string>) {
  const res = await fetch(`${stack.appUrl}/v1/submissions/${id}/documents/${docId}`, {
    headers,
    redirect: 'manual',
  });
  if (res.status !== 302) return { status: res.status, body: await res.text() };
  const pdf = Buffer.from(await (await fetch(res.headers.get('location')!)).arrayBuffer());
  return { status: 302, body: pdfRawText(pdf) };
}

export interface CollectiveRun {
  id: string;
  accessToken: string;
  headEmail: string;
  rows: Row[];
  /** Participant id → consent record id. */
  consents: Map<string, string>;
  /** Participant id → that teacher's consent link token (from the request mail). */
  consentLinks: Map<string, string>;
  participantIds: string[];
}

/**
 * A collective request submitted and its consent mails delivered: the consent record and link of every row.
 * `declined` rows (by index) decline; the others give consent to their blocks.
 */
export async function submitCollective(
  stack: Stack,
  options: { rows?: Row[]; school?: SchoolKey; period?: { from: string; to: string } } = {},
): Promise<CollectiveRun> {
  const rows = options.rows ?? participantRows(12);
  const body = collectiveRequest({ rows, school: options.school, period: options.period });
  const created = await api(stack, 'POST', '/v1/submissions/collective-diagnostics-request', body);
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  expect(created.json.stage).toBe('awaiting-consents');
  await drainOutbox(stack);
  const operator = await staff(stack, ['operator']);
  const record = await api(stack, 'GET', `/v1/submissions/${created.json.id}`, undefined, operator);
  const participantIds = (record.json.payload.participants as { id: string }[]).map((p) => p.id);
  const consents = new Map<string, string>();
  for (const child of record.json.children as { id: string; kind: string }[]) {
    const consent = await api(stack, 'GET', `/v1/submissions/${child.id}`, undefined, operator);
    consents.set(consent.json.payload.participantId, child.id);
  }
  const consentLinks = new Map<string, string>();
  for (const [i, pid] of participantIds.entries()) {
    const row = rows[i]!;
    const mails = (await mailTo(stack, row.email)).filter(
      (m) => m.subject === 'Согласие на участие в диагностике профессиональных дефицитов',
    );
    for (const mail of mails) {
      const token = linkOf(mail)!;
      const described = await api(stack, 'GET', `/v1/links/${token}`);
      if (described.json.recordId === consents.get(pid)) consentLinks.set(pid, token);
    }
    expect(consentLinks.get(pid), `the consent mail of row ${i} (${row.subject})`).toBeDefined();
  }
  return {
    id: created.json.id,
    accessToken: created.json.accessToken,
    headEmail: body.head.email,
    rows,
    consents,
    consentLinks,
    participantIds,
  };
}

/** Every row answers through its own link; `decline` lists the row indexes that decline. */
export async function answerAll(stack: Stack, run: CollectiveRun, decline: number[] = []): Promise<void> {
  for (const [i, pid] of run.participantIds.entries()) {
    const token = run.consentLinks.get(pid)!;
    const res = decline.includes(i)
      ? await api(
          stack,
          'POST',
          `/v1/submissions/${run.consents.get(pid)}/actions/decline`,
          { reason: 'Высокая учебная нагрузка в этом месяце' },
          { ...link(token), 'user-agent': `Teacher-${i}` },
        )
      : await api(
          stack,
          'POST',
          `/v1/submissions/${run.consents.get(pid)}/actions/give`,
          { blocks: run.rows[i]!.blocks, personalDataConsent: true },
          { ...link(token), 'user-agent': `Mozilla/5.0 (Teacher ${i})` },
        );
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }
  await drainOutbox(stack);
}

/** Operator agrees, conducts, and issues the results of every consenting participant. */
export async function conductAndIssue(
  stack: Stack,
  run: CollectiveRun,
  day: string,
  skip: number[] = [],
): Promise<void> {
  const operator = await staff(stack, ['operator']);
  expect(
    (
      await staffAction(stack, operator, run.id, 'agree', {
        date: day,
        place: 'ГАУ ДПО СОИРО, г. Смоленск, ул. Октябрьской революции, д. 20а, ауд. 12',
      })
    ).status,
  ).toBe(200);
  await drainOutbox(stack);
  expect((await staffAction(stack, operator, run.id, 'conduct', { conductedOn: day })).status).toBe(200);
  for (const [i, pid] of run.participantIds.entries()) {
    if (skip.includes(i)) continue;
    const res = await staffAction(stack, operator, run.id, 'issueResults', {
      participantId: pid,
      ...results(i % 3 === 0 ? 'high' : i % 3 === 1 ? 'medium' : 'low'),
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }
  await drainOutbox(stack);
}
