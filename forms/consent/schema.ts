import * as z from '../../functions/core/zod-ru';
import { type IssuedResults, ResultsSchema } from '../common/diagnostics';
import {
  DeficitLevel,
  emailField,
  isoDateField,
  OrganizationSchema,
  PeriodSchema,
  PersonSchema,
  TeacherBlock,
  text,
  uniqueList,
} from '../common/types';

/**
 * A teacher's consent to the diagnostics for one row of a collective request (A2 5.9.3 and the sample consent
 * form), created by the system; and, once given, that teacher's own record of the diagnostics: the invitation and
 * the private results (A2 6.3) are kept here, where only the teacher's link and the staff can read them.
 */

/** What the collective request puts into each consent when it creates it. */
export const ConsentSchema = z.strictObject({
  organization: OrganizationSchema,
  head: z.strictObject({ person: PersonSchema, position: z.string().min(1), email: emailField() }),
  period: PeriodSchema,
  outgoingNumber: z.string().optional(),
  letterDate: isoDateField.optional(),
  participantId: z.string().min(1),
  participant: z.strictObject({
    person: PersonSchema,
    email: emailField(),
    subject: z.string().min(1),
    blocks: z.array(TeacherBlock.schema).min(1),
  }),
  /** The personal-data consent text shown to the teacher, with its edition (152-FZ art. 9). */
  personalData: z.strictObject({ version: z.string().min(1), text: z.string().min(1) }),
});

export type ConsentForm = z.infer<typeof ConsentSchema>;

/** Evidence of an online answer, kept for audit: when, from where, through which link. */
export interface AnswerEvidence {
  ip?: string;
  userAgent?: string;
  linkId?: string;
}

export interface ConsentAnswer {
  decision: 'given' | 'declined';
  at: string;
  /** Blocks consented to (given). */
  blocks?: string[];
  personalDataConsent?: true;
  personalDataConsentVersion?: string;
  reason?: string;
  evidence: AnswerEvidence;
}

export interface ConsentPayload extends ConsentForm {
  answer?: ConsentAnswer;
  closed?: { at: string; reason: CloseReason };
  schedule?: { date: string; place: string; details?: string };
  conductedOn?: string;
  /** Private (A2 6.3): the teacher and the operator/centre only. */
  results?: IssuedResults;
}

export const GiveSchema = z.strictObject({
  blocks: uniqueList(TeacherBlock.schema, 'Диагностические блоки').min(
    1,
    'Выберите хотя бы один диагностический блок',
  ),
  /** Consent to the text this record shows (`personalData`); its edition is recorded with the answer. */
  personalDataConsent: z.literal(true, {
    message: 'Без согласия на обработку персональных данных участие в диагностике невозможно',
  }),
});

export const DeclineSchema = z.strictObject({
  reason: z.string().trim().max(2000, 'Не более 2000 символов').optional(),
});

export const CLOSE_REASONS = {
  finalized: 'руководитель завершил сбор согласий',
  cancelled: 'заявка закрыта: согласий не получено',
  withdrawn: 'заявка отозвана образовательной организацией',
  rejected: 'заявка отклонена оператором диагностики',
} as const;
export type CloseReason = keyof typeof CLOSE_REASONS;

export const CloseSchema = z.strictObject({
  reason: z.enum(Object.keys(CLOSE_REASONS) as [CloseReason, ...CloseReason[]]),
});

export const NotifyScheduleSchema = z.strictObject({
  date: isoDateField,
  place: text(500, 'Место проведения'),
  details: z.string().max(2000).optional(),
});

export const DeliverResultsSchema = ResultsSchema.extend({
  issuedOn: isoDateField,
  conductedOn: isoDateField.optional(),
});

export const labels = {
  organization: 'Образовательная организация',
  head: 'Руководитель',
  period: 'Период проведения диагностики',
  participant: 'Педагогический работник',
  'participant.person': 'Ф.И.О.',
  'participant.subject': 'Предмет, по которому будет проходить диагностика',
  'participant.blocks': 'Перечень диагностических блоков',
  personalData: 'Согласие на обработку персональных данных',
  blocks: 'Диагностические блоки, по которым даётся согласие',
  personalDataConsent: 'Согласие на обработку персональных данных',
  personalDataConsentVersion: 'Редакция согласия на обработку персональных данных',
  reason: 'Причина отказа (необязательно)',
  answer: 'Ответ педагога',
  schedule: 'Дата и место проведения',
  results: 'Результаты диагностики',
};

export const enums = {
  teacherBlock: TeacherBlock.labels,
  level: DeficitLevel.labels,
  closeReason: CLOSE_REASONS,
};
