import type { Caller } from './caller';
import { AppError } from './errors';
import type { ActionDefinition, KindDefinition, LinkParty, StaffRole } from './kind';
import type { StoredRecord } from './model';
import { keys } from './model';

/**
 * Who may see and do what. Everything not declared is denied: a kind lists the staff roles that see it, an
 * action lists who may take it, a link carries its own actions.
 */

/** The staff roles through which a staff caller sees this record (a curator only their assigned records). */
export function staffRolesFor(
  caller: Extract<Caller, { type: 'staff' }>,
  kind: KindDefinition<unknown>,
  record: Pick<StoredRecord, 'assigneePk'> | undefined,
): StaffRole[] {
  return caller.roles.filter((role) => {
    if (role === 'admin') return true;
    if (!kind.staff.includes(role)) return false;
    if (role === 'curator')
      return record !== undefined && record.assigneePk === keys.assigneePk(caller.email);
    return true;
  });
}

/**
 * Throws unless the caller may see the record: 401 without credentials, 403 for a link of another record,
 * 404 for staff who may not know it exists.
 */
export function assertCanSee(caller: Caller, kind: KindDefinition<unknown>, record: StoredRecord): void {
  if (caller.type === 'system') return;
  if (caller.type === 'anonymous')
    throw new AppError('unauthenticated', 'Войдите или откройте ссылку из письма');
  if (caller.type === 'link') {
    if (caller.recordId !== record.id) throw new AppError('forbidden', 'Эта ссылка выдана для другой записи');
    return;
  }
  if (staffRolesFor(caller, kind, record).length === 0) throw new AppError('not-found', 'Запись не найдена');
}

export type ActingAs =
  | { kind: 'staff'; role: StaffRole; email: string }
  | { kind: 'link'; party: LinkParty; email: string }
  | { kind: 'system' };

/** The capacity in which the caller may take the action, or undefined. */
export function actingAs(
  caller: Caller,
  kind: KindDefinition<unknown>,
  record: StoredRecord,
  actionName: string,
  action: ActionDefinition<unknown, never>,
): ActingAs | undefined {
  if (caller.type === 'system') return action.by.includes('system') ? { kind: 'system' } : undefined;
  if (caller.type === 'link') {
    if (caller.recordId !== record.id || !caller.actions.includes(actionName)) return undefined;
    const allowed = action.by.some((a) => typeof a === 'object' && 'party' in a && a.party === caller.party);
    return allowed ? { kind: 'link', party: caller.party, email: caller.email } : undefined;
  }
  if (caller.type === 'staff') {
    const roles = staffRolesFor(caller, kind, record);
    const role = roles.find((r) =>
      action.by.some((a) => typeof a === 'object' && 'role' in a && a.role === r),
    );
    return role ? { kind: 'staff', role, email: caller.email } : undefined;
  }
  return undefined;
}

/** Actions this caller could take on the record now (API.md `allowedActions`). */
export function allowedActions(
  caller: Caller,
  kind: KindDefinition<unknown>,
  record: StoredRecord,
): string[] {
  return Object.entries(kind.actions)
    .filter(([, a]) => a.from.includes(record.stage))
    .filter(([name, a]) => actingAs(caller, kind, record, name, a) !== undefined)
    .map(([name]) => name);
}
