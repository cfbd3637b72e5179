import { randomUUID } from 'node:crypto';
import { findKind } from '../../forms/registry';
import { getBlob, putBlob } from '../adapters/blobs';
import { now as clockNow } from '../adapters/clock';
import * as mail from '../adapters/mail';
import { ConditionFailedError, TransactionRefusedError } from '../adapters/storage-errors';
import * as table from '../adapters/table';
import { config } from '../config';
import { pdfFileName } from '../documents/file-names';
import { renderMail } from '../documents/mail-render';
import { renderDocument, templateContext } from '../documents/render';
import { logger } from '../logger';
import { countMetric, METRIC } from '../metrics';
import { momentOf } from './calendar';
import { applySystemAction, childId, childItems, stateOf } from './engine';
import { AppError } from './errors';
import type { InstanceSettings } from './instance-settings';
import type {
  ChildSpec,
  Contact,
  KindDefinition,
  LinkParty,
  Recipient,
  RecordState,
  StageEffects,
} from './kind';
import { newLink } from './links';
import { type ChildSummary, type DocumentRef, keys, type OutboxItem, type StoredRecord } from './model';
import { stampRetention } from './retention';

/**
 * The outbox worker's core (DESIGN.md, "transactional outbox"). An outbox item names an effect of a committed
 * change — a stage entered, an action taken, a reminder due; this module carries it out: children, then
 * documents, then mails, and marks the item done.
 *
 * Idempotent per item. A worker first claims a lease on the item (conditional update), and every step it then
 * records is conditioned on still holding that lease, so two deliveries of the same item (stream + poll, or two
 * polls) never run it at once. Each finished step is recorded on the item before the next begins:
 *   - a child is created in the same transaction that adds its key to `childrenCreated` (its id is derived from
 *     the parent and the key, and the put is conditional, so it cannot be created twice);
 *   - a document's reference is appended to the record in the same transaction that sets `rendered[name]`
 *     (the PDF is uploaded before it under a deterministic key, so a crash before the transaction only means
 *     the same object is written again);
 *   - a mail's `sent[i]` is set right after SES accepts it.
 * The one window left: a crash (or a lost lease) after SES accepted a mail and before `sent[i]` is written sends
 * that mail again on the retry. SES has no idempotency key for SendEmail, so this cannot be closed from our side;
 * each message carries `X-Cpd-Reference: <item id>/<mail index>` so a duplicate can be recognised.
 *
 * A failed attempt is retried with exponential backoff and full jitter; after the last attempt the item is
 * parked, the record shows `deliveryFailed`, an error is logged and the `OutboxParked` metric raises the alarm.
 * Logs carry ids, kinds and error names only — never an address, a name or a payload (152-FZ).
 */

/** Attempts before an item is parked. With the backoff below the last one comes about an hour after the first. */
export const MAX_ATTEMPTS = 8;
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 15 * 60_000;
/** How long a claim keeps others away; well above the worker's Lambda timeout (50 s). */
export const LEASE_MS = 2 * 60_000;
/** A done item is kept a while for investigation, then TTL removes it. */
export const DONE_RETENTION_DAYS = 30;
/** Clock skew tolerated between the process that wrote an item and the one claiming it. */
const CLAIM_TOLERANCE_MS = 5_000;
/** Items one poll takes at most; the next poll (or the stream) takes the rest. */
const POLL_MAX_ITEMS = 200;
const POLL_PAGE = 25;
const CONCURRENCY = 4;

/**
 * Delay before attempt `attempt + 1` after `attempt` failures (attempt >= 1): "full jitter" — uniformly random
 * between 0 and min(cap, base · 2^(attempt−1)), so a burst of failures does not come back as a burst.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export interface OutboxSummary {
  /** Items claimed and worked on in this run. */
  processed: number;
  /** Items finished (all effects carried out). */
  done: number;
  sent: number;
  rendered: number;
  children: number;
  /** Attempts that failed and were scheduled again. */
  failed: number;
  parked: number;
  /** Items not claimable now: done, parked, not yet due, or leased by another worker. */
  skipped: number;
}

export function emptySummary(): OutboxSummary {
  return { processed: 0, done: 0, sent: 0, rendered: 0, children: 0, failed: 0, parked: 0, skipped: 0 };
}

function add(into: OutboxSummary, from: OutboxSummary): OutboxSummary {
  for (const key of Object.keys(into) as (keyof OutboxSummary)[]) into[key] += from[key];
  return into;
}

/** Another worker took the item over (our lease expired and was re-claimed): stop without recording anything. */
class LeaseLostError extends Error {
  constructor() {
    super('Outbox lease lost');
    this.name = 'LeaseLostError';
  }
}

/** A mistake in a kind's declaration or templates that no retry can fix; still retried, then parked and alarmed. */
class DeclarationError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'DeclarationError';
    this.code = code;
  }
}

/** What a log line and `lastError` may say about a failure: its name and our code, never its message (it may quote an address). */
function errorCode(error: unknown): string {
  if (error instanceof DeclarationError) return `${error.name}:${error.code}`;
  if (error instanceof Error) {
    // Network failures are all plain `Error`s; their system code (ECONNREFUSED, ETIMEDOUT) tells them apart.
    const system = (error as { code?: unknown }).code;
    const name = error.name || 'Error';
    return typeof system === 'string' && /^E[A-Z]+$/.test(system) ? `${name}:${system}` : name;
  }
  return 'Unknown';
}

interface MailPlan {
  /** Template path under templates/email/, without extension. */
  template: string;
  to: Recipient;
  attach: string[];
  link?: { party: LinkParty; actions: string[]; validUntil?: (record: RecordState) => string | undefined };
  /** Extra template context (reminders: when the reminder went). */
  extra?: Record<string, unknown>;
  /** Not for this record (MailEffect.when): the slot stays, so the other mails keep their indexes. */
  skip?: boolean;
}

interface Plan {
  children: ChildSpec[];
  documents: string[];
  mails: MailPlan[];
  /** System actions on existing children, decided when the item runs (from the children as they are then). */
  childActions?: StageEffects<unknown>['childActions'];
}

const MAILBOXES = {
  'operator-mailbox': 'operator',
  'centre-mailbox': 'centre',
  'supervisor-mailbox': 'supervisor',
} as const;

function isMailbox(to: Recipient): to is keyof typeof MAILBOXES {
  return to in MAILBOXES;
}

function fromStageEffects(
  kind: KindDefinition<unknown>,
  effects: StageEffects<unknown> | undefined,
  state: RecordState,
): Plan {
  return {
    children: effects?.children?.(state) ?? [],
    childActions: effects?.childActions,
    documents: effects?.documents ?? [],
    mails: (effects?.mails ?? []).map((m) => ({
      template: `${kind.kind}/${m.template}`,
      to: m.to,
      attach: m.attach ?? [],
      link: m.link,
      ...(m.when && !m.when(state) ? { skip: true } : {}),
    })),
  };
}

/** Actions a link party may take in a stage: what a reminder's link lets them do. */
function partyActions(kind: KindDefinition<unknown>, stage: string, party: LinkParty): string[] {
  return Object.entries(kind.actions)
    .filter(
      ([, a]) =>
        a.from.includes(stage) &&
        a.by.some((b) => typeof b === 'object' && 'party' in b && b.party === party),
    )
    .map(([name]) => name);
}

/** What an item asks for, from the kind's declaration (the item stores only the reference, never the effects). */
function planOf(
  kind: KindDefinition<unknown>,
  item: OutboxItem,
  record: StoredRecord,
  settings: InstanceSettings,
): Plan {
  const state = stateOf(record);
  const effect = item.effect;
  if (effect.type === 'notice') {
    // A notice is moot once the record left the stage, or when the record no longer gives it (an activity
    // marked done before its end date).
    const notice =
      record.stage === effect.stage
        ? kind.stages[effect.stage]?.notices?.(state, settings).find((n) => n.key === effect.key)
        : undefined;
    if (!notice) return { children: [], documents: [], mails: [] };
    const plan = fromStageEffects(kind, { mails: notice.mails }, state);
    plan.mails = plan.mails.map((m) => ({ ...m, extra: { ...m.extra, notice: notice.data ?? {} } }));
    return plan;
  }
  // Stamping the expiry on the record's items is the item's whole work (ItemRun.run).
  if (effect.type === 'retention') return { children: [], documents: [], mails: [] };
  if (effect.type === 'enter-stage') {
    const stage = kind.stages[effect.stage];
    if (!stage) throw new DeclarationError('unknown-stage', `${kind.kind} declares no stage ${effect.stage}`);
    return fromStageEffects(kind, stage.onEnter, state);
  }
  if (effect.type === 'action') {
    const action = kind.actions[effect.action];
    if (!action)
      throw new DeclarationError('unknown-action', `${kind.kind} declares no action ${effect.action}`);
    return fromStageEffects(kind, action.effects, state);
  }
  // A reminder is moot once the record moved on (an action was taken after the deadline worker queued it).
  if (record.stage !== effect.stage || record.version !== effect.version)
    return { children: [], documents: [], mails: [] };
  const stage = kind.stages[effect.stage];
  if (!stage) throw new DeclarationError('unknown-stage', `${kind.kind} declares no stage ${effect.stage}`);
  // No responsible party declared: the reminder goes where an escalation would, rather than nowhere. A stage
  // may name who hears of an unanswered reminder instead of the supervisor (a consent: the school head).
  const escalation =
    effect.to === 'supervisor' ? (stage.escalation ?? { to: 'supervisor-mailbox' as const }) : undefined;
  const to: Recipient = escalation ? escalation.to : (stage.responsible ?? 'supervisor-mailbox');
  const actions = isMailbox(to) ? [] : partyActions(kind, effect.stage, to);
  const template = escalation
    ? escalation.template
      ? `${kind.kind}/${escalation.template}`
      : 'common/escalation'
    : stage.reminderTemplate
      ? `${kind.kind}/${stage.reminderTemplate}`
      : 'common/reminder';
  return {
    children: [],
    documents: [],
    mails: [
      {
        template,
        to,
        attach: [],
        link: !isMailbox(to) && actions.length > 0 ? { party: to, actions } : undefined,
        extra: { remindedAt: record.remindedAt, escalatedAt: record.escalatedAt },
      },
    ],
  };
}

function contactOf(
  kind: KindDefinition<unknown>,
  state: RecordState,
  to: Recipient,
  settings: InstanceSettings,
): (Contact & { party?: LinkParty }) | undefined {
  if (isMailbox(to)) return { email: settings.mailboxes[MAILBOXES[to]] };
  const contact = kind.contacts[to]?.(state);
  return contact ? { ...contact, party: to } : undefined;
}

/** The end of the local day a mail's link is declared valid until, if any (MailEffect.link.validUntil). */
function linkValidity(plan: MailPlan, state: RecordState, settings: InstanceSettings): string | undefined {
  const date = plan.link?.validUntil?.(state);
  return date ? momentOf(date, settings) : undefined;
}

/** Everything one claimed item needs while it runs. */
class ItemRun {
  readonly summary = emptySummary();
  private readonly pdfs = new Map<string, Uint8Array>();
  private readonly key: table.Key;
  private readonly settings = config().instance;

  constructor(
    private item: OutboxItem,
    private readonly lease: string,
    private readonly kind: KindDefinition<unknown>,
    private record: StoredRecord,
  ) {
    this.key = keys.outbox(item.id);
  }

  private leaseCondition(): table.Expression {
    return {
      expression: '#lease = :lease',
      names: { '#lease': 'leaseUntil' },
      values: { ':lease': this.lease },
    };
  }

  /** An update of the item that only lands while we hold the lease. */
  private async updateItem(set: table.Expression): Promise<void> {
    try {
      this.item = (await table.update(this.key, set, this.leaseCondition())) as unknown as OutboxItem;
    } catch (error) {
      if (error instanceof ConditionFailedError) throw new LeaseLostError();
      throw error;
    }
  }

  async run(): Promise<void> {
    if (this.item.effect.type === 'retention') {
      // A3 4.5.4: history, children, links — everything of the record expires with it.
      if (this.record.expiresAt) await stampRetention(this.record.id, this.record.expiresAt);
      return;
    }
    const plan = planOf(this.kind, this.item, this.record, this.settings);
    for (const spec of plan.children) await this.createChild(spec);
    if (plan.childActions) await this.takeChildActions(plan.childActions);
    for (const name of plan.documents) if (this.hasDocument(name)) await this.renderOne(name);
    for (const [index, mailPlan] of plan.mails.entries()) await this.sendOne(index, mailPlan);
  }

  /**
   * System actions on children, one transaction each (through the engine, so a child's own effects and its
   * parent's side follow). Each done action is noted on the item; a child where the action is no longer allowed
   * (it was answered meanwhile) is skipped.
   */
  private async takeChildActions(decide: NonNullable<Plan['childActions']>): Promise<void> {
    const summaries = (await table.queryAll({
      partition: keys.record(this.record.id).pk,
      sort: { beginsWith: keys.childPrefix },
    })) as unknown as ChildSummary[];
    const children = summaries.map((c) => ({ id: c.id, kind: c.kind, key: c.key, stage: c.stage }));
    for (const planned of decide(stateOf(this.record), children)) {
      const mark = `${planned.key}:${planned.action}`;
      if (this.item.childActionsDone?.includes(mark)) continue;
      try {
        await applySystemAction(childId(this.record.id, planned.key), planned.action, planned.input ?? {});
      } catch (error) {
        const moot = error instanceof AppError && (error.code === 'rule' || error.code === 'not-found');
        if (!moot) throw error;
      }
      await this.updateItem({
        expression: 'SET #done = list_append(if_not_exists(#done, :none), :mark)',
        names: { '#done': 'childActionsDone' },
        values: { ':none': [], ':mark': [mark] },
      });
      this.item.childActionsDone = [...(this.item.childActionsDone ?? []), mark];
    }
  }

  private async createChild(spec: ChildSpec): Promise<void> {
    if (this.item.childrenCreated?.includes(spec.key)) return;
    const mark: table.TransactItem = {
      update: this.key,
      set: {
        expression: 'SET #created = list_append(if_not_exists(#created, :none), :key)',
        names: { '#created': 'childrenCreated' },
        values: { ':none': [], ':key': [spec.key] },
      },
      condition: this.leaseCondition(),
    };
    const items = childItems(this.record, spec, clockNow());
    try {
      await table.transactWrite([...items, mark]);
      this.summary.children += 1;
    } catch (error) {
      if (!(error instanceof TransactionRefusedError) || error.conflict) throw error;
      if (error.failedIndexes.includes(items.length)) throw new LeaseLostError();
      // The child's record exists already (its id is derived from the key): it was made; note that and go on.
      await this.updateItem(mark.set);
    }
    this.item.childrenCreated = [...(this.item.childrenCreated ?? []), spec.key];
  }

  /** A declared document whose `when` says the record has none (a passport for a topic not given) is skipped. */
  private hasDocument(name: string): boolean {
    const when = this.kind.documents[name]?.when;
    return when ? when(stateOf(this.record)) : true;
  }

  private documentKey(name: string): string {
    return `records/${this.record.id}/${name}-v${this.item.effect.version}.pdf`;
  }

  private async renderOne(name: string): Promise<void> {
    if (this.item.rendered?.[name]) return;
    const definition = this.kind.documents[name];
    if (!definition)
      throw new DeclarationError('unknown-document', `${this.kind.kind} declares no document ${name}`);
    const state = stateOf(this.record);
    const bytes = await renderDocument(this.kind, name, state, this.settings);
    const key = this.documentKey(name);
    await putBlob({
      key,
      body: bytes,
      contentType: 'application/pdf',
      // Documents of a record with a retention end are tagged; they are deleted at that end by the deadline
      // worker (core/retention.ts), since a lifecycle rule counts from each object's creation, not from the record's end.
      tags: this.record.expiresAt ? { retention: 'record', kind: this.kind.kind } : undefined,
    });
    const owner =
      definition.audience.length === 1
        ? this.kind.contacts[definition.audience[0]!]?.(state)?.email
        : undefined;
    const ref: DocumentRef = {
      id: randomUUID(),
      name,
      title: definition.title,
      fileName: definition.fileName(state),
      createdAt: clockNow().toISOString(),
      key,
      version: this.item.effect.version,
      audience: definition.audience,
      ...(owner ? { owner } : {}),
    };
    // The reference and the mark land together: a re-run cannot list the document twice. The record's version
    // is not bumped — a rendered document is not a change anybody made.
    try {
      await table.transactWrite([
        {
          update: keys.record(this.record.id),
          set: {
            expression: 'SET #docs = list_append(if_not_exists(#docs, :none), :ref)',
            names: { '#docs': 'documents' },
            values: { ':none': [], ':ref': [ref] },
          },
          condition: { expression: 'attribute_exists(pk)' },
        },
        {
          update: this.key,
          set: {
            expression: 'SET #rendered.#name = :id',
            names: { '#rendered': 'rendered', '#name': name },
            values: { ':id': ref.id },
          },
          condition: this.leaseCondition(),
        },
      ]);
    } catch (error) {
      if (error instanceof TransactionRefusedError && error.failedIndexes.includes(1))
        throw new LeaseLostError();
      throw error;
    }
    this.record.documents = [...(this.record.documents ?? []), ref];
    this.item.rendered = { ...this.item.rendered, [name]: ref.id };
    this.pdfs.set(name, bytes);
    this.summary.rendered += 1;
  }

  /** The document of that name this item rendered, or else the record's latest one (an action attaching an earlier document). */
  private documentRef(name: string): DocumentRef {
    const id = this.item.rendered?.[name];
    const byId = id ? this.record.documents.find((d) => d.id === id) : undefined;
    const latest = this.record.documents
      .filter((d) => d.name === name)
      .sort((a, b) => a.version - b.version || (a.createdAt < b.createdAt ? -1 : 1));
    const ref = byId ?? latest[latest.length - 1];
    if (!ref)
      throw new DeclarationError(
        'attachment-missing',
        `${this.kind.kind}: no rendered document ${name} to attach`,
      );
    return ref;
  }

  private async attachment(name: string, to: Contact & { party?: LinkParty }): Promise<mail.MailAttachment> {
    const ref = this.documentRef(name);
    // A2 6.3: a document goes only to the parties of its audience (staff mailboxes see everything), and a
    // personal one only to its owner. A declaration that says otherwise is refused, not obeyed.
    if (to.party && (!ref.audience.includes(to.party) || (ref.owner && ref.owner !== to.email))) {
      throw new DeclarationError(
        'attachment-not-for-recipient',
        `${this.kind.kind}: ${name} is not for ${to.party}`,
      );
    }
    const bytes = this.pdfs.get(name) ?? (await getBlob(ref.key))?.body;
    if (!bytes) throw new Error(`Document object missing: ${ref.key}`);
    return { filename: pdfFileName(ref.fileName), content: bytes, contentType: 'application/pdf' };
  }

  private async sendOne(index: number, plan: MailPlan): Promise<void> {
    const slot = String(index);
    if (this.item.sent?.[slot] || plan.skip) return;
    const state = stateOf(this.record);
    const to = contactOf(this.kind, state, plan.to, this.settings);
    if (!to) {
      // Nobody to write to (an optional contact left empty): nothing a retry could change.
      logger.warn('Outbox mail has no recipient', {
        outboxId: this.item.id,
        recordId: this.record.id,
        kind: this.kind.kind,
        recipient: plan.to,
      });
      await this.markSent(slot, 'no-recipient');
      return;
    }
    const attachments = [];
    for (const name of plan.attach) {
      if (this.hasDocument(name)) attachments.push(await this.attachment(name, to));
    }

    let link: string | undefined;
    let linkValidUntil: string | undefined;
    if (plan.link) {
      const holder =
        plan.link.party === to.party ? to : contactOf(this.kind, state, plan.link.party, this.settings);
      if (!holder)
        throw new DeclarationError(
          'link-without-contact',
          `${this.kind.kind}: no contact for ${plan.link.party}`,
        );
      const issued = newLink({
        recordId: this.record.id,
        kind: this.kind.kind,
        party: plan.link.party,
        email: holder.email,
        actions: plan.link.actions,
        now: clockNow(),
        ttlDays: this.settings.linkTtlDays,
        recordExpiresAt: this.record.expiresAt,
        validAtLeastUntil: linkValidity(plan, state, this.settings),
      });
      // A link written before a send that then fails is never handed out; it just expires.
      await table.put(issued.item as unknown as table.Item);
      await table.put(issued.ref as unknown as table.Item);
      link = `${config().appUrl}/l/${issued.token}`;
      linkValidUntil = issued.item.validUntil;
    }

    const rendered = await renderMail(plan.template, {
      ...templateContext(this.kind, state, this.settings),
      recipient: { name: to.name, party: to.party },
      appUrl: config().appUrl,
      link,
      linkValidUntil,
      ...plan.extra,
    });
    const messageId = await mail.sendMail({
      to: [{ address: to.email, name: to.name }],
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      attachments,
      reference: `${this.item.id}/${slot}`,
    });
    // Recorded at once: from here on a retry must not send this mail again (see the window in the header).
    await this.markSent(slot, messageId || 'sent');
    this.summary.sent += 1;
  }

  private async markSent(slot: string, value: string): Promise<void> {
    await this.updateItem({
      expression: 'SET #sent.#slot = :id',
      names: { '#sent': 'sent', '#slot': slot },
      values: { ':id': value },
    });
  }
}

/** The item is finished: out of the pending index, kept a while for investigation, then removed by TTL. */
async function markDone(id: string, lease: string): Promise<void> {
  const now = clockNow();
  try {
    await table.update(
      keys.outbox(id),
      {
        expression:
          'SET #status = :done, #expiresAt = :expires REMOVE #outboxPk, #outboxSk, #lease, #lastError',
        names: {
          '#status': 'status',
          '#expiresAt': 'expiresAt',
          '#outboxPk': 'outboxPk',
          '#outboxSk': 'outboxSk',
          '#lastError': 'lastError',
        },
        values: {
          ':done': 'done',
          ':expires': Math.floor(now.getTime() / 1000) + DONE_RETENTION_DAYS * 86_400,
        },
      },
      { expression: '#lease = :lease', names: { '#lease': 'leaseUntil' }, values: { ':lease': lease } },
    );
  } catch (error) {
    if (error instanceof ConditionFailedError) throw new LeaseLostError();
    throw error;
  }
}

/** A worker claimed the item and never finished: killed, timed out (Lambda), or slower than its lease. */
class WorkerLostError extends Error {
  constructor() {
    super('The previous worker on this item did not finish within its lease');
    this.name = 'WorkerLost';
  }
}

type Claim = { item: OutboxItem; lease: string; lost?: true };

/**
 * Claim the item for LEASE_MS if it is pending and due and nobody holds it. An item whose lease ran out was
 * taken by a worker that never came back: that attempt failed (`lost`), and is counted like any other failure,
 * so an item that kills every worker taking it is parked in the end instead of being retried for ever.
 */
async function claim(id: string): Promise<Claim | undefined> {
  const now = clockNow();
  const lease = new Date(now.getTime() + LEASE_MS).toISOString();
  const take = async (leaseCondition: string, values: Record<string, string> = {}) => {
    try {
      const item = await table.update(
        keys.outbox(id),
        {
          expression:
            'SET #lease = :lease, #rendered = if_not_exists(#rendered, :map), #sent = if_not_exists(#sent, :map), #created = if_not_exists(#created, :list)',
          names: { '#rendered': 'rendered', '#sent': 'sent', '#created': 'childrenCreated' },
          values: { ':lease': lease, ':map': {}, ':list': [] },
        },
        {
          expression: `#status = :pending AND #next <= :due AND ${leaseCondition}`,
          names: { '#status': 'status', '#next': 'nextAttemptAt', '#lease': 'leaseUntil' },
          values: {
            ':pending': 'pending',
            ':due': new Date(now.getTime() + CLAIM_TOLERANCE_MS).toISOString(),
            ...values,
          },
        },
      );
      return item as unknown as OutboxItem;
    } catch (error) {
      if (error instanceof ConditionFailedError) return undefined;
      throw error;
    }
  };
  const free = await take('attribute_not_exists(#lease)');
  if (free) return { item: free, lease };
  const abandoned = await take('#lease < :now', { ':now': now.toISOString() });
  return abandoned ? { item: abandoned, lease, lost: true } : undefined;
}

async function recordFailure(item: OutboxItem, lease: string, error: unknown): Promise<'failed' | 'parked'> {
  const now = clockNow();
  const attempts = (item.attempts ?? 0) + 1;
  const code = errorCode(error);
  const context = {
    outboxId: item.id,
    recordId: item.recordId,
    kind: item.kind,
    effect: item.effect.type,
    attempts,
    error: code,
  };
  const condition: table.Expression = {
    expression: '#lease = :lease',
    names: { '#lease': 'leaseUntil' },
    values: { ':lease': lease },
  };
  try {
    if (attempts >= MAX_ATTEMPTS) {
      await table.update(
        keys.outbox(item.id),
        {
          expression:
            'SET #status = :parked, #attempts = :attempts, #lastError = :error REMOVE #outboxPk, #outboxSk, #lease',
          names: {
            '#status': 'status',
            '#attempts': 'attempts',
            '#lastError': 'lastError',
            '#outboxPk': 'outboxPk',
            '#outboxSk': 'outboxSk',
          },
          values: { ':parked': 'parked', ':attempts': attempts, ':error': code },
        },
        condition,
      );
      try {
        await table.update(
          keys.record(item.recordId),
          {
            expression: 'SET #failed = :yes',
            names: { '#failed': 'deliveryFailed' },
            values: { ':yes': true },
          },
          { expression: 'attribute_exists(pk)' },
        );
      } catch (e) {
        if (!(e instanceof ConditionFailedError)) throw e;
      }
      logger.error('Outbox item parked after its last attempt', context);
      countMetric(METRIC.outboxParked);
      return 'parked';
    }
    const next = new Date(now.getTime() + backoffDelayMs(attempts)).toISOString();
    await table.update(
      keys.outbox(item.id),
      {
        expression:
          'SET #attempts = :attempts, #lastError = :error, #next = :next, #outboxSk = :sk REMOVE #lease',
        names: {
          '#attempts': 'attempts',
          '#lastError': 'lastError',
          '#next': 'nextAttemptAt',
          '#outboxSk': 'outboxSk',
        },
        values: { ':attempts': attempts, ':error': code, ':next': next, ':sk': `${next}#${item.id}` },
      },
      condition,
    );
    logger.warn('Outbox item failed; retrying later', { ...context, nextAttemptAt: next });
    return 'failed';
  } catch (e) {
    // Someone re-claimed the item meanwhile: their run decides its fate.
    if (e instanceof ConditionFailedError) return 'failed';
    throw e;
  }
}

/** Process one outbox item by id, if it can be claimed now. */
export async function processOutboxItem(id: string): Promise<OutboxSummary> {
  const summary = emptySummary();
  const claimed = await claim(id);
  if (!claimed) {
    summary.skipped = 1;
    return summary;
  }
  summary.processed = 1;
  const { item, lease } = claimed;
  if (claimed.lost) {
    // Its retry comes after the backoff, as after any failed attempt.
    summary[await recordFailure(item, lease, new WorkerLostError())] += 1;
    return summary;
  }
  let run: ItemRun | undefined;
  try {
    const kind = findKind(item.kind);
    if (!kind) throw new DeclarationError('unknown-kind', `No kind ${item.kind}`);
    const record = (await table.get(keys.record(item.recordId))) as StoredRecord | undefined;
    if (record) {
      run = new ItemRun(item, lease, kind, record);
      await run.run();
    } else {
      // The record is gone (retention): nothing left to announce.
      logger.warn('Outbox item for a missing record; marking done', {
        outboxId: item.id,
        recordId: item.recordId,
        kind: item.kind,
      });
    }
    await markDone(item.id, lease);
    if (run) add(summary, run.summary);
    summary.done = 1;
  } catch (error) {
    if (run) add(summary, run.summary);
    if (error instanceof LeaseLostError) {
      logger.warn('Outbox lease lost; another worker continues', {
        outboxId: item.id,
        recordId: item.recordId,
      });
      return summary;
    }
    summary[await recordFailure(item, lease, error)] += 1;
  }
  return summary;
}

/** Process the given items (the table stream hands us the ids of inserted outbox items). */
export async function processOutboxItems(ids: string[]): Promise<OutboxSummary> {
  const summary = emptySummary();
  const queue = [...new Set(ids)];
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift())
      add(summary, await processOutboxItem(id));
  });
  await Promise.all(workers);
  return summary;
}

/**
 * Poll the pending items that are due (GSI `outbox`, partition PENDING, sort key <= now) — the only driver
 * locally and on services without streams, and the safety net behind the stream in AWS.
 */
export async function pollOutbox(
  options: { maxItems?: number; deadline?: number } = {},
): Promise<OutboxSummary> {
  const summary = emptySummary();
  const maxItems = options.maxItems ?? POLL_MAX_ITEMS;
  // Everything whose next attempt is at or before now: `<now>#\uffff` sorts after every `<now>#<id>`.
  const upTo = `${clockNow().toISOString()}#\uffff`;
  let cursor: string | undefined;
  let taken = 0;
  do {
    if (options.deadline !== undefined && Date.now() >= options.deadline) break;
    const page = await table.query({
      index: 'outbox',
      partition: keys.outboxPending,
      sort: { lte: upTo },
      limit: Math.min(POLL_PAGE, maxItems - taken),
      cursor,
    });
    const ids = page.items.map((i) => String(i.id));
    taken += ids.length;
    add(summary, await processOutboxItems(ids));
    cursor = page.cursor;
  } while (cursor && taken < maxItems);
  return summary;
}
