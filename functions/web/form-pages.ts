import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { kinds } from '../../forms/registry';
import { config } from '../config';
import type { Caller } from '../core/caller';
import { createRecord, kindOrNotFound } from '../core/engine';
import { AppError, type FieldIssue } from '../core/errors';
import type { KindDefinition } from '../core/kind';
import { idempotencyScope } from '../http/caller';
import { applyRowOperation, type RawObject, rawFromEntries, readForm } from './form-data';
import { creationForm, nodeAt } from './form-model';
import { errorSummary, FormRenderer, placeIssues } from './form-render';
import { type PageReply, page, redirect } from './pages';
import { field, postedForm } from './request';

/**
 * The submission forms (`/forms/<kind>`), one per kind open to the public (and, in the staff workspace, per kind
 * staff create), generated from the kind's schema: nothing here knows a field. Without scripts the form is a plain
 * POST; an error re-renders the page with everything typed and the errors beside their fields.
 */

/** The consent text where a kind gives none (152-FZ art. 9: purpose, operator, data, term, withdrawal). */
export function defaultConsentText(): string {
  const s = config().instance;
  return [
    `Я даю согласие ${s.institute.full} (${s.institute.city}) на обработку моих персональных данных, указанных в этой форме: фамилии, имени, отчества, места работы, должности, адреса электронной почты и телефона — для рассмотрения заявки и связи со мной по ней, в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных».`,
    'Согласие действует до достижения цели обработки и может быть отозвано мной письменным заявлением в адрес оператора.',
  ].join('\n\n');
}

export function publicKinds(): KindDefinition<unknown>[] {
  return kinds.filter((k) => k.createdBy === 'public');
}

export async function homePage(): Promise<PageReply> {
  return page('home', {
    title: 'Заявки и документы',
    forms: publicKinds().map((k) => ({ kind: k.kind, title: k.title })),
  });
}

export interface FormPageOptions {
  /** Where the form posts: `/forms/<kind>` or the staff workspace's `/staff/forms/<kind>`. */
  url: string;
  /** The staff workspace shows its navigation. */
  staff?: { email: string; roles: string[] };
}

export function formHtml(
  kind: KindDefinition<unknown>,
  raw: RawObject,
  issues: FieldIssue[],
  general: string[],
  idem: string,
  url: string,
) {
  const model = creationForm(kind);
  const placed = placeIssues(model, raw, issues);
  const renderer = new FormRenderer({
    idPrefix: 'f-',
    raw,
    errors: placed.byPath,
    defaultConsentText: defaultConsentText(),
    labelOf: (path) => nodeAt(model, path.split('.'))?.label,
  });
  const fields = renderer.render(model);
  return {
    fields,
    summary: errorSummary([...general, ...placed.general], renderer.summary),
    idem,
    url,
  };
}

async function render(
  kind: KindDefinition<unknown>,
  options: FormPageOptions,
  state: { raw: RawObject; issues: FieldIssue[]; general: string[]; idem: string },
  status: number,
): Promise<PageReply> {
  return page(
    'form',
    {
      title: state.issues.length || state.general.length ? `Ошибка — ${kind.title}` : kind.title,
      kindTitle: kind.title,
      kind: kind.kind,
      script: true,
      staff: options.staff,
      form: formHtml(kind, state.raw, state.issues, state.general, state.idem, options.url),
    },
    status,
  );
}

function openKind(name: string, caller: Caller, staffArea: boolean): KindDefinition<unknown> {
  const kind = kindOrNotFound(name);
  if (staffArea) {
    if (caller.type !== 'staff') throw new AppError('unauthenticated', 'Войдите, чтобы продолжить');
    const allowed =
      Array.isArray(kind.createdBy) && caller.roles.some((r) => r === 'admin' || kind.createdBy.includes(r));
    if (!allowed) throw new AppError('forbidden', 'Создание таких записей вам недоступно');
  } else if (kind.createdBy !== 'public') {
    throw new AppError('not-found', 'Такой формы нет');
  }
  return kind;
}

export async function formPage(name: string, caller: Caller, options: FormPageOptions): Promise<PageReply> {
  const kind = openKind(name, caller, options.staff !== undefined);
  return render(kind, options, { raw: {}, issues: [], general: [], idem: randomUUID() }, 200);
}

/** The form posted: row added or removed (no-script), or checked, created, and the applicant sent to their page. */
export async function submitForm(
  name: string,
  caller: Caller,
  event: APIGatewayProxyEventV2,
  options: FormPageOptions,
): Promise<PageReply> {
  const kind = openKind(name, caller, options.staff !== undefined);
  const entries = postedForm(event);
  const idem = field(entries, '_idem') || randomUUID();
  let raw = rawFromEntries(entries);
  const op = field(entries, '_op');
  if (op) {
    raw = applyRowOperation(raw, op);
    return render(kind, options, { raw, issues: [], general: [], idem }, 200);
  }
  const { value, issues } = readForm(creationForm(kind), kind.schema, raw);
  if (issues.length) return render(kind, options, { raw, issues, general: [], idem }, 400);
  let created: Awaited<ReturnType<typeof createRecord>>;
  try {
    created = await createRecord(
      kind.kind,
      value,
      caller,
      /^[A-Za-z0-9_.:-]{8,128}$/.test(idem)
        ? { key: idem, scope: idempotencyScope(event.routeKey, caller) }
        : undefined,
    );
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || error.code === 'unauthenticated') throw error;
    const general = error.issues?.length ? [] : [error.message];
    return render(kind, options, { raw, issues: error.issues ?? [], general, idem }, error.status);
  }
  if (options.staff) return redirect(`/staff/records/${created.body.id}?done=create`);
  if (created.body.accessToken)
    return redirect(`/l/${encodeURIComponent(created.body.accessToken)}?created=1`);
  return page('submitted', { title: 'Заявка принята', kindTitle: kind.title, number: created.body.number });
}
