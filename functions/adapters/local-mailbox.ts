import { config } from '../config';

/**
 * Reads the mail captured by the SES emulator (aws-ses-v2-local keeps it in memory behind `GET /store`) and
 * gives it the shape of API.md's `GET /dev/mailbox`. Local mode only: there is no such store in AWS.
 */

export interface CapturedMail {
  id: string;
  at: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; size: number; contentBase64: string }[];
}

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  at: number;
}

/** `"Имя" <a@b.ru>, c@d.ru` → `['a@b.ru', 'c@d.ru']` */
export function addressesOf(list: string[]): string[] {
  return list.flatMap((entry) =>
    [...entry.matchAll(/<([^>]+)>|([^\s,<>"]+@[^\s,<>"]+)/g)].map((m) => (m[1] ?? m[2] ?? '').toLowerCase()),
  );
}

function sesBase(): string {
  const endpoint = config().endpoints.ses;
  if (!config().local || !endpoint) throw new Error('The local mailbox exists only in local mode');
  return endpoint.replace(/\/$/, '');
}

export async function readLocalMailbox(filter: { to?: string; since?: Date } = {}): Promise<CapturedMail[]> {
  const response = await fetch(`${sesBase()}/store`);
  if (!response.ok) throw new Error(`Mail emulator answered ${response.status}`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  const to = filter.to?.trim().toLowerCase();
  const sinceSeconds = filter.since ? Math.floor(filter.since.getTime() / 1000) : undefined;
  return store.emails
    .map((e) => ({
      id: e.messageId,
      at: new Date(e.at * 1000).toISOString(),
      from: e.from,
      to: addressesOf(e.destination.to),
      cc: addressesOf(e.destination.cc),
      subject: e.subject,
      text: e.body.text ?? '',
      html: e.body.html ?? '',
      attachments: e.attachments.map((a) => ({
        filename: a.filename ?? '',
        contentType: a.contentType,
        size: a.size,
        contentBase64: a.content,
      })),
      seconds: e.at,
    }))
    .filter((m) => (to ? m.to.includes(to) || m.cc.includes(to) : true))
    .filter((m) => (sinceSeconds === undefined ? true : m.seconds >= sinceSeconds))
    .sort((a, b) => a.seconds - b.seconds)
    .map(({ seconds: _seconds, ...mail }) => mail);
}

/** Empty the captured mail (tests start from a clean mailbox). */
export async function clearLocalMailbox(): Promise<void> {
  await fetch(`${sesBase()}/clear-store`, { method: 'POST' });
}
