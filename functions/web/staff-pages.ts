import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { kinds } from '../../forms/registry';
import { now as clockNow } from '../adapters/clock';
import { config, isLocalMode } from '../config';
import type { Caller } from '../core/caller';
import { mintStaffToken } from '../core/dev';
import { applyAction, kindOrNotFound } from '../core/engine';
import { AppError } from '../core/errors';
import { emailField } from '../core/fields';
import type { KindDefinition, StaffRole } from '../core/kind';
import { getHistory, getRecord, listRecords } from '../core/records';
import { publicRegister } from '../core/registers';
import { blockRowsOf, diagnosticsReport, type ReportQuery } from '../core/reports/diagnostics';
import * as z from '../core/zod-ru';
import { formatDate } from '../documents/templating';
import { assertSameOrigin } from '../http/caller';
import { applyRowOperation, rawFromEntries, readForm } from './form-data';
import { hostedSignIn, logoutUrl, startHostedSignIn } from './hosted-sign-in';
import { stateOfView } from './link-landing';
import { type PageReply, page, redirect, renderFragment } from './pages';
import {
  type ActionFormState,
  actionFormHtml,
  actionFormOf,
  documentsPending,
  historyRows,
  payloadHtml,
  timeline,
} from './record-parts';
import { clearedSessionCookie, field, postedForm, sessionCookie } from './request';

/**
 * The staff workspace: sign-in, the queue, the record page with its actions, the reports. Staff are identified by
 * the `session` cookie (the identity token, HttpOnly); every page reads through the same core calls as the API,
 * so a role sees here exactly what it may see there.
 */

type Staff = Extract<Caller, { type: 'staff' }>;

export const ROLE_TITLES: Record<StaffRole, string> = {
  operator: 'Региональный оператор диагностики',
  centre: 'Сотрудник ЦНППМ',
  curator: 'Куратор ИОМ',
  admin: 'Администратор',
};

/** The session lasts as long as the token minted for it (the local issuer's default, 8 hours). */
const SESSION_SECONDS = 8 * 3600;

export function requireStaff(caller: Caller): Staff {
  if (caller.type !== 'staff') throw new AppError('unauthenticated', 'Войдите, чтобы открыть рабочее место');
  return caller;
}

function who(staff: Staff) {
  return { email: staff.email, roles: staff.roles.map((r) => ROLE_TITLES[r] ?? r) };
}

function visibleKinds(staff: Staff): KindDefinition<unknown>[] {
  return kinds.filter((k) => staff.roles.some((r) => r === 'admin' || k.staff.includes(r)));
}

function creatableKinds(staff: Staff): KindDefinition<unknown>[] {
  return kinds.filter(
    (k) => Array.isArray(k.createdBy) && staff.roles.some((r) => r === 'admin' || k.createdBy.includes(r)),
  );
}

// ------------------------------------------------------------------------------------------------- sign-in

const SignInSchema = z.strictObject({
  email: emailField(),
  roles: z
    .array(z.enum(['operator', 'centre', 'curator', 'admin'], 'Выберите роль из списка'))
    .min(1, 'Выберите хотя бы одну роль'),
});

export async function signInPage(
  caller: Caller,
  state: {
    email?: string;
    roles?: string[];
    errors?: Record<string, string>;
    notice?: string;
    /** Go to the hosted sign-in pages now (a deployment's sign-in). */
    start?: boolean;
  } = {},
  status = 200,
): Promise<PageReply> {
  if (caller.type === 'staff' && !state.errors) return redirect('/staff');
  const local = isLocalMode();
  const hosted = local ? undefined : hostedSignIn();
  if (hosted && state.start) return startHostedSignIn(hosted);
  const errors = state.errors ?? {};
  return page(
    'staff-sign-in',
    {
      title: Object.keys(errors).length ? 'Ошибка — Вход для сотрудников' : 'Вход для сотрудников',
      local,
      hosted: Boolean(hosted),
      logout: hosted && state.notice ? logoutUrl(hosted) : undefined,
      notice: state.notice,
      email: state.email ?? '',
      emailError: errors.email,
      rolesError: errors.roles,
      hasErrors: Object.keys(errors).length > 0,
      roles: Object.entries(ROLE_TITLES).map(([value, title]) => ({
        value,
        title,
        checked: state.roles?.includes(value) ?? false,
      })),
    },
    status,
  );
}

/**
 * Local sign-in (`npm start` only): a role and an email, and the same token POST /dev/token gives. In AWS the
 * staff sign in through the instance's Cognito user pool.
 */
export async function signIn(caller: Caller, event: APIGatewayProxyEventV2): Promise<PageReply> {
  if (!isLocalMode()) throw new AppError('not-found', 'Страница не найдена');
  // Login CSRF: only this service's own page may sign someone in.
  assertSameOrigin(event.headers ?? {});
  const entries = postedForm(event);
  const email = field(entries, 'email') ?? '';
  const roles = entries.filter(([n]) => n === 'roles').map(([, v]) => v);
  const parsed = SignInSchema.safeParse({ email, roles });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return signInPage(caller, { email, roles, errors }, 400);
  }
  const { token } = await mintStaffToken(parsed.data);
  return redirect('/staff', [sessionCookie(token, SESSION_SECONDS)]);
}

export function signOut(): PageReply {
  return redirect('/staff/sign-in?out=1', [clearedSessionCookie()]);
}

// ---------------------------------------------------------------------------------------------------- queue

const QueueQuerySchema = z.object({
  kind: z.string().trim().max(100).optional(),
  stage: z.string().trim().max(100).optional(),
  overdue: z.string().optional(),
  q: z.string().trim().max(200).optional(),
  cursor: z.string().max(4000).optional(),
});

const QUEUE_PAGE = 100;

export async function queuePage(
  caller: Caller,
  rawQuery: Record<string, string | undefined>,
): Promise<PageReply> {
  const staff = requireStaff(caller);
  const settings = config().instance;
  const parsed = QueueQuerySchema.safeParse(rawQuery);
  const query = parsed.success ? parsed.data : {};
  const kindsShown = visibleKinds(staff);
  const selected = kindsShown.find((k) => k.kind === query.kind);
  const stages = selected
    ? Object.entries(selected.stages).map(([value, s]) => ({ value, title: s.title }))
    : [];
  const overdue = query.overdue === 'on' || query.overdue === 'true';
  const result = await listRecords(
    {
      kind: selected?.kind,
      stage: selected && stages.some((s) => s.value === query.stage) ? query.stage : undefined,
      overdue,
      q: query.q || undefined,
      limit: QUEUE_PAGE,
      cursor: query.cursor || undefined,
      // The queue is worked by deadline, across all its pages: the overdue ones first, then the nearest;
      // records without a deadline last.
      order: 'deadline',
    },
    staff,
  );
  const items = result.items;
  const next = result.cursor
    ? `/staff?${new URLSearchParams({
        ...(selected ? { kind: selected.kind } : {}),
        ...(query.stage ? { stage: query.stage } : {}),
        ...(overdue ? { overdue: 'on' } : {}),
        ...(query.q ? { q: query.q } : {}),
        cursor: result.cursor,
      }).toString()}`
    : undefined;
  return page('staff-queue', {
    title: 'Очередь записей',
    staff: who(staff),
    kinds: kindsShown.map((k) => ({ value: k.kind, title: k.title, selected: k === selected })),
    stages: stages.map((s) => ({ ...s, selected: s.value === query.stage })),
    overdue,
    q: query.q ?? '',
    create: creatableKinds(staff).map((k) => ({ kind: k.kind, title: k.title })),
    items: items.map((r) => {
      const kind = kindOrNotFound(r.kind);
      return {
        href: `/staff/records/${r.id}`,
        number: r.number ?? `${r.id.slice(0, 8)}…`,
        kindTitle: kind.title,
        summary: kind.searchText?.(stateOfView(r)) ?? '',
        stageTitle: r.stageTitle,
        due: r.dueAt ? formatDate(r.dueAt, settings.timeZone) : undefined,
        overdue: r.overdue,
        created: formatDate(r.createdAt, settings.timeZone),
        deliveryFailed: r.deliveryFailed,
      };
    }),
    next,
  });
}

// --------------------------------------------------------------------------------------------- record page

async function renderRecord(
  staff: Staff,
  id: string,
  query: Record<string, string | undefined>,
  active?: { action: string; state: ActionFormState; status: number },
): Promise<PageReply> {
  const settings = config().instance;
  const record = await getRecord(id, staff);
  const history = await getHistory(id, staff);
  const kind = kindOrNotFound(record.kind);
  const state = stateOfView(record);
  return page(
    'staff-record',
    {
      title: `${kind.title}${record.number ? ` № ${record.number}` : ''}`,
      staff: who(staff),
      script: true,
      kindTitle: kind.title,
      record,
      notice: query.done
        ? query.done === 'create'
          ? 'Запись создана.'
          : `Готово: «${kind.actions[query.done]?.title ?? query.done}».`
        : undefined,
      timeline: timeline(kind, record, history, settings.timeZone),
      due: record.dueAt ? formatDate(record.dueAt, settings.timeZone, 'long') : undefined,
      created: formatDate(record.createdAt, settings.timeZone, 'long'),
      payload: payloadHtml(kind, record.payload, settings.timeZone),
      history: historyRows(kind, history, settings.timeZone),
      documents: record.documents.map((d) => ({
        title: d.title,
        created: formatDate(d.createdAt, settings.timeZone),
        href: `/v1/submissions/${record.id}/documents/${d.id}`,
      })),
      pending: documentsPending(kind, record, state, undefined),
      parent: record.parentId ? `/staff/records/${record.parentId}` : undefined,
      children: (record.children ?? []).map((c) => {
        const childKind = kinds.find((k) => k.kind === c.kind);
        return {
          href: `/staff/records/${c.id}`,
          kindTitle: childKind?.title ?? c.kind,
          stageTitle: childKind?.stages[c.stage]?.title ?? c.stage,
        };
      }),
      actions: record.allowedActions.map((name) =>
        actionFormHtml(kind, state, name, {
          url: `/staff/records/${record.id}/actions/${encodeURIComponent(name)}`,
          hidden: { _version: String(record.version) },
          current: active?.action === name ? active.state : undefined,
        }),
      ),
    },
    active?.status ?? 200,
  );
}

export async function recordPage(caller: Caller, id: string, query: Record<string, string | undefined>) {
  return renderRecord(requireStaff(caller), id, query);
}

/** A staff action from the record page; `_version` is the version the page showed (If-Match). */
export async function recordAction(
  caller: Caller,
  id: string,
  actionName: string,
  event: APIGatewayProxyEventV2,
): Promise<PageReply> {
  const staff = requireStaff(caller);
  const record = await getRecord(id, staff);
  const kind = kindOrNotFound(record.kind);
  const action = kind.actions[actionName];
  if (!action) throw new AppError('not-found', 'Нет такого действия');
  const entries = postedForm(event);
  let raw = rawFromEntries(entries);
  const op = field(entries, '_op');
  if (op) {
    raw = applyRowOperation(raw, op);
    return renderRecord(staff, id, {}, { action: actionName, state: { raw, issues: [] }, status: 200 });
  }
  const { model } = actionFormOf(kind, stateOfView(record), actionName);
  const { value, issues } = readForm(model, action.input, raw);
  if (issues.length) {
    return renderRecord(staff, id, {}, { action: actionName, state: { raw, issues }, status: 400 });
  }
  try {
    await applyAction(id, actionName, value, staff, { ifMatch: field(entries, '_version') });
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || error.code === 'unauthenticated') throw error;
    const state: ActionFormState = {
      raw,
      issues: error.issues?.filter((i) => i.path !== 'If-Match') ?? [],
      general: error.issues?.some((i) => i.path !== 'If-Match') ? [] : [error.message],
    };
    return renderRecord(staff, id, {}, { action: actionName, state, status: error.status });
  }
  return redirect(`/staff/records/${id}?done=${encodeURIComponent(actionName)}`);
}

// ------------------------------------------------------------------------------------------------- reports

/** Titles of the staff reports kinds contribute to (GET /v1/reports/<name>). */
const REPORT_TITLES: Record<string, string> = {
  diagnostics: 'Аналитическая справка о результатах диагностики профессиональных дефицитов (А2 6.4)',
};

/**
 * The page view of a report: the same figures as its JSON and PDF (GET /v1/reports/<name>), through the same core
 * call and access check, in templates/web/reports/<name>.hbs.
 */
const REPORT_VIEWS: Record<string, (period: ReportQuery, staff: Staff) => Promise<Record<string, unknown>>> =
  {
    diagnostics: async (period, staff) => {
      const report = await diagnosticsReport(period, staff);
      const tables = [
        { caption: 'Участники по категориям', heading: 'Категория', table: report.byCategory },
        {
          caption: 'Общий уровень профессиональных дефицитов',
          heading: 'Уровень дефицитов',
          table: report.byLevel,
        },
        { caption: 'Участники по предметам', heading: 'Предмет', table: report.bySubject },
        {
          caption: 'Участники по муниципальным образованиям',
          heading: 'Муниципальное образование',
          table: report.byMunicipality,
        },
      ];
      return { report, tables, blockRows: blockRowsOf(report) };
    },
  };

const PeriodSchema = z
  .object({
    from: z.iso.date('Укажите дату в формате ДД.ММ.ГГГГ'),
    to: z.iso.date('Укажите дату в формате ДД.ММ.ГГГГ'),
  })
  .refine((q) => q.from <= q.to, { message: 'Дата окончания раньше даты начала', path: ['to'] });

/**
 * Reports and registers: a form per report (the note shown on the page, or as PDF), and each public register —
 * shown on the page when asked (`?report=<name>&from=&to=`, `?register=<name>`).
 */
export async function reportsPage(caller: Caller, query: Record<string, string | undefined>) {
  const staff = requireStaff(caller);
  const settings = config().instance;
  const today = clockNow().toLocaleDateString('sv-SE', { timeZone: settings.timeZone });
  const period = { from: query.from ?? `${today.slice(0, 4)}-01-01`, to: query.to ?? today };
  let status = 200;
  const reports = await Promise.all(
    [...new Set(kinds.flatMap((k) => Object.keys(k.reports ?? {})))].map(async (name) => {
      const shown = query.report === name && REPORT_VIEWS[name];
      const parsed = PeriodSchema.safeParse(period);
      const errors: Record<string, string> = {};
      if (shown && !parsed.success) {
        for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
        status = 400;
      }
      return {
        name,
        title: REPORT_TITLES[name] ?? `Отчёт «${name}»`,
        url: `/v1/reports/${name}`,
        ...period,
        errors,
        view:
          shown && parsed.success
            ? await renderFragment(`reports/${name}`, await shown(parsed.data, staff))
            : undefined,
      };
    }),
  );
  const registers = await Promise.all(
    kinds
      .flatMap((k) =>
        k.register
          ? [{ name: k.register.name, title: k.register.title, url: `/v1/registry/${k.register.name}` }]
          : [],
      )
      .map(async (r) => {
        if (query.register !== r.name) return r;
        const reply = await publicRegister(r.name, {});
        return reply.format === 'json'
          ? { ...r, view: await renderFragment(`registers/${r.name}`, { ...reply.body }) }
          : r;
      }),
  );
  return page(
    'staff-reports',
    {
      title: status === 400 ? 'Ошибка — Отчёты и реестры' : 'Отчёты и реестры',
      staff: who(staff),
      script: true,
      reports,
      registers,
    },
    status,
  );
}
