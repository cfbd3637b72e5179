import { kinds } from '../../forms/registry';
import type { KindDefinition, LinkParty, StaffRole } from '../../functions/core/kind';

/**
 * The access rules as the declarations state them (forms/<kind>/workflow.ts through functions/core/kind.ts), worked
 * out independently of functions/core/access.ts so the access matrix can hold the running stack to them: who may
 * see a record of a kind, take an action, read a document, create a record, open the queue and the reports.
 * API.md gives the answer for each refusal: 401 without a valid credential, 403 for an authenticated caller who may
 * not (a link of another record included), 404 for staff who may not know the record exists.
 */

export const STAFF_ROLES: StaffRole[] = ['operator', 'centre', 'curator', 'admin'];

/** Who calls, as the matrix sees them. */
export type MatrixCaller =
  | { type: 'anonymous' }
  /** One staff role; `assigned` when the record's assignee (a curator's route) is this staff member. */
  | { type: 'staff'; role: StaffRole; assigned: boolean }
  /** A mailed link: issued for `recordId`, for `party`, carrying `actions`; `expired` once its validity ended. */
  | { type: 'link'; party: LinkParty; actions: string[]; recordId: string; expired: boolean };

export function describeCaller(c: MatrixCaller, recordId?: string): string {
  if (c.type === 'anonymous') return 'anonymous';
  if (c.type === 'staff') return `staff ${c.role}${c.assigned ? ' (assignee)' : ''}`;
  const whose = c.expired ? 'expired' : c.recordId === recordId ? 'own' : 'other record';
  return `link ${c.party}[${c.actions.join(',')}] ${whose}`;
}

/** An authorised action probed with a stale If-Match: the version check comes after every access check. */
export const AUTHORISED_ACTION = 409;

/** 401/403 before anything else: no credential, an expired one, or a link of another record. */
function credentialRefusal(c: MatrixCaller, recordId: string): number | undefined {
  if (c.type === 'anonymous') return 401;
  if (c.type === 'link' && c.expired) return 401;
  if (c.type === 'link' && c.recordId !== recordId) return 403;
  return undefined;
}

/** Whether a staff role sees records of the kind (the kind's `staff`, a curator only what is assigned to them). */
export function staffSees(kind: KindDefinition<unknown>, role: StaffRole, assigned: boolean): boolean {
  if (role === 'admin') return true;
  if (!kind.staff.includes(role)) return false;
  return role !== 'curator' || assigned;
}

/** GET /v1/submissions/{id} and its history. */
export function expectedRead(kind: KindDefinition<unknown>, recordId: string, c: MatrixCaller): number {
  const refused = credentialRefusal(c, recordId);
  if (refused) return refused;
  if (c.type === 'staff') return staffSees(kind, c.role, c.assigned) ? 200 : 404;
  return 200;
}

/** POST /v1/submissions/{id}/actions/{action}: the action's `by` and, for a link, the actions it carries. */
export function expectedAction(
  kind: KindDefinition<unknown>,
  recordId: string,
  actionName: string,
  c: MatrixCaller,
): number {
  const refused = credentialRefusal(c, recordId);
  if (refused) return refused;
  const action = kind.actions[actionName]!;
  if (c.type === 'staff') {
    if (!staffSees(kind, c.role, c.assigned)) return 404;
    return action.by.some((a) => typeof a === 'object' && 'role' in a && a.role === c.role)
      ? AUTHORISED_ACTION
      : 403;
  }
  if (c.type !== 'link') return 401;
  const byParty = action.by.some((a) => typeof a === 'object' && 'party' in a && a.party === c.party);
  return byParty && c.actions.includes(actionName) ? AUTHORISED_ACTION : 403;
}

/** Actions the caller may take in the record's stage now (API.md `allowedActions`). */
export function expectedAllowedActions(
  kind: KindDefinition<unknown>,
  record: { id: string; stage: string },
  c: MatrixCaller,
): string[] {
  return Object.entries(kind.actions)
    .filter(([, a]) => a.from.includes(record.stage))
    .filter(([name]) => expectedAction(kind, record.id, name, c) === AUTHORISED_ACTION)
    .map(([name]) => name);
}

/**
 * GET /v1/submissions/{id}/documents/{docId}: staff who see the record, and link parties in the document's
 * `audience` (A2 6.3: results list the participant alone); anyone else may not know of the document.
 */
export function expectedDocument(
  kind: KindDefinition<unknown>,
  recordId: string,
  documentName: string,
  c: MatrixCaller,
): number {
  const read = expectedRead(kind, recordId, c);
  if (read !== 200) return read;
  if (c.type === 'link') return kind.documents[documentName]!.audience.includes(c.party) ? 302 : 404;
  return 302;
}

/** POST /v1/submissions/{kind} with an empty body: 400 (validation) means the caller got past the access checks. */
export function expectedCreate(kind: KindDefinition<unknown>, c: MatrixCaller): number {
  if (c.type === 'link' && c.expired) return 401;
  if (kind.createdBy === 'parent') return 403;
  if (kind.createdBy === 'public') return 400;
  if (c.type !== 'staff') return 401;
  return c.role === 'admin' || kind.createdBy.includes(c.role) ? 400 : 403;
}

/** GET /v1/submissions[?kind=]: staff only; with a kind, a role that sees that kind. */
export function expectedQueue(kindName: string | undefined, c: MatrixCaller): number {
  if (c.type !== 'staff') return 401;
  if (!kindName) return 200;
  const kind = kinds.find((k) => k.kind === kindName)!;
  return c.role === 'admin' || kind.staff.includes(c.role) ? 200 : 403;
}

/** Roles that see the records a staff report reads: the report is theirs (and the administrator's). */
export function reportRoles(report: string): StaffRole[] {
  const roles = new Set<StaffRole>(['admin']);
  for (const kind of kinds) if (kind.reports?.[report]) for (const r of kind.staff) roles.add(r);
  return [...roles];
}

/** GET /v1/reports/{report}: 401 without a credential, 403 for anyone but the roles of the report's kinds. */
export function expectedReport(report: string, c: MatrixCaller): number {
  if (c.type === 'anonymous' || (c.type === 'link' && c.expired)) return 401;
  if (c.type === 'staff' && reportRoles(report).includes(c.role)) return 200;
  return 403;
}

/** Open to anyone (forms, the public register, health, OpenAPI) — unless a credential is given and invalid. */
export function expectedPublic(c: MatrixCaller): number {
  return c.type === 'link' && c.expired ? 401 : 200;
}

/**
 * Link parties each kind can hand a link to: the creator's party and every mail with a link, on entering a stage
 * or as the effect of an action.
 */
export function declaredLinkParties(kind: KindDefinition<unknown>): LinkParty[] {
  const parties = new Set<LinkParty>();
  if (kind.creatorParty) parties.add(kind.creatorParty);
  const effects = [
    ...Object.values(kind.stages).map((s) => s.onEnter),
    ...Object.values(kind.actions).map((a) => a.effects),
  ];
  for (const e of effects) for (const m of e?.mails ?? []) if (m.link) parties.add(m.link.party);
  return [...parties];
}

/**
 * Kinds that carry a participant's results (A2 6.3): a document only the participant may read, or an action that
 * issues results for participants of the record.
 */
export function kindsWithResults(): KindDefinition<unknown>[] {
  return kinds.filter(
    (k) =>
      Object.values(k.documents).some((d) => d.audience.length === 1 && d.audience[0] === 'participant') ||
      'issueResults' in k.actions,
  );
}
