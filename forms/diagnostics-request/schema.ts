import * as z from '../../functions/core/zod-ru';
import {
  type Agreement,
  AgreeSchema,
  ConductSchema,
  type DepartmentOrder,
  type IssuedResults,
  RejectSchema,
  RescheduleSchema,
  ResultsSchema,
  WithdrawSchema,
} from '../common/diagnostics';
import { personalDataVersionField } from '../common/personal-data';
import {
  DeficitLevel,
  DiagnosticForm,
  emailField,
  ManagerBlock,
  OrganizationSchema,
  PeriodSchema,
  PersonSchema,
  personalDataConsentField,
  phoneField,
  TeacherBlock,
  text,
  uniqueList,
} from '../common/types';

/** Individual request for the diagnostics of professional deficits (seed 004, A2 5.9.1–5.9.6). */

const ParticipantSchema = z
  .strictObject({
    person: PersonSchema,
    email: emailField(),
    phone: phoneField.optional(),
    organization: OrganizationSchema,
    position: text(200, 'Должность'),
    category: z.enum(['teacher', 'manager'], 'Выберите категорию: педагог или руководитель'),
    subjects: z.array(text(100, 'Предмет')).max(10, 'Не более 10 предметов'),
  })
  .superRefine((p, ctx) => {
    if (p.category === 'teacher' && p.subjects.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['subjects'], message: 'Педагог указывает хотя бы один предмет' });
    }
  });

/** Blocks that concern a subject: the request then names which one (A2 4.2). */
const SUBJECT_BLOCKS = new Set(['subject', 'methodical']);

export const DiagnosticsRequestSchema = z
  .strictObject({
    participant: ParticipantSchema,
    form: DiagnosticForm.schema,
    blocks: uniqueList(z.string(), 'Диагностические блоки').min(
      1,
      'Выберите хотя бы один диагностический блок',
    ),
    subject: z.string().trim().min(1).max(100).optional(),
    preferredPeriod: PeriodSchema,
    comment: z.string().trim().max(2000, 'Комментарий — не более 2000 символов').optional(),
    personalDataConsent: personalDataConsentField,
    /** The edition of the personal-data consent text the applicant saw (GET /v1/forms/diagnostics-request). */
    personalDataConsentVersion: personalDataVersionField,
  })
  .superRefine((r, ctx) => {
    // Teachers choose among teacher blocks (A2 4.2), managers among manager blocks (A2 3.1.1).
    const allowed = r.participant.category === 'teacher' ? TeacherBlock.labels : ManagerBlock.labels;
    r.blocks.forEach((b, i) => {
      if (!(b in allowed)) {
        ctx.addIssue({
          code: 'custom',
          path: ['blocks', i],
          message: 'Этот блок не относится к выбранной категории',
        });
      }
    });
    if (r.blocks.some((b) => SUBJECT_BLOCKS.has(b))) {
      if (!r.subject) {
        ctx.addIssue({
          code: 'custom',
          path: ['subject'],
          message: 'Укажите предмет для предметного и методического блоков',
        });
      } else if (!r.participant.subjects.includes(r.subject)) {
        ctx.addIssue({
          code: 'custom',
          path: ['subject'],
          message: 'Предмет должен быть одним из предметов участника',
        });
      }
    }
  });

export type DiagnosticsRequestForm = z.infer<typeof DiagnosticsRequestSchema>;

export { AgreeSchema, ConductSchema, RejectSchema, RescheduleSchema, WithdrawSchema };
/** The operator's results for the participant (A2 5.9.6). */
export const IssueResultsSchema = ResultsSchema;

/** As stored: records made before the consent text was versioned carry no edition. */
export interface DiagnosticsRequestPayload
  extends Omit<DiagnosticsRequestForm, 'personalDataConsentVersion'> {
  personalDataConsentVersion?: string;
  schedule?: Omit<Agreement, 'departmentOrder'>;
  /** A2 5.10: the diagnostics is held under an order of the Department (results within 15 working days). */
  departmentOrder?: DepartmentOrder;
  rejection?: { reason: string };
  withdrawal?: { reason?: string };
  conductedOn?: string;
  /** Private (A2 6.3): only the participant and the operator/centre see it. */
  results?: IssuedResults;
}

export const labels = {
  participant: 'Участник диагностики',
  'participant.person': 'Ф.И.О.',
  'participant.email': 'Электронная почта',
  'participant.phone': 'Телефон',
  'participant.organization': 'Образовательная организация',
  'participant.position': 'Должность',
  'participant.category': 'Категория',
  'participant.subjects': 'Преподаваемые предметы',
  form: 'Форма диагностики',
  blocks: 'Диагностические блоки',
  subject: 'Предмет диагностики',
  preferredPeriod: 'Желаемый период',
  comment: 'Комментарий',
  personalDataConsent: 'Согласие на обработку персональных данных',
  personalDataConsentVersion: 'Редакция согласия на обработку персональных данных',
  schedule: 'Дата и место проведения',
  departmentOrder: 'Приказ Департамента о проведении диагностики',
  conductedOn: 'Дата проведения',
  results: 'Результаты диагностики',
};

export const enums = {
  form: DiagnosticForm.labels,
  teacherBlock: TeacherBlock.labels,
  managerBlock: ManagerBlock.labels,
  category: { teacher: 'педагогический работник', manager: 'руководитель' },
  level: DeficitLevel.labels,
};
