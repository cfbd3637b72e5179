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

export interface MailEffect {
  /** templates/email/<kind>/<template>.hbs */
  template: string;
  to: Recipient;
  /** Documents (by name) attached as PDFs. */
  attach?: string[];
  /** Issue the recipient a party link with these actions and put its URL in the mail. */
  link?: { party: LinkParty; actions: string[] };
}

/** What happens when a record enters a stage; carried out by the outbox worker, never inside the request. */
export interface StageEffects<P = unknown> {
  /** Documents to render (by name) before the mails go. */
  documents?: string[];
  mails?: MailEffect[];
  /** Children to create (many at once, e.g. one consent per participant), idempotently by key. */
  children?: (record: RecordState<P>) => ChildSpec[];
}

export interface StageDefinition<P = unknown> {
  title: string;
  final?: boolean;
  /** Who must act next; reminded when the deadline passes, then escalated to the supervisor mailbox. */
  responsible?: Recipient;
  deadline?: DeadlineRule<P>;
  onEnter?: StageEffects<P>;
  /** An action the system takes by itself at a moment the record names (A4 3.11: the status expires). */
  timed?: { action: string; at: (record: RecordState<P>) => string | undefined };
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
  /** Effects of the action itself, besides those of the stage it enters (e.g. a mail on `reschedule`). */
  effects?: StageEffects<P>;
  /** A comment recorded in the history (shown to those who may see the history). */
  comment?: (ctx: ActionContext<P, I>) => string | undefined;
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
  enums?: Record<string, Record<string, string>>;
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
  ) => { action: string; input: unknown } | undefined;
  /** Text the staff queue's `q` matches (number, surname, organisation), lower-cased by the engine. */
  searchText?: (record: RecordState<P>) => string;
  /** What a party sees of the payload (A2 6.3: others' results are removed). Staff see everything. */
  redact?: (payload: P, viewer: { party: LinkParty; email: string }) => P;
  /** Delete the record and its items this long after it reaches a final stage (A3 4.5.4). */
  retention?: (settings: InstanceSettings) => { daysAfterFinal: number } | undefined;
}

/** Identity helper that keeps the payload type through a declaration. */
export function defineKind<P>(definition: KindDefinition<P>): KindDefinition<P> {
  return definition;
}

export function defineAction<P, I>(action: ActionDefinition<P, I>): ActionDefinition<P, never> {
  return action as unknown as ActionDefinition<P, never>;
}
