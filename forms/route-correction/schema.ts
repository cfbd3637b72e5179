import * as z from '../../functions/core/zod-ru';
import { text } from '../common/types';
import { ChangeSchema } from '../route/schema';

/**
 * A proposal to change a route (A3 3.2.1, 3.2.3, 4.3.6, 4.4.5, 5.11; DOMAIN.md, kind `route-correction`). Made only
 * by the route's action `proposeCorrection`, which also records who proposed it, the route's parties and the
 * before/after of every change as the route stood at `baseVersion`.
 */

const PartySchema = z.strictObject({ name: z.string(), email: z.string() });

export const RouteCorrectionSchema = z.strictObject({
  routeId: z.string().min(1),
  /** The route's revision (редакция) the proposal was made against. */
  baseVersion: z.number().int().min(1),
  reason: text(2000, 'Обоснование корректировки'),
  changes: z.array(ChangeSchema).min(1).max(50),
  proposedBy: z.strictObject({ party: z.string(), name: z.string(), email: z.string() }),
  proposedAt: z.string(),
  /** Stage of the route when proposed: in review the centre decides, in implementation the curator (A3 4.4.5). */
  routeStage: z.enum(['review', 'active']),
  route: z.strictObject({
    number: z.string(),
    teacher: PartySchema,
    curator: PartySchema,
    head: PartySchema,
  }),
  described: z.array(z.strictObject({ what: z.string(), before: z.string(), after: z.string() })),
});

export interface CorrectionPayload extends z.output<typeof RouteCorrectionSchema> {
  decision?: {
    outcome: 'accepted' | 'rejected';
    by: { party: string; name: string };
    at: string;
    reason?: string;
  };
  /** A3 5.11: the curator, the head and the teacher sign a change made during implementation. */
  acknowledgements?: { party: string; name: string; at: string }[];
}

export const AcceptSchema = z.strictObject({});
export const RejectSchema = z.strictObject({ reason: text(2000, 'Причина отклонения') });
export const AcknowledgeSchema = z.strictObject({});

export const labels = {
  routeId: 'Маршрут',
  baseVersion: 'Редакция маршрута',
  reason: 'Обоснование',
  changes: 'Изменения',
};

export const enums = {
  party: {
    teacher: 'педагогический работник',
    curator: 'куратор ИОМ',
    head: 'руководитель ОО',
    centre: 'разработчик ИОМ (ЦНППМ)',
  },
  stage: { review: 'ознакомление и корректировка', active: 'реализация' },
};
