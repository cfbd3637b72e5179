import { randomUUID } from 'node:crypto';
import { PERSONAL_DATA_CONSENT } from '../../forms/common/personal-data';
import { findKind } from '../../forms/registry';
import { put } from '../../functions/adapters/table';
import type { KindDefinition, LinkParty } from '../../functions/core/kind';
import { newLink } from '../../functions/core/links';
import type { StoredRecord } from '../../functions/core/model';
import { collectiveRequest, today } from '../support/diagnostics-fixtures';
import { diagnosticsRequest } from '../support/fixtures';
import { internshipApplication } from '../support/internship-fixtures';
import { routeFixture } from '../support/routes';
import { addDays } from './arbitraries';

/** A payload of each kind that an action may find (the kinds' own fixtures, parsed as the engine stores them). */
export function payloadOf(kind: string): unknown {
  const collective = findKind('collective-diagnostics-request')?.schema.parse(collectiveRequest()) as {
    organization: unknown;
    head: { person: unknown; position: string; email: string };
    period: unknown;
    participants: { id: string; person: unknown; email: string; subject: string; blocks: string[] }[];
  };
  const route = findKind('route')?.schema.parse(routeFixture({ start: addDays(today(), 14) })) as Record<
    string,
    never
  >;
  switch (kind) {
    case 'consent': {
      const row = collective.participants[0] as (typeof collective.participants)[number];
      return {
        organization: collective.organization,
        head: {
          person: collective.head.person,
          position: collective.head.position,
          email: collective.head.email,
        },
        period: collective.period,
        participantId: row.id,
        participant: { person: row.person, email: row.email, subject: row.subject, blocks: row.blocks },
        personalData: PERSONAL_DATA_CONSENT,
      };
    }
    case 'route-correction':
      return {
        routeId: randomUUID(),
        baseVersion: 1,
        reason: 'Перенос мероприятия',
        changes: [{ op: 'change-end', end: addDays(today(), 200) }],
        proposedBy: { party: 'teacher', name: 'Иванова М. П.', email: 'fuzz-teacher@fuzz.example.ru' },
        proposedAt: new Date().toISOString(),
        routeStage: 'review',
        route: {
          number: 'ИОМ-67-2026-99999',
          teacher: { name: 'Иванова М. П.', email: 'fuzz-teacher@fuzz.example.ru' },
          curator: { name: 'Петрова О. Н.', email: 'fuzz-curator@fuzz.example.ru' },
          head: { name: 'Сидоров А. В.', email: 'fuzz-head@fuzz.example.ru' },
        },
        described: [],
      };
    case 'route':
      return { ...route, revision: 1 };
    case 'collective-diagnostics-request':
      return collective;
    case 'internship-application':
      return findKind(kind)?.schema.parse(internshipApplication().body);
    default:
      return findKind(kind)?.schema.parse(diagnosticsRequest());
  }
}

/** Action inputs that carry a whole form: anchored on the kind's fixture, like its creation. */
export const actionAnchors: Record<string, () => unknown> = {
  'internship-application/resubmit': () => ({ payload: internshipApplication().body }),
  'route/update': () => ({ payload: routeFixture({ start: addDays(today(), 14) }) }),
};

/** A link of `party` to a stored record, allowed to take `action`, written straight into the table; its token. */
export async function putLink(
  kind: KindDefinition<unknown>,
  item: StoredRecord,
  party: LinkParty,
  action: string,
): Promise<string> {
  const contact = kind.contacts[party]?.({ ...item, payload: item.payload } as never);
  const link = newLink({
    recordId: item.id,
    kind: kind.kind,
    party,
    email: contact?.email ?? 'fuzz-party@fuzz.example.ru',
    actions: [action],
    now: new Date(),
    ttlDays: 30,
  });
  await put(link.item as never);
  await put(link.ref as never);
  return link.token;
}
