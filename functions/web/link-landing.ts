import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '../config';
import type { Caller } from '../core/caller';
import { applyAction, kindOrNotFound } from '../core/engine';
import { AppError } from '../core/errors';
import type { RecordState } from '../core/kind';
import { findLink, getHistory, getRecord } from '../core/records';
import type { RecordView } from '../core/views';
import { formatDate } from '../documents/templating';
import { requestMeta } from '../http/caller';
import { applyRowOperation, rawFromEntries, readForm } from './form-data';
import { type PageReply, page, redirect } from './pages';
import {
  type ActionFormState,
  actionFormHtml,
  actionFormOf,
  documentsPending,
  PARTY_TITLES,
  payloadHtml,
  timeline,
} from './record-parts';
import { field, postedForm } from './request';

/**
 * The page a mailed link opens (`/l/<token>`), also where an applicant lands after submitting a form: what the
 * record is, its stage as a timeline, the deadline, the documents this party may download, and a form for each
 * action the link allows (give or decline consent, withdraw, approve, propose a correction, mark an activity).
 * The token is in the address, so these pages send no Referer at all.
 */

type LinkCaller = Extract<Caller, { type: 'link' }>;

async function linkCaller(token: string): Promise<LinkCaller> {
  const link = await findLink(token);
  return {
    type: 'link',
    linkId: link.id,
    recordId: link.recordId,
    kind: link.kind,
    party: link.party as LinkCaller['party'],
    email: link.email,
    actions: link.actions,
    validUntil: link.validUntil,
  };
}

export function stateOfView(view: RecordView): RecordState<unknown> {
  return {
    id: view.id,
    kind: view.kind,
    number: view.number,
    stage: view.stage,
    version: view.version,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
    enteredAt: view.updatedAt,
    dueAt: view.dueAt,
    parentId: view.parentId,
    payload: view.payload,
  };
}

/** Russian notes shown after the party's own step. */
function notice(query: Record<string, string | undefined>, kindTitleOfAction: (name: string) => string) {
  if (query.created)
    return 'Заявка принята. Письмо со ссылкой на эту страницу отправлено на указанную почту.';
  if (query.done) return `Готово: «${kindTitleOfAction(query.done)}».`;
  return undefined;
}

async function render(
  token: string,
  query: Record<string, string | undefined>,
  active?: { action: string; state: ActionFormState; status: number },
): Promise<PageReply> {
  const settings = config().instance;
  const caller = await linkCaller(token);
  const record = await getRecord(caller.recordId, caller);
  const history = await getHistory(caller.recordId, caller);
  const kind = kindOrNotFound(record.kind);
  const state = stateOfView(record);
  const encoded = encodeURIComponent(token);
  const pending = documentsPending(kind, record, state, caller.party);
  return page(
    'link',
    {
      title: record.number ? `${kind.title} № ${record.number}` : kind.title,
      script: true,
      kindTitle: kind.title,
      record,
      party: PARTY_TITLES[caller.party] ?? caller.party,
      notice: notice(query, (name) => kind.actions[name]?.title ?? name),
      timeline: timeline(kind, record, history, settings.timeZone),
      due: record.dueAt ? formatDate(record.dueAt, settings.timeZone, 'long') : undefined,
      validUntil: formatDate(caller.validUntil, settings.timeZone, 'long'),
      documents: record.documents.map((d) => ({
        title: d.title,
        created: formatDate(d.createdAt, settings.timeZone),
        href: `/v1/submissions/${record.id}/documents/${d.id}?token=${encoded}`,
      })),
      pending,
      payload: payloadHtml(kind, record.payload, settings.timeZone),
      actions: record.allowedActions.map((name) =>
        actionFormHtml(kind, state, name, {
          url: `/l/${encoded}/actions/${encodeURIComponent(name)}`,
          current: active?.action === name ? active.state : undefined,
        }),
      ),
    },
    active?.status ?? 200,
    'no-referrer',
  );
}

/** GET /l/{token} */
export async function linkLanding(token: string, query: Record<string, string | undefined> = {}) {
  return render(token, query);
}

/** POST /l/{token}/actions/{action}: the party's own step, from the form on the page. */
export async function linkAction(token: string, actionName: string, event: APIGatewayProxyEventV2) {
  const caller = await linkCaller(token);
  const record = await getRecord(caller.recordId, caller);
  const kind = kindOrNotFound(record.kind);
  const action = kind.actions[actionName];
  if (!action || !record.allowedActions.includes(actionName)) {
    throw new AppError('forbidden', 'Это действие сейчас недоступно');
  }
  const entries = postedForm(event);
  let raw = rawFromEntries(entries);
  const op = field(entries, '_op');
  if (op) {
    raw = applyRowOperation(raw, op);
    return render(token, {}, { action: actionName, state: { raw, issues: [] }, status: 200 });
  }
  const { model } = actionFormOf(kind, stateOfView(record), actionName);
  const { value, issues } = readForm(model, action.input, raw);
  if (issues.length) return render(token, {}, { action: actionName, state: { raw, issues }, status: 400 });
  try {
    await applyAction(record.id, actionName, value, caller, { request: requestMeta(event) });
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || error.code === 'unauthenticated') throw error;
    const state: ActionFormState = {
      raw,
      issues: error.issues ?? [],
      general: error.issues?.length ? [] : [error.message],
    };
    return render(token, {}, { action: actionName, state, status: error.status });
  }
  return redirect(`/l/${encodeURIComponent(token)}?done=${encodeURIComponent(actionName)}#top`);
}

/** A link that does not open (broken, expired, revoked): said in Russian with the right status. */
export async function linkErrorPage(error: AppError): Promise<PageReply> {
  return page(
    'link-error',
    { title: 'Ссылка не открывается', message: error.message },
    error.status,
    'no-referrer',
  );
}
