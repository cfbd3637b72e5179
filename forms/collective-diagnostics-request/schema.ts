import { randomUUID } from 'node:crypto';
import * as z from '../../functions/core/zod-ru';
import {
  type Agreement,
  AgreeSchema,
  ConductSchema,
  type DepartmentOrder,
  RejectSchema,
  RescheduleSchema,
  ResultsSchema,
  WithdrawSchema,
} from '../common/diagnostics';
import {
  DeficitLevel,
  emailField,
  isoDateField,
  OrganizationSchema,
  PeriodSchema,
  PersonSchema,
  phoneField,
  TeacherBlock,
  text,
  uniqueList,
} from '../common/types';

/**
 * Collective request from a school head (A2 5.9.3 and the sample letter "Просим рассмотреть заявку на проведение
 * стандартизированной диагностики..."). One row per teacher and subject: a teacher diagnosed in two subjects
 * appears twice and consents twice (footnote * of the consent form).
 */

/** The sample letter's limit is the school; 500 rows covers the largest schools of a region. */
export const MAX_PARTICIPANTS = 500;

const blocksField = (label: string) =>
  uniqueList(TeacherBlock.schema, label).min(1, 'Выберите хотя бы один диагностический блок');

const ParticipantRowSchema = z.strictObject({
  /** Stable row identity (DOMAIN.md, "Rows get identities"); given by the system when omitted. */
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Идентификатор строки: латинские буквы, цифры, «-», «_»')
    .optional(),
  person: PersonSchema,
  email: emailField(),
  subject: text(100, 'Предмет'),
  blocks: blocksField('Диагностические блоки участника'),
});

const HeadSchema = z.strictObject({
  person: PersonSchema,
  position: text(200, 'Должность руководителя'),
  email: emailField(),
  phone: phoneField.optional(),
});

export const CollectiveRequestSchema = z
  .strictObject({
    organization: OrganizationSchema,
    head: HeadSchema,
    period: PeriodSchema,
    blocks: blocksField('Диагностические блоки'),
    participants: z
      .array(ParticipantRowSchema)
      .min(1, 'Укажите хотя бы одного участника')
      .max(MAX_PARTICIPANTS, `Не более ${MAX_PARTICIPANTS} участников в одной заявке`),
    outgoingNumber: z.string().trim().min(1).max(50, 'Не более 50 символов').optional(),
    letterDate: isoDateField.optional(),
  })
  .superRefine((r, ctx) => {
    const seen = new Map<string, number>();
    const ids = new Set<string>();
    r.participants.forEach((p, i) => {
      // The sample letter: a teacher's blocks are chosen among the blocks the school asks for.
      p.blocks.forEach((b, j) => {
        if (!r.blocks.includes(b)) {
          ctx.addIssue({
            code: 'custom',
            path: ['participants', i, 'blocks', j],
            message: 'Блок участника должен быть среди блоков заявки',
          });
        }
      });
      // Footnote * of the consent form: one consent per teacher and subject.
      const key = `${p.email}\u0000${p.subject.toLowerCase()}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['participants', i, 'subject'],
          message: `Этот педагог уже указан с этим предметом (строка ${(seen.get(key) ?? 0) + 1})`,
        });
      } else seen.set(key, i);
      if (p.id !== undefined) {
        if (ids.has(p.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['participants', i, 'id'],
            message: 'Идентификаторы строк не должны повторяться',
          });
        }
        ids.add(p.id);
      }
    });
  })
  .transform((r) => ({
    ...r,
    participants: r.participants.map((p) => ({ ...p, id: p.id ?? randomUUID() })),
  }));

export type CollectiveRequestForm = z.infer<typeof CollectiveRequestSchema>;
export type ParticipantRow = CollectiveRequestForm['participants'][number];

/** What the system recorded of one row's consent (the consent record itself holds the evidence). */
export interface ConsentOutcome {
  state: 'given' | 'declined' | 'closed';
  at: string;
  /** Blocks the teacher consented to (⊆ the row's blocks). */
  blocks?: string[];
}

/** A row as stored: with its consent once answered (the consent sheet prints it). */
export type StoredParticipantRow = ParticipantRow & { consent?: ConsentOutcome };

export interface CollectiveRequestPayload extends Omit<CollectiveRequestForm, 'participants'> {
  participants: StoredParticipantRow[];
  finalizedAt?: string;
  schedule?: Omit<Agreement, 'departmentOrder'>;
  departmentOrder?: DepartmentOrder;
  rejection?: { reason: string };
  withdrawal?: { reason?: string };
  conductedOn?: string;
  /**
   * By participant id: the day each participant's results were issued. The results themselves are kept on the
   * participant's own consent record only (A2 6.3); the head and the applicant see just how many were issued.
   */
  resultsIssued?: Record<string, string>;
}

export const RecordConsentSchema = z.strictObject({
  participantId: z.string().min(1),
  state: z.enum(['given', 'declined']),
  at: z.string().min(1),
  blocks: z.array(TeacherBlock.schema).optional(),
});

export const FinalizeSchema = z.strictObject({});

export const IssueParticipantResultsSchema = ResultsSchema.extend({
  participantId: z.string().min(1, 'Укажите участника'),
});

export { AgreeSchema, ConductSchema, RejectSchema, RescheduleSchema, WithdrawSchema };

export const labels = {
  organization: 'Образовательная организация',
  'organization.name': 'Наименование организации',
  'organization.municipality': 'Муниципальное образование',
  'organization.inn': 'ИНН организации',
  head: 'Руководитель',
  'head.person': 'Ф.И.О. руководителя',
  'head.position': 'Должность',
  'head.email': 'Электронная почта',
  'head.phone': 'Телефон',
  period: 'Период проведения диагностики',
  blocks: 'Диагностические блоки',
  participants: 'Участники диагностики',
  'participants.*': 'Участник',
  'participants.person': 'Ф.И.О. педагогического работника',
  'participants.email': 'Электронная почта педагога',
  'participants.subject': 'Предмет, по которому будет проходить диагностика',
  'participants.blocks': 'Перечень диагностических блоков',
  outgoingNumber: 'Исходящий номер письма',
  letterDate: 'Дата письма',
  'participants.consent': 'Согласие педагога',
  schedule: 'Дата и место проведения',
  departmentOrder: 'Приказ Департамента о проведении диагностики',
  conductedOn: 'Дата проведения',
};

export const enums = {
  teacherBlock: TeacherBlock.labels,
  level: DeficitLevel.labels,
  consentState: { given: 'согласие дано', declined: 'отказ от участия', closed: 'согласие не получено' },
};
