import type { z } from 'zod';
import type { InstanceSettings } from './instance-settings';

/**
 * How a record kind is declared (forms/<kind>/schema.ts + workflow.ts). The engine in this folder reads these
 * declarations and never names a kind (DESIGN.md convention 5): adding a kind is a folder in forms/ and its
 * templates, nothing else.
 */

export type StaffRole = 'operator' | 'centre' | 'curator' | 'admin';
/** Parties without an account, who act through a mailed link (DOMAIN.md, "Parties"). */
export type LinkParty = 'applicant' | 'participant' | 'teacher' | 'head' | 'curator';
/** Who may take an action: a staff role, a link party, or the system itself (timers, children settling). */
export type Actor = { role: StaffRole } | { party: LinkParty } | 'system';
/** Who a mail goes to: a link party of the record, or one of the instance's mailboxes. */
export type Recipient = LinkParty | 'operator-mailbox' | 'centre-mailbox' | 'supervisor-mailbox';

export interface Contact {
  email: string;
  /** Display name for the mail header and greeting; never logged. */
  name?: string;
}

/** What a declaration sees of a stored record. */
export interface RecordState<P = unknown> {
  id: string;
  kind: string;
  number?: string;
  stage: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  enteredAt: string;
  dueAt?: string;
  parentId?: string;
  payload: P;
}

export interface RuleViolation {
  /** Stable rule id clients switch on (API.md: `outside-selection-window`, `uncovered-deficits`, …). */
  rule: string;
  /** Russian, for a person; no personal data. */
  message: string;
  /** When the rule is about one field (a date in the past), the field's path: reported as a validation issue (400). */
  path?: string;
  /**
   * The action was prepared against an older state of the record (a route correction's `baseVersion`): answered
   * as 409 `version-conflict`, like a stale If-Match, instead of 422.
   */
  conflict?: boolean;
}

export interface ActionContext<P = unknown, I = unknown> {
  record: RecordState<P>;
  input: I;
  now: Date;
  settings: InstanceSettings;
  /** Who is acting: role or party, and the email they act as (for history, never for logs). */
  actor:
    | { kind: 'staff'; role: StaffRole; email: string }
    | { kind: 'link'; party: LinkParty; email: string }
    | { kind: 'system' };
  /** Working-day arithmetic in the instance's calendar. */
  calendar: {
    dueAtFrom(instant: Date | string, workingDays: number): string;
    isWorkingDay(date: string): boolean;
    localDate(instant: Date | string): string;
  };
  /**
   * Where the request came from, when it came over HTTP (evidence of an online consent: time, IP, user agent,
   * link id). Kept in the payload or the history by the kind that needs it; never logged.
   */
  request?: RequestMeta;
  /** The parent record, when this record is a child (a consent reads whether its request still collects). */
  parent?: RecordState<unknown>;
  /** The record's children as the parent sees them, for kinds that have children (`onChildrenChanged`). */
  children?: ChildInfo[];
}

/** What the HTTP layer knows of a request, for audit evidence. */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  /** Id of the party link used (never the token). */
  linkId?: string;
}

/** A child as its parent sees it: the summary kept in the parent's partition. */
export interface ChildInfo {
  id: string;
  kind: string;
  key: string;
  stage: string;
}

/** An action the system takes on a child of this record (`key` = the child's key under this parent). */
export interface ChildAction {
  key: string;
  action: string;
  input?: unknown;
}

export interface CreateContext<P = unknown> {
  payload: P;
  now: Date;
  settings: InstanceSettings;
  calendar: ActionContext['calendar'];
}

/** A record another record creates (a consent of a collective request, a correction of a route). */
export interface ChildSpec {
  kind: string;
  /** Stable within the parent, so re-running the creation cannot make a second child. */
  key: string;
  payload: unknown;
}

export interface DeadlineRule<P = unknown> {
  /** Working days, usually from the instance settings (A2 5.9.4: `s.deadlines.operatorContact`). */
  workingDays: (settings: InstanceSettings, record: RecordState<P>) => number;
  /** Counted from entering the stage (default), or from a date in the payload (e.g. the diagnostics date). */
  from?: (record: RecordState<P>) => string | undefined;
}

export interface MailEffect<P = unknown> {
  /** templates/email/<kind>/<template>.hbs */
  template: string;
  to: Recipient;
  /** Documents (by name) attached as PDFs. */
  attach?: string[];
  /**
   * Issue the recipient a party link with these actions and put its URL in the mail. `validUntil` (a date: the end
   * of that local day) keeps it valid longer than the instance's link lifetime (a route's whole implementation).
   */
  link?: { party: LinkParty; actions: string[]; validUntil?: (record: RecordState<P>) => string | undefined };
  /** Send it only when this holds for the record at the time of sending (who decides depends on the payload). */
  when?: (record: RecordState<P>) => boolean;
}

/** What happens when a record enters a stage; carried out by the outbox worker, never inside the request. */
export interface StageEffects<P = unknown> {
  /** Documents to render (by name) before the mails go. */
  documents?: string[];
  mails?: MailEffect<P>[];
  /** Children to create (many at once, e.g. one consent per participant), idempotently by key. */
  children?: (record: RecordState<P>) => ChildSpec[];
  /**
   * System actions to take on existing children, one transaction each, by the outbox worker (pending consents
   * are closed when the head finalises). A child where the action is no longer allowed is skipped.
   */
  childActions?: (record: RecordState<P>, children: ChildInfo[]) => ChildAction[];
}

export interface StageDefinition<P = unknown> {
  title: string;
  final?: boolean;
  /** Who must act next; reminded when the deadline passes, then escalated to the supervisor mailbox. */
  responsible?: Recipient;
  /** The kind's own reminder template (templates/email/<kind>/<template>.hbs) instead of common/reminder. */
  reminderTemplate?: string;
  /**
   * Who hears of a reminder left unanswered, instead of the supervisor mailbox (a consent: the school head), and
   * with the kind's own template instead of common/escalation.
   */
  escalation?: { to: Recipient; template?: string };
  deadline?: DeadlineRule<P>;
  onEnter?: StageEffects<P>;
  /** An action the system takes by itself at a moment the record names (A4 3.11: the status expires). */
  timed?: { action: string; at: (record: RecordState<P>) => string | undefined };
  /**
   * A final stage whose records are deleted this many days after entering it, instead of the kind's `retention`
   * (DOMAIN.md: an unconfirmed submission disappears: 0).
   */
  retainDays?: number;
  /**
   * Mails the system sends by itself at moments the record names, without any change of stage (90 days before
   * an internship site's status ends; a route's end in 30 days). Each notice goes once per entry into the stage,
   * identified by its key; the deadline worker sends it when its moment has come.
   */
  notices?: (record: RecordState<P>, settings: InstanceSettings) => TimedNotice[];
}

export interface TimedNotice {
  /** Stable while the record stays in the stage (e.g. `expiry`, or `activity-<id>`). */
  key: string;
  /** A date (`YYYY-MM-DD`: the start of that local day) or an ISO instant. */
  at: string;
  mails: MailEffect[];
  /** Values the notice's mail templates see as `notice` (which activity is overdue). */
  data?: Record<string, unknown>;
}

export interface ActionDefinition<P = unknown, I = unknown> {
  title: string;
  /** Stages the action may be taken in. */
  from: string[];
  by: Actor[];
  input: z.ZodType<I>;
  /** Domain rules; the first violation refuses the action with 422 and its rule id. */
  guards?: Array<(ctx: ActionContext<P, I>) => RuleViolation | undefined>;
  /** Target stage; omitted = the record stays where it is (e.g. `reschedule`). */
  to?: string | ((ctx: ActionContext<P, I>) => string);
  /** The payload after the action; omitted = unchanged. */
  apply?: (ctx: ActionContext<P, I>) => P;
  /** Children created in the same transaction (a handful at most). */
  children?: (ctx: ActionContext<P, I>) => ChildSpec[];
  /**
   * System actions on existing children in the same transaction (a handful at most): the results of one
   * participant of a collective request go to that participant's own record. They do not notify the parent back.
   */
  childActions?: (ctx: ActionContext<P, I>) => ChildAction[];
  /** Effects of the action itself, besides those of the stage it enters (e.g. a mail on `reschedule`). */
  effects?: StageEffects<P>;
  /** A comment recorded in the history (shown to those who may see the history). */
  comment?: (ctx: ActionContext<P, I>) => string | undefined;
  /**
   * Structured details kept with the history event, shown to staff only (a resubmission keeps the previous
   * version of the payload, so both versions stay on record).
   */
  details?: (ctx: ActionContext<P, I>) => Record<string, unknown> | undefined;
  /** Labels of the input's fields that the kind's `labels` do not name (web forms). */
  labels?: Record<string, string>;
  /** The action's web form for this record: choices taken from the record (its activities), prefilled values. */
  form?: (record: RecordState<P>) => FormPresentation & { defaults?: Record<string, unknown> };
}

/**
 * Presentation of a form on the web pages, by dotted field path without indices (`participants.email`). The
 * schema, labels and enums already make the page; this adds what they cannot say.
 */
export interface FormPresentation {
  /** A short hint under a field. */
  hints?: Record<string, string>;
  /**
   * Choices of a field the schema takes as any string (or list of strings): an enumeration (a key of the kind's
   * `enums`, or value → label), offered only while another field (a root-relative path) has the given value.
   */
  choices?: Record<
    string,
    { options: string | Record<string, string>; when?: { field: string; equals: string } }[]
  >;
  /** Texts shown with a field (a consent's wording), overriding the kind's `texts` (the edition a record carries). */
  texts?: Record<string, string>;
}

export interface DocumentDefinition<P = unknown> {
  title: string;
  /** File name the user sees, without extension. */
  fileName: (record: RecordState<P>) => string;
  /** templates/pdf/<kind>/<template>.hbs */
  template: string;
  /**
   * Who may read it besides staff. A2 6.3: individual results go to the participant alone, so such a
   * document lists only that party.
   */
  audience: LinkParty[];
  /**
   * Whether the record has this document at all (a passport per declared topic: `passport-3` only with three
   * topics). A document named in effects whose `when` is false is neither rendered nor attached.
   */
  when?: (record: RecordState<P>) => boolean;
  /** Values the template sees as `document.params`, so one template serves several documents (passport-1..3). */
  params?: Record<string, unknown>;
}

/**
 * A public register of records of a kind (A4 5.1.4: the register of internship sites on the institute's site):
 * anonymous, read-only, only the stages listed and only the public data `entries` returns.
 */
export interface RegisterDefinition<P = unknown, Q = unknown> {
  /** Path name: GET /v1/registry/<name>. */
  name: string;
  title: string;
  /** Records in these stages are listed. */
  stages: string[];
  /** The query string (filters and `format`); failures are 400 with the parameter names. */
  query: z.ZodType<Q & { format?: 'json' | 'pdf' }>;
  /** The public entries of one record (none when it does not match the query). Never personal data. */
  entries: (record: RecordState<P>, query: Q, settings: InstanceSettings) => Record<string, unknown>[];
  /** Order of the entries. */
  compare?: (a: Record<string, unknown>, b: Record<string, unknown>) => number;
  /** templates/pdf/<kind>/<template>.hbs for `?format=pdf`; it sees `entries`, `query`, `generatedAt`. */
  template: string;
  fileName: string;
}

export interface KindDefinition<P = unknown> {
  kind: string;
  title: string;
  /** Who may create it through POST /v1/submissions/{kind}; `parent` = only as a child of another record. */
  createdBy: 'public' | StaffRole[] | 'parent';
  /** Staff roles that see records of this kind in the queue. */
  staff: StaffRole[];
  schema: z.ZodType<P>;
  /** Russian labels of the payload fields and enumerations, for forms, documents and the JSON description. */
  labels?: Record<string, string>;
  /**
   * Longer texts a form shows with its fields, by field path (the personal-data consent beside its checkbox,
   * versioned as 152-FZ requires), also in the JSON description of the form.
   */
  texts?: Record<string, string>;
  /**
   * Extra values for this kind's document and mail templates, computed from the record (per-subject counts of a
   * collective request, the consent sheet's rows), under `data`.
   */
  templateData?: (record: RecordState<P>, settings: InstanceSettings) => Record<string, unknown>;
  /**
   * Rows this kind contributes to a staff report, by report name (`GET /v1/reports/<name>`); each report module
   * in functions/core/reports defines the row shape it reads. Records are read through the queue index.
   */
  reports?: Record<string, (record: RecordState<P>) => unknown[]>;
  enums?: Record<string, Record<string, string>>;
  /** How web pages present the payload's form beyond what the schema, labels and enums say (optional). */
  form?: FormPresentation;
  /** Registration number assigned in the creating transaction (A3 4.3.3), gap-free per series and year. */
  numbering?: {
    series: (settings: InstanceSettings) => string;
    format: (series: string, year: number, n: number) => string;
  };
  initialStage: string | ((ctx: CreateContext<P>) => string);
  stages: Record<string, StageDefinition<P>>;
  actions: Record<string, ActionDefinition<P, never>>;
  documents: Record<string, DocumentDefinition<P>>;
  /** How to reach each link party of a record. */
  contacts: Partial<Record<LinkParty, (record: RecordState<P>) => Contact | undefined>>;
  /** The staff member a record is assigned to (a curator sees only their routes). */
  assignee?: (record: RecordState<P>) => string | undefined;
  /** Rules that refuse a creation (422), e.g. the internship selection window. */
  createGuards?: Array<(ctx: CreateContext<P>) => RuleViolation | undefined>;
  /**
   * Creation from another record (a route from an issued diagnostics result, A3 4.2.4): when the body names a
   * record of one of `kinds` in `field`, the engine loads it (404 unless the creator may see it) and `from` merges
   * what it takes from it into the body before validation — or refuses with a rule.
   */
  prefill?: {
    field: string;
    kinds: string[];
    from: (
      source: RecordState<unknown>,
      body: Record<string, unknown>,
    ) => { payload: Record<string, unknown> } | { violation: RuleViolation };
  };
  /** Which party a link handed out on creation belongs to (API.md: `accessToken` of the applicant). */
  creatorParty?: LinkParty;
  /** Actions the creator's link carries. */
  creatorActions?: string[];
  /**
   * Parent side of children: called after a child changes, with every child's kind and stage; returns an action
   * for the system to take on the parent in the same transaction (the collective request leaves
   * `awaiting-consents` when every consent is answered).
   */
  onChildrenChanged?: (
    parent: RecordState<P>,
    children: { id: string; kind: string; stage: string; key: string }[],
    /** The child that changed, as it is after the change (its key and payload: what a consent said). */
    changed: RecordState<unknown> & { key: string },
  ) => { action: string; input: unknown } | undefined;
  /** Text the staff queue's `q` matches (number, surname, organisation), lower-cased by the engine. */
  searchText?: (record: RecordState<P>) => string;
  /** What a party sees of the payload (A2 6.3: others' results are removed). Staff see everything. */
  redact?: (payload: P, viewer: { party: LinkParty; email: string }) => P;
  /** Delete the record and its items this long after it reaches a final stage (A3 4.5.4). */
  retention?: (settings: InstanceSettings) => { daysAfterFinal: number } | undefined;
  /** A public register of this kind's records (GET /v1/registry/<name>). */
  register?: RegisterDefinition<P, never>;
}

/** Identity helper that keeps the payload type through a declaration. */
export function defineKind<P>(definition: KindDefinition<P>): KindDefinition<P> {
  return definition;
}

export function defineRegister<P, Q>(register: RegisterDefinition<P, Q>): RegisterDefinition<P, never> {
  return register as unknown as RegisterDefinition<P, never>;
}

export function defineAction<P, I>(action: ActionDefinition<P, I>): ActionDefinition<P, never> {
  return action as unknown as ActionDefinition<P, never>;
}
