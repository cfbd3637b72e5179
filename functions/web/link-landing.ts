import { config } from '../config';
import type { Caller } from '../core/caller';
import { kindOrNotFound } from '../core/engine';
import { AppError } from '../core/errors';
import { findLink, getRecord } from '../core/records';
import { formatDate } from '../documents/templating';
import { renderPage } from './pages';

/**
 * The page a mailed link opens (`/l/<token>`): what the record is, its stage and deadline, the documents this
 * party may download. Plain server-rendered HTML, no script. The interactive pages (forms for the actions)
 * come with the web issue; until then the page names the actions available.
 */
export async function linkLanding(token: string): Promise<{ status: number; html: string }> {
  const settings = config().instance;
  try {
    const link = await findLink(token);
    const caller: Caller = {
      type: 'link',
      linkId: link.id,
      recordId: link.recordId,
      kind: link.kind,
      party: link.party as Extract<Caller, { type: 'link' }>['party'],
      email: link.email,
      actions: link.actions,
      validUntil: link.validUntil,
    };
    const record = await getRecord(link.recordId, caller);
    const kind = kindOrNotFound(record.kind);
    const html = await renderPage('link', {
      settings,
      title: kind.title,
      record,
      due: record.dueAt ? formatDate(record.dueAt, settings.timeZone, 'long') : undefined,
      validUntil: formatDate(link.validUntil, settings.timeZone, 'long'),
      documents: record.documents.map((d) => ({
        title: d.title,
        created: formatDate(d.createdAt, settings.timeZone),
        href: `/v1/submissions/${record.id}/documents/${d.id}?token=${encodeURIComponent(token)}`,
      })),
      actions: record.allowedActions.map((name) => kind.actions[name]?.title ?? name),
    });
    return { status: 200, html };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const html = await renderPage('link-error', { settings, message: error.message });
    return { status: error.status, html };
  }
}
