import { createHash, randomUUID } from 'node:crypto';
import { findKind } from '../../forms/registry';
import { now as clockNow } from '../adapters/clock';
import { TransactionRefusedError } from '../adapters/storage-errors';
import type { TransactItem } from '../adapters/table';
import * as table from '../adapters/table';
import { config } from '../config';
import { type ActingAs, actingAs, assertCanSee } from './access';
import { calendarOf, declarationCalendar, momentOf, nextNoticeMoment } from './calendar';
import { type Caller, SYSTEM } from './caller';
import { AppError, type FieldIssue, fieldIssues } from './errors';
import type {
  ActionContext,
  ChildAction,
  ChildInfo,
  ChildSpec,
  KindDefinition,
  RecordState,
  RequestMeta,
  RuleViolation,
  StageEffects,
} from './kind';
import { newLink } from './links';
import {
  type ChildSummary,
  type HistoryEvent,
  keys,
  newOutboxItem,
  type OutboxEffect,
  type OutboxItem,
  type StoredRecord,
} from './model';
import { type RecordView, recordView } from './views';

/**
 * The workflow engine. Creating a record and applying an action are each ONE TransactWriteItems: the record
 * (version + 1, stage, deadline), a history event, and one outbox item per effect (DESIGN.md, transactional
 * outbox). Nothing is rendered or mailed here; the outbox worker does that after the commit.
 * No kind is named in this file: everything comes from the declarations in forms/.
 */

/**
 * Retries of a transaction that lost a race (a collision, a counter or a child sequence taken by another
 * writer). Each round has one winner, so a burst of N concurrent creations of a numbered kind needs up to N
 * rounds; the delay is full jitter capped at a second.
 */
const MAX_TRANSACTION_ATTEMPTS = 40;
const RETRY_BASE_MS = 20;
const RETRY_CAP_MS = 1_000;
/** Idempotency keys are remembered for a day (API.md: `Idempotency-Key` on POST). */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export function kindOrNotFound(name: string): KindDefinition<unknown> {
  const kind = findKind(name);
  if (!kind) throw new AppError('not-found', 'Нет такой формы');
  return kind;
}

export async function loadRecord(id: string): Promise<StoredRecord | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return (await table.get(keys.record(id))) as StoredRecord | undefined;
}

export function stateOf(record: StoredRecord): RecordState<unknown> {
  return {
    id: record.id,
    kind: record.kind,
    number: record.number,
    stage: record.stage,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    enteredAt: record.enteredAt,
    dueAt: record.dueAt,
    parentId: record.parentId,
    payload: record.payload,
  };
}

function zodIssues(error: { issues: Parameters<typeof fieldIssues>[0] }, prefix = ''): FieldIssue[] {
  return fieldIssues(error.issues, prefix);
}

function violationError(v: RuleViolation): AppError {
  if (v.path)
    return new AppError('validation', 'Проверьте заполнение полей', {
      issues: [{ path: v.path, message: v.message }],
    });
  if (v.conflict) return new AppError('version-conflict', v.message);
  return new AppError('rule', v.message, { rule: v.rule });
}

/**
 * The body of a creation from another record (KindDefinition.prefill): the source is loaded, checked to be of an
 * allowed kind and visible to the creator (404 otherwise, as for any record they may not know of), and the kind
 * merges what it takes from it into the body.
 */
async function prefilledBody(kind: KindDefinition<unknown>, body: unknown, caller: Caller): Promise<unknown> {
  const prefill = kind.prefill;
  if (!prefill || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const sourceId = (body as Record<string, unknown>)[prefill.field];
  if (typeof sourceId !== 'string') return body;
  const source = await loadRecord(sourceId);
  const sourceKind = source ? findKind(source.kind) : undefined;
  if (!source || !sourceKind || !prefill.kinds.includes(source.kind)) {
    throw new AppError('validation', 'Проверьте заполнение полей', {
      issues: [{ path: prefill.field, message: 'Запись, на основе которой создаётся эта, не найдена' }],
    });
  }
  try {
    assertCanSee(caller, sourceKind, source);
  } catch {
    throw new AppError('validation', 'Проверьте заполнение полей', {
      issues: [{ path: prefill.field, message: 'Запись, на основе которой создаётся эта, не найдена' }],
    });
  }
  const result = prefill.from(stateOf(source), body as Record<string, unknown>);
  if ('violation' in result) throw violationError(result.violation);
  return result.payload;
}

function firstViolation<C>(guards: Array<(ctx: C) => RuleViolation | undefined> | undefined, ctx: C) {
  for (const guard of guards ?? []) {
    const v = guard(ctx);
    if (v) return v;
  }
  return undefined;
}

/** Deadline and next check of a stage entered at `now` (DOMAIN.md: deadlines in working days, end of day). */
function stageTiming(kind: KindDefinition<unknown>, state: RecordState<unknown>, now: Date) {
  const settings = config().instance;
  const stage = kind.stages[state.stage];
  if (!stage) throw new Error(`Stage ${state.stage} is not declared by ${kind.kind}`);
  let dueAt: string | undefined;
  if (stage.deadline) {
    const n = stage.deadline.workingDays(settings, state);
    const from = stage.deadline.from?.(state);
    const calendar = calendarOf(settings);
    dueAt = from ? calendar.deadlineEndOfDay(calendar.addWorkingDays(from, n)) : calendar.dueAtFrom(now, n);
  }
  const timedRaw = stage.timed?.at(state);
  const timedAt = timedRaw ? momentOf(timedRaw, settings) : undefined;
  const noticeAt = nextNoticeMoment(stage, state, settings);
  const next = [dueAt, timedAt, noticeAt].filter((x): x is string => Boolean(x)).sort()[0];
  return { dueAt, nextCheck: stage.final ? undefined : next };
}

/**
 * An action that keeps the stage may move the stage's timed moments (a new end date): the next check comes
 * earlier if one of them now does. Never later — the deadline worker moves a check that finds nothing due.
 */
function earlierCheck(
  kind: KindDefinition<unknown>,
  record: StoredRecord,
  state: RecordState<unknown>,
): string | undefined {
  const settings = config().instance;
  const stage = kind.stages[state.stage];
  if (!stage || stage.final || (!stage.timed && !stage.notices)) return undefined;
  const timedRaw = stage.timed?.at(state);
  const candidate = [
    timedRaw ? momentOf(timedRaw, settings) : undefined,
    nextNoticeMoment(stage, state, settings, record.noticesSent),
  ]
    .filter((x): x is string => Boolean(x))
    .sort()[0];
  const current = record.dueSk?.split('#')[0];
  return candidate && (!current || candidate < current) ? candidate : undefined;
}

/** When a record kept until `expiresAt` (epoch seconds) is deleted for good. */
export function purgeMoment(expiresAt: number): string {
  return new Date(expiresAt * 1000).toISOString();
}

function retentionExpiry(kind: KindDefinition<unknown>, stageName: string, now: Date): number | undefined {
  const stage = kind.stages[stageName];
  if (!stage?.final) return undefined;
  // A final stage may keep its records for less than the kind's retention (an unconfirmed submission: none).
  const days = stage.retainDays ?? kind.retention?.(config().instance)?.daysAfterFinal;
  if (days === undefined) return undefined;
  return Math.floor(now.getTime() / 1000) + days * 86_400;
}

function hasEffects(effects: StageEffects<unknown> | undefined): boolean {
  return Boolean(
    effects &&
      (effects.documents?.length || effects.mails?.length || effects.children || effects.childActions),
  );
}

function outboxItem(recordId: string, kind: string, effect: OutboxEffect, now: Date): OutboxItem {
  return newOutboxItem({ id: recordId, kind }, effect, now);
}

function historyItem(
  recordId: string,
  at: string,
  version: number,
  action: string,
  by: ActingAs | { kind: 'anonymous' },
  fromStage: string | null,
  toStage: string,
  comment: string | undefined,
  expiresAt?: number,
  details?: Record<string, unknown>,
): HistoryEvent {
  return {
    ...keys.history(recordId, at, version),
    type: 'history',
    at,
    action,
    by:
      by.kind === 'staff'
        ? { party: by.role, email: by.email }
        : by.kind === 'link'
          ? { party: by.party, email: by.email }
          : { party: by.kind === 'system' ? 'system' : 'applicant' },
    fromStage,
    toStage,
    version,
    comment,
    ...(details ? { details } : {}),
    expiresAt,
  };
}

/** Index attributes a record carries for its current state. */
function indexAttributes(
  kind: KindDefinition<unknown>,
  state: RecordState<unknown>,
  nextCheck: string | undefined,
) {
  const assignee = kind.assignee?.(state);
  return {
    duePk: nextCheck ? keys.duePk : undefined,
    dueSk: nextCheck ? `${nextCheck}#${state.id}` : undefined,
    assigneePk: assignee ? keys.assigneePk(assignee.toLowerCase()) : undefined,
    assigneeSk: assignee ? `${state.createdAt}#${state.id}` : undefined,
    deadlineSk: keys.deadlineSk(state),
    searchText: kind.searchText
      ? `${state.number ?? ''} ${kind.searchText(state)}`.toLowerCase()
      : state.number?.toLowerCase(),
  };
}

/** A new record with its history event and outbox item — shared by creation and by children. */
function newRecordItems(
  kind: KindDefinition<unknown>,
  input: {
    id: string;
    payload: unknown;
    number?: string;
    parentId?: string;
    childKey?: string;
    stage: string;
  },
  by: ActingAs | { kind: 'anonymous' },
  now: Date,
): { record: StoredRecord; items: TransactItem[] } {
  const at = now.toISOString();
  const state: RecordState<unknown> = {
    id: input.id,
    kind: kind.kind,
    number: input.number,
    stage: input.stage,
    version: 1,
    createdAt: at,
    updatedAt: at,
    enteredAt: at,
    parentId: input.parentId,
    payload: input.payload,
  };
  const { dueAt, nextCheck } = stageTiming(kind, state, now);
  state.dueAt = dueAt;
  const record: StoredRecord = {
    ...keys.record(input.id),
    type: 'record',
    ...state,
    childKey: input.childKey,
    documents: [],
    childSeq: 0,
    queuePk: keys.queuePk(kind.kind),
    queueSk: `${at}#${input.id}`,
    ...indexAttributes(kind, state, nextCheck),
    expiresAt: retentionExpiry(kind, input.stage, now),
  };
  const items: TransactItem[] = [
    { put: record as unknown as table.Item, condition: { expression: 'attribute_not_exists(pk)' } },
    {
      put: historyItem(input.id, at, 1, 'create', by, null, input.stage, undefined) as unknown as table.Item,
    },
  ];
  if (hasEffects(kind.stages[input.stage]?.onEnter)) {
    items.push({
      put: outboxItem(
        input.id,
        kind.kind,
        { type: 'enter-stage', stage: input.stage, version: 1 },
        now,
      ) as unknown as table.Item,
    });
  }
  return { record, items };
}

/** Deterministic id of a child, so creating it twice (a re-run) hits the same key. */
export function childId(parentId: string, key: string): string {
  const h = createHash('sha256').update(`${parentId}\u0000${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Items that create one child of `parent` (record, history, outbox, and its summary under the parent). */
export function childItems(parent: Pick<StoredRecord, 'id'>, spec: ChildSpec, now: Date): TransactItem[] {
  const kind = kindOrNotFound(spec.kind);
  const parsed = kind.schema.safeParse(spec.payload);
  if (!parsed.success) throw new Error(`Child ${spec.kind} of ${parent.id} does not match its schema`);
  const id = childId(parent.id, spec.key);
  const ctx = {
    payload: parsed.data,
    now,
    settings: config().instance,
    calendar: declarationCalendar(config().instance),
  };
  const stage = typeof kind.initialStage === 'function' ? kind.initialStage(ctx) : kind.initialStage;
  const { items } = newRecordItems(
    kind,
    { id, payload: parsed.data, parentId: parent.id, childKey: spec.key, stage },
    { kind: 'system' },
    now,
  );
  const summary: ChildSummary = {
    ...keys.child(parent.id, id),
    type: 'child',
    id,
    kind: kind.kind,
    key: spec.key,
    stage,
  };
  items.push({ put: summary as unknown as table.Item });
  return items;
}

function idempotencyHash(scope: string, body: unknown): string {
  return createHash('sha256').update(scope).update('\u0000').update(canonicalJson(body)).digest('hex');
}

/** JSON with sorted keys, so the same body in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface Idempotency {
  /** Scope of the key: method, path and who is calling. */
  scope: string;
  key: string;
}

function validateIdempotencyKey(key: string): void {
  if (!/^[A-Za-z0-9_.:-]{8,128}$/.test(key)) {
    throw new AppError('validation', 'Проверьте заголовки запроса', {
      issues: [
        {
          path: 'Idempotency-Key',
          message: 'От 8 до 128 символов: латинские буквы, цифры, «-», «_», «.», «:»',
        },
      ],
    });
  }
}

async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof TransactionRefusedError && error.conflict;
      if (!retryable || i >= MAX_TRANSACTION_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** i)));
    }
  }
}

/** The idempotency item of a request, if one was already committed. */
async function replayed(
  idem: Idempotency | undefined,
  hash: string,
): Promise<{ recordId: string } | undefined> {
  if (!idem) return undefined;
  const stored = await table.get(keys.idempotency(idem.scope, idem.key));
  if (!stored) return undefined;
  if (stored.requestHash !== hash) {
    throw new AppError(
      'idempotency-conflict',
      'Этот ключ идемпотентности уже использован для другого запроса',
    );
  }
  return { recordId: String(stored.recordId) };
}

function idempotencyItem(idem: Idempotency, hash: string, recordId: string, now: Date): TransactItem {
  return {
    put: {
      ...keys.idempotency(idem.scope, idem.key),
      type: 'idempotency',
      requestHash: hash,
      recordId,
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    },
    condition: { expression: 'attribute_not_exists(pk)' },
  };
}

export interface Created {
  id: string;
  kind: string;
  number?: string;
  stage: string;
  version: number;
  accessToken?: string;
}

/** The creator's link, handed out in the response (API.md `accessToken`) and never stored in clear. */
function creatorLink(kind: KindDefinition<unknown>, record: StoredRecord, now: Date) {
  if (!kind.creatorParty) return undefined;
  const contact = kind.contacts[kind.creatorParty]?.(stateOf(record));
  if (!contact) return undefined;
  return newLink({
    recordId: record.id,
    kind: kind.kind,
    party: kind.creatorParty,
    email: contact.email,
    actions: kind.creatorActions ?? [],
    now,
    ttlDays: config().instance.linkTtlDays,
    recordExpiresAt: record.expiresAt,
  });
}

/** POST /v1/submissions/{kind}: validate, number if the kind asks, enter the first stage — one transaction. */
export async function createRecord(
  kindName: string,
  body: unknown,
  caller: Caller,
  idem?: Idempotency,
): Promise<{ status: 200 | 201; body: Created }> {
  const kind = kindOrNotFound(kindName);
  if (kind.createdBy === 'parent')
    throw new AppError('forbidden', 'Такие записи создаются только в ходе работы с заявкой');
  let by: ActingAs | { kind: 'anonymous' } = { kind: 'anonymous' };
  if (kind.createdBy !== 'public') {
    if (caller.type !== 'staff') throw new AppError('unauthenticated', 'Войдите, чтобы создать такую запись');
    const role = caller.roles.find((r) => r === 'admin' || (kind.createdBy as string[]).includes(r));
    if (!role) throw new AppError('forbidden', 'Недостаточно прав для создания такой записи');
    by = { kind: 'staff', role, email: caller.email };
  }
  if (idem) validateIdempotencyKey(idem.key);
  const parsed = kind.schema.safeParse(await prefilledBody(kind, body, caller));
  if (!parsed.success) {
    throw new AppError('validation', 'Проверьте заполнение полей', { issues: zodIssues(parsed.error) });
  }
  const settings = config().instance;
  const calendar = declarationCalendar(settings);
  const hash = idempotencyHash(`create\u0000${kind.kind}`, body);

  return withRetries(async () => {
    const previous = await replayed(idem, hash);
    const now = clockNow();
    if (previous) return { status: 201 as const, body: await replayCreated(kind, previous.recordId, now) };

    const ctx = { payload: parsed.data, now, settings, calendar };
    const violation = firstViolation(kind.createGuards, ctx);
    if (violation) throw violationError(violation);
    const id = randomUUID();
    const items: TransactItem[] = [];
    let number: string | undefined;
    if (kind.numbering) {
      // A3 4.3.3: the number comes from a counter per series and year, advanced in this very transaction, so a
      // failed creation leaves no gap and two creations never share a number.
      const series = kind.numbering.series(settings);
      const year = Number(calendar.localDate(now).slice(0, 4));
      const counterKey = keys.counter(series, year);
      const counter = await table.get(counterKey);
      const current = typeof counter?.value === 'number' ? counter.value : 0;
      number = kind.numbering.format(series, year, current + 1);
      items.push(
        counter
          ? {
              update: counterKey,
              set: {
                expression: 'SET #v = :next',
                names: { '#v': 'value' },
                values: { ':next': current + 1 },
              },
              condition: {
                expression: '#v = :current',
                names: { '#v': 'value' },
                values: { ':current': current },
              },
            }
          : {
              put: { ...counterKey, type: 'counter', value: 1 },
              condition: { expression: 'attribute_not_exists(pk)' },
            },
      );
    }
    const stage = typeof kind.initialStage === 'function' ? kind.initialStage(ctx) : kind.initialStage;
    const created = newRecordItems(kind, { id, payload: parsed.data, number, stage }, by, now);
    items.push(...created.items);
    const link = creatorLink(kind, created.record, now);
    if (link)
      items.push({ put: link.item as unknown as table.Item }, { put: link.ref as unknown as table.Item });
    if (idem) items.push(idempotencyItem(idem, hash, id, now));
    try {
      await table.transactWrite(items);
    } catch (error) {
      // Lost a race for the counter or the idempotency key: the next attempt reads the winner's state.
      if (error instanceof TransactionRefusedError && !error.conflict)
        throw new TransactionRefusedError([], true);
      throw error;
    }
    return {
      status: 201 as const,
      body: { id, kind: kind.kind, number, stage, version: 1, accessToken: link?.token },
    };
  });
}

/** The response of an already committed creation; the creator gets a fresh link (tokens are never stored). */
async function replayCreated(kind: KindDefinition<unknown>, recordId: string, now: Date): Promise<Created> {
  const record = await loadRecord(recordId);
  if (!record) throw new AppError('not-found', 'Запись не найдена');
  const link = creatorLink(kind, record, now);
  if (link) {
    await table.put(link.item as unknown as table.Item);
    await table.put(link.ref as unknown as table.Item);
  }
  return {
    id: record.id,
    kind: record.kind,
    number: record.number,
    stage: record.stage,
    version: record.version,
    accessToken: link?.token,
  };
}

function parseIfMatch(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(raw.trim());
  if (!m) {
    throw new AppError('validation', 'Проверьте заголовки запроса', {
      issues: [{ path: 'If-Match', message: 'Ожидается номер версии записи' }],
    });
  }
  return Number(m[1]);
}

interface PlannedAction {
  items: TransactItem[];
  newVersion: number;
  /** The stage the record is in after the action. */
  stage: string;
}

/**
 * Everything one action writes, without writing it: the record update (conditioned on its version), the
 * history event, outbox items, children, and the parent's side when this record is a child.
 */
async function planAction(
  kind: KindDefinition<unknown>,
  record: StoredRecord,
  actionName: string,
  input: unknown,
  actor: ActingAs,
  now: Date,
  depth = 0,
  context: { request?: RequestMeta; children?: ChildInfo[] } = {},
): Promise<PlannedAction> {
  const action = kind.actions[actionName];
  if (!action) throw new AppError('not-found', 'Нет такого действия');
  if (!action.from.includes(record.stage)) {
    throw new AppError(
      'rule',
      `Действие «${action.title}» недоступно на этапе «${kind.stages[record.stage]?.title ?? record.stage}»`,
      {
        rule: 'action-not-allowed',
      },
    );
  }
  const parsed = action.input.safeParse(input ?? {});
  if (!parsed.success)
    throw new AppError('validation', 'Проверьте заполнение полей', { issues: zodIssues(parsed.error) });
  const settings = config().instance;
  const state = stateOf(record);
  const parent = record.parentId ? await loadRecord(record.parentId) : undefined;
  const ctx: ActionContext<unknown, never> = {
    record: state,
    input: parsed.data as never,
    now,
    settings,
    actor,
    calendar: declarationCalendar(settings),
    request: context.request,
    parent: parent ? stateOf(parent) : undefined,
    children: kind.onChildrenChanged ? (context.children ?? (await childrenOf(record.id))) : undefined,
  };
  const violation = firstViolation(action.guards, ctx);
  if (violation) throw violationError(violation);

  const toStage = typeof action.to === 'function' ? action.to(ctx) : (action.to ?? record.stage);
  if (!kind.stages[toStage])
    throw new Error(`Action ${actionName} of ${kind.kind} targets undeclared stage ${toStage}`);
  const stageChanged = toStage !== record.stage;
  const payload = action.apply ? action.apply(ctx) : record.payload;
  const version = record.version + 1;
  const at = now.toISOString();
  const nextState: RecordState<unknown> = {
    ...state,
    stage: toStage,
    version,
    updatedAt: at,
    enteredAt: stageChanged ? at : record.enteredAt,
    payload,
  };
  const timing = stageChanged
    ? stageTiming(kind, nextState, now)
    : { dueAt: record.dueAt, nextCheck: record.dueSk?.split('#')[0] };
  nextState.dueAt = timing.dueAt;
  const expiresAt = stageChanged ? retentionExpiry(kind, toStage, now) : record.expiresAt;
  const index = indexAttributes(kind, nextState, stageChanged ? timing.nextCheck : undefined);

  const set: Record<string, unknown> = {
    stage: toStage,
    version,
    updatedAt: at,
    enteredAt: nextState.enteredAt,
    payload,
    dueAt: timing.dueAt,
    assigneePk: index.assigneePk,
    assigneeSk: index.assigneeSk,
    deadlineSk: index.deadlineSk,
    searchText: index.searchText,
    expiresAt,
  };
  const remove: string[] = [];
  if (stageChanged) {
    set.duePk = index.duePk;
    set.dueSk = index.dueSk;
    // A new stage has its own deadline and notices: reminders and notices of the previous one no longer apply.
    remove.push('remindedAt', 'escalatedAt', 'noticesSent');
    // A3 4.5.4: a record kept for a while after its final stage comes back to the deadline worker to be deleted
    // with its documents (functions/core/retention.ts).
    if (expiresAt && kind.stages[toStage]?.final) {
      set.duePk = keys.duePk;
      set.dueSk = `${purgeMoment(expiresAt)}#${record.id}`;
    }
  } else {
    const earlier = earlierCheck(kind, record, nextState);
    if (earlier) {
      set.duePk = keys.duePk;
      set.dueSk = `${earlier}#${record.id}`;
    }
  }
  const items: TransactItem[] = [
    {
      update: keys.record(record.id),
      set: updateExpression(set, remove),
      condition: {
        expression: '#version = :expected',
        names: { '#version': 'version' },
        values: { ':expected': record.version },
      },
    },
    {
      put: historyItem(
        record.id,
        at,
        version,
        actionName,
        actor,
        record.stage,
        toStage,
        action.comment?.(ctx),
        // A record past its final stage keeps its history only as long as itself (A3 4.5.4).
        expiresAt,
        action.details?.(ctx),
      ) as unknown as table.Item,
    },
  ];
  if (hasEffects(action.effects)) {
    items.push({
      put: outboxItem(
        record.id,
        kind.kind,
        { type: 'action', action: actionName, version },
        now,
      ) as unknown as table.Item,
    });
  }
  if (stageChanged && expiresAt !== undefined && expiresAt !== record.expiresAt) {
    // Every other item of the record (history, children, links) gets the same expiry, by the outbox worker.
    items.push({
      put: outboxItem(record.id, kind.kind, { type: 'retention', version }, now) as unknown as table.Item,
    });
  }
  if (stageChanged && hasEffects(kind.stages[toStage]?.onEnter)) {
    items.push({
      put: outboxItem(
        record.id,
        kind.kind,
        { type: 'enter-stage', stage: toStage, version },
        now,
      ) as unknown as table.Item,
    });
  }
  for (const spec of action.children?.(ctx) ?? []) items.push(...childItems(record, spec, now));
  for (const childAction of action.childActions?.(ctx) ?? [])
    items.push(...(await planChildAction(record, childAction, now, depth)));
  if (record.parentId && stageChanged && depth === 0)
    items.push(...(await planParentSide(record, nextState, now)));
  return { items, newVersion: version, stage: toStage };
}

/** A parent's children as their summaries say (kind, key, stage). */
async function childrenOf(parentId: string): Promise<ChildInfo[]> {
  const summaries = (await table.queryAll({
    partition: keys.record(parentId).pk,
    sort: { beginsWith: keys.childPrefix },
  })) as unknown as ChildSummary[];
  return summaries.map((s) => ({ id: s.id, kind: s.kind, key: s.key, stage: s.stage }));
}

/**
 * A system action on one child, in the parent's transaction. The child's summary follows a change of stage, but
 * the parent's kind is not asked again: the parent is being changed by this very transaction.
 */
async function planChildAction(
  parent: StoredRecord,
  childAction: ChildAction,
  now: Date,
  depth: number,
): Promise<TransactItem[]> {
  const child = await loadRecord(childId(parent.id, childAction.key));
  if (!child || child.parentId !== parent.id) {
    throw new AppError('rule', 'Запись участника ещё не создана. Повторите действие чуть позже', {
      rule: 'child-not-ready',
    });
  }
  const planned = await planAction(
    kindOrNotFound(child.kind),
    child,
    childAction.action,
    childAction.input,
    { kind: 'system' },
    now,
    depth + 1,
  );
  if (planned.stage !== child.stage) {
    planned.items.push({
      update: keys.child(parent.id, child.id),
      set: {
        expression: 'SET #stage = :stage',
        names: { '#stage': 'stage' },
        values: { ':stage': planned.stage },
      },
    });
  }
  return planned.items;
}

/**
 * A child changed stage: update its summary under the parent, and let the parent's kind decide whether the
 * parent moves (e.g. every consent answered). The parent's child counter is part of the condition, so two
 * children settling at the same moment are serialised and the second one sees the first.
 */
async function planParentSide(
  child: StoredRecord,
  childState: RecordState<unknown>,
  now: Date,
): Promise<TransactItem[]> {
  const childStage = childState.stage;
  const parent = await loadRecord(child.parentId!);
  if (!parent) return [];
  const parentKind = kindOrNotFound(parent.kind);
  const children = (await childrenOf(parent.id)).map((c) =>
    c.id === child.id ? { ...c, stage: childStage } : c,
  );
  const items: TransactItem[] = [
    {
      update: keys.child(parent.id, child.id),
      set: {
        expression: 'SET #stage = :stage',
        names: { '#stage': 'stage' },
        values: { ':stage': childStage },
      },
    },
  ];
  const decision = parentKind.onChildrenChanged?.(stateOf(parent), children, {
    ...childState,
    key: child.childKey ?? '',
  });
  if (decision) {
    const planned = await planAction(
      parentKind,
      parent,
      decision.action,
      decision.input,
      { kind: 'system' },
      now,
      1,
      { children },
    );
    items.push(...planned.items);
    // Serialise with other children through the same counter.
    const first = planned.items[0] as Extract<TransactItem, { update: unknown }>;
    first.set = mergeExpressions(first.set, {
      expression: 'SET #childSeq = :seqNext',
      names: { '#childSeq': 'childSeq' },
      values: { ':seqNext': parent.childSeq + 1 },
    });
    first.condition = {
      expression: `${first.condition!.expression} AND #childSeq = :seq`,
      names: { ...first.condition!.names, '#childSeq': 'childSeq' },
      values: { ...first.condition!.values, ':seq': parent.childSeq },
    };
  } else {
    items.push({
      update: keys.record(parent.id),
      set: {
        expression: 'SET #childSeq = :next',
        names: { '#childSeq': 'childSeq' },
        values: { ':next': parent.childSeq + 1 },
      },
      condition: {
        expression: '#childSeq = :seq',
        names: { '#childSeq': 'childSeq' },
        values: { ':seq': parent.childSeq },
      },
    });
  }
  return items;
}

/** `SET a = :a, b = :b REMOVE c` for the attributes given; undefined values are removed. */
export function updateExpression(set: Record<string, unknown>, remove: string[] = []): table.Expression {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes = new Set(remove);
  Object.entries(set).forEach(([attr, value], i) => {
    if (value === undefined) {
      removes.add(attr);
      return;
    }
    names[`#s${i}`] = attr;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  });
  const removeList = [...removes].filter((attr) => !(attr in set) || set[attr] === undefined);
  removeList.forEach((attr, i) => {
    names[`#r${i}`] = attr;
  });
  const parts = [];
  if (sets.length) parts.push(`SET ${sets.join(', ')}`);
  if (removeList.length) parts.push(`REMOVE ${removeList.map((_, i) => `#r${i}`).join(', ')}`);
  return { expression: parts.join(' '), names, values: Object.keys(values).length ? values : undefined };
}

function mergeExpressions(a: table.Expression, b: table.Expression): table.Expression {
  // Both start with SET; fold b's SET clause into a's.
  const bSet = b.expression.replace(/^SET\s+/, '');
  const expression = /^SET\s/.test(a.expression)
    ? a.expression.replace(
        /^SET\s+([\s\S]*?)(\s+REMOVE\s|$)/,
        (_m, sets, rest) => `SET ${sets}, ${bSet}${rest}`,
      )
    : `SET ${bSet} ${a.expression}`;
  return { expression, names: { ...a.names, ...b.names }, values: { ...a.values, ...b.values } };
}

/** POST /v1/submissions/{id}/actions/{action} */
export async function applyAction(
  recordId: string,
  actionName: string,
  body: unknown,
  caller: Caller,
  /** `request`: where the request came from (IP, user agent), for kinds that keep evidence of an answer. */
  options: { ifMatch?: string; idempotency?: Idempotency; request?: RequestMeta } = {},
): Promise<RecordView> {
  await commitAction(recordId, actionName, body, caller, options);
  const record = await loadRecord(recordId);
  if (!record) throw new AppError('not-found', 'Запись не найдена');
  return recordView(record, kindOrNotFound(record.kind), caller);
}

/** The action's transaction, retried on collisions; nothing is read back (the record may be gone: retention). */
async function commitAction(
  recordId: string,
  actionName: string,
  body: unknown,
  caller: Caller,
  options: { ifMatch?: string; idempotency?: Idempotency; request?: RequestMeta },
): Promise<void> {
  const expected = parseIfMatch(options.ifMatch);
  if (options.idempotency) validateIdempotencyKey(options.idempotency.key);
  const hash = idempotencyHash(`action\u0000${recordId}\u0000${actionName}`, body);
  await withRetries(async () => {
    if (await replayed(options.idempotency, hash)) return;
    const record = await loadRecord(recordId);
    if (!record) throw new AppError('not-found', 'Запись не найдена');
    const kind = kindOrNotFound(record.kind);
    assertCanSee(caller, kind, record);
    const action = kind.actions[actionName];
    if (!action) throw new AppError('not-found', 'Нет такого действия');
    const actor = actingAs(caller, kind, record, actionName, action);
    if (!actor) throw new AppError('forbidden', 'Это действие вам недоступно');
    // API.md: staff edits carry If-Match, so nobody overwrites a change they have not seen.
    if (actor.kind === 'staff' && expected === undefined) {
      throw new AppError('validation', 'Проверьте заголовки запроса', {
        issues: [
          { path: 'If-Match', message: 'Укажите версию записи, которую вы видели (заголовок If-Match)' },
        ],
      });
    }
    if (expected !== undefined && expected !== record.version) {
      // A copy of this very request (same Idempotency-Key) may be what moved the record on: this is its replay.
      if (await replayed(options.idempotency, hash)) return;
      throw new AppError(
        'version-conflict',
        'Запись уже изменена другим пользователем. Обновите страницу и повторите',
      );
    }
    const now = clockNow();
    const request =
      options.request || caller.type === 'link'
        ? { ...options.request, ...(caller.type === 'link' ? { linkId: caller.linkId } : {}) }
        : undefined;
    const planned = await planAction(kind, record, actionName, body, actor, now, 0, { request });
    if (options.idempotency) planned.items.push(idempotencyItem(options.idempotency, hash, recordId, now));
    try {
      await table.transactWrite(planned.items);
    } catch (error) {
      if (error instanceof TransactionRefusedError && !error.conflict) {
        // Someone else changed the record (or a sibling child the parent) between our read and write.
        if (expected !== undefined && error.failedIndexes.includes(0)) {
          if (await replayed(options.idempotency, hash)) return;
          throw new AppError(
            'version-conflict',
            'Запись уже изменена другим пользователем. Обновите страницу и повторите',
          );
        }
        throw new TransactionRefusedError([], true);
      }
      throw error;
    }
  });
}

/** An action the system takes by itself (timed transitions, A4 3.11), retried on collisions. */
export async function applySystemAction(recordId: string, actionName: string, input: unknown): Promise<void> {
  await commitAction(recordId, actionName, input, SYSTEM, {});
}

export function serviceNow(): Date {
  return clockNow();
}
