import { randomUUID } from 'node:crypto';
import * as z from '../../functions/core/zod-ru';
import {
  ActivityCategory,
  DeficitLevel,
  DiagnosticForm,
  Education,
  emailField,
  isoDateField,
  labelledEnum,
  OrganizationSchema,
  PeriodSchema,
  PersonSchema,
  phoneField,
  QualificationCategory,
  RouteModel,
  text,
  uniqueList,
} from '../common/types';

/**
 * Individual educational route, ИОМ (seed 004, Appendix 3 and its route card). The payload is what the route
 * developer fills in (DOMAIN.md, kind `route`); the system adds the revision, the change log, the corrections,
 * the marks and the conclusion as the route moves on (see RoutePayload).
 */

/** A3 4.4.2: who may curate a route. */
export const CuratorRole = labelledEnum(
  {
    'regional-methodist': 'региональный методист',
    lecturer: 'преподаватель института соответствующего профиля',
    'mo-head': 'руководитель школьного методического объединения',
    mentor: 'педагог-наставник',
  },
  'Выберите роль куратора из списка',
);

const ACTIVITY_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** A stable id for a roadmap row (DOMAIN.md: rows later actions point at get an id when stored). */
export function newActivityId(): string {
  return `a-${randomUUID().slice(0, 8)}`;
}

export const DeficitSchema = z.strictObject({
  code: text(20, 'Код дефицита'),
  title: text(500, 'Наименование дефицита'),
});

const deficitCodes = uniqueList(text(20, 'Код дефицита'), 'Дефициты').min(
  1,
  'Укажите хотя бы один дефицит, на устранение которого направлено мероприятие',
);

/** A roadmap row as a client sends it; the id is given when it is stored and kept through every edit. */
export const ActivityInputSchema = z.strictObject({
  id: z
    .string()
    .trim()
    .regex(ACTIVITY_ID, 'Идентификатор мероприятия: латинские буквы, цифры, «-», «_»')
    .optional(),
  category: ActivityCategory.schema,
  title: text(1000, 'Мероприятие'),
  period: PeriodSchema,
  deficitCodes,
});

/** Gives every row without an id a new one. */
export const ActivitySchema = ActivityInputSchema.transform((a) => ({ ...a, id: a.id ?? newActivityId() }));

export const TeacherSchema = z.strictObject({
  person: PersonSchema,
  email: emailField(),
  phone: phoneField.optional(),
  organization: OrganizationSchema,
  position: text(200, 'Должность'),
  subject: z.string().trim().min(1).max(200, 'Предмет — не более 200 символов').optional(),
  education: Education.schema,
  experienceYears: z
    .number('Укажите педагогический стаж числом лет')
    .int('Педагогический стаж — целое число лет')
    .min(0, 'Педагогический стаж не может быть отрицательным')
    .max(60, 'Педагогический стаж — не более 60 лет'),
  category: QualificationCategory.schema,
});

export const RouteSchema = z.strictObject({
  model: RouteModel.schema,
  teacher: TeacherSchema,
  head: z.strictObject({ person: PersonSchema, email: emailField() }),
  curator: z.strictObject({ person: PersonSchema, email: emailField(), role: CuratorRole.schema }),
  diagnostics: z.strictObject({
    form: DiagnosticForm.schema,
    date: isoDateField,
    level: DeficitLevel.schema,
    deficits: z
      .array(DeficitSchema)
      .min(1, 'Укажите хотя бы один выявленный дефицит')
      .max(20, 'Не более 20 дефицитов')
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((d, i) => {
          if (seen.has(d.code))
            ctx.addIssue({
              code: 'custom',
              path: [i, 'code'],
              message: 'Коды дефицитов не должны повторяться',
            });
          seen.add(d.code);
        });
      }),
    recommendations: z.array(text(2000, 'Рекомендация')).max(30, 'Не более 30 рекомендаций'),
  }),
  roadmap: z
    .strictObject({
      start: isoDateField,
      end: isoDateField,
      activities: z
        .array(ActivityInputSchema)
        .max(100, 'Не более 100 мероприятий')
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          list.forEach((a, i) => {
            if (a.id && seen.has(a.id))
              ctx.addIssue({
                code: 'custom',
                path: [i, 'id'],
                message: 'Идентификаторы мероприятий не должны повторяться',
              });
            if (a.id) seen.add(a.id);
          });
        })
        .transform((list) => list.map((a) => ({ ...a, id: a.id ?? newActivityId() }))),
      nextDiagnosticsDate: isoDateField,
      developedOn: isoDateField,
    })
    .refine((r) => r.start <= r.end, { message: 'Дата начала позже даты окончания', path: ['end'] }),
  /** The diagnostics record the route was made from (A3 4.2.4). */
  sourceId: z
    .string()
    .regex(/^[0-9a-f-]{36}$/, 'Укажите идентификатор записи о диагностике')
    .optional(),
});

export type RouteForm = z.output<typeof RouteSchema>;
export type Activity = RouteForm['roadmap']['activities'][number];
export type Party = 'teacher' | 'curator' | 'head';

/** A3 5.10: the teacher's own mark in the roadmap's last column. */
export interface ActivityMark {
  done: boolean;
  evidence?: string;
  at: string;
}

export interface PartyRef {
  party: string;
  name: string;
}

/** One accepted change of the card (A3 5.11) or an extension (A3 4.5.3): what the route card's change log lists. */
export interface ChangeLogEntry {
  revision: number;
  at: string;
  kind: 'correction' | 'extension';
  correctionId?: string;
  reason: string;
  proposedBy: PartyRef;
  decidedBy: PartyRef;
  changes: DescribedChange[];
  /** A3 5.11: changes made during implementation are signed by the curator, the head and the teacher. */
  acknowledgementRequired: boolean;
  acknowledgements: { party: string; name: string; at: string }[];
}

export interface DescribedChange {
  what: string;
  before: string;
  after: string;
}

export interface RoutePayload extends Omit<RouteForm, 'roadmap'> {
  roadmap: Omit<RouteForm['roadmap'], 'activities'> & { activities: (Activity & { mark?: ActivityMark })[] };
  /** Редакция of the card: 1 when sent for review, +1 with every accepted correction and every extension. */
  revision?: number;
  changeLog?: ChangeLogEntry[];
  /** A3 4.3.4–4.3.6: who has read the card in review (per revision). */
  reviewAcknowledgements?: { party: string; name: string; at: string; revision: number }[];
  /** A3 4.3.10: the head's returns and approval. */
  returns?: { comment: string; at: string }[];
  approval?: { at: string; name: string };
  finalizedAt?: string;
  /** A3 4.4.5: the curator's notes on the teacher's progress. */
  progress?: { date: string; note: string; at: string }[];
  /** A3 4.5.3: the curator's conclusion. */
  conclusion?: {
    outcome: 'completed' | 'extended';
    finalDiagnostics: { date: string; level: 'high' | 'medium' | 'low' };
    conclusion: string;
    extendTo?: string;
    at: string;
  };
  extensions?: { from: string; to: string; at: string; conclusion: string }[];
}

const ChangeSchemas = [
  z.strictObject({ op: z.literal('add-activity'), activity: ActivitySchema }),
  z.strictObject({ op: z.literal('remove-activity'), activityId: text(40, 'Мероприятие') }),
  z.strictObject({
    op: z.literal('update-activity'),
    activityId: text(40, 'Мероприятие'),
    patch: z
      .strictObject({
        title: text(1000, 'Мероприятие').optional(),
        period: PeriodSchema.optional(),
        deficitCodes: deficitCodes.optional(),
      })
      .refine((p) => p.title !== undefined || p.period !== undefined || p.deficitCodes !== undefined, {
        message: 'Укажите, что изменить в мероприятии',
      }),
  }),
  z.strictObject({ op: z.literal('change-end'), end: isoDateField }),
] as const;

/** A3 4.3.6, 4.4.5: a change a correction proposes. */
export const ChangeSchema = z.discriminatedUnion('op', [...ChangeSchemas], 'Неизвестный вид изменения');
export type Change = z.output<typeof ChangeSchema>;

export const ProposeCorrectionSchema = z.strictObject({
  /** The revision (редакция) of the card the proposal was made against. */
  baseVersion: z.number('Укажите редакцию маршрута').int().min(1),
  reason: text(2000, 'Обоснование корректировки'),
  changes: z.array(ChangeSchema).min(1, 'Укажите хотя бы одно изменение').max(50, 'Не более 50 изменений'),
});

export const UpdateSchema = z.strictObject({ payload: RouteSchema });
export const EmptySchema = z.strictObject({});
export const ReturnSchema = z.strictObject({ comment: text(2000, 'Замечания') });
export const MarkActivitySchema = z
  .strictObject({
    activityId: text(40, 'Мероприятие'),
    done: z.boolean('Укажите, выполнено ли мероприятие'),
    evidence: z.string().trim().max(2000, 'Подтверждение — не более 2000 символов').optional(),
  })
  .refine((m) => !m.done || Boolean(m.evidence), {
    message: 'Укажите подтверждение выполнения (документ, ссылку, тему выступления)',
    path: ['evidence'],
  });
export const RecordProgressSchema = z.strictObject({
  date: isoDateField,
  note: text(2000, 'Запись о ходе реализации'),
});
export const ConcludeSchema = z
  .strictObject({
    outcome: z.enum(['completed', 'extended'], 'Выберите итог: завершён или продлён'),
    finalDiagnostics: z.strictObject({ date: isoDateField, level: DeficitLevel.schema }),
    conclusion: text(4000, 'Выводы куратора'),
    extendTo: isoDateField.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.outcome === 'extended' && !c.extendTo)
      ctx.addIssue({ code: 'custom', path: ['extendTo'], message: 'Укажите новую дату окончания маршрута' });
    if (c.outcome === 'completed' && c.extendTo)
      ctx.addIssue({
        code: 'custom',
        path: ['extendTo'],
        message: 'Новая дата окончания указывается только при продлении',
      });
  });

/** System actions: the route's side of a correction's decision (taken by the engine, never by a person). */
export interface ApplyCorrectionInput {
  correctionId: string;
  baseVersion: number;
  reason: string;
  changes: Change[];
  proposedBy: PartyRef;
  decidedBy: PartyRef;
}
export const ApplyCorrectionSchema = z.custom<ApplyCorrectionInput>(
  (v) => typeof v === 'object' && v !== null,
);
export interface NoteCorrectionInput {
  correctionId: string;
  status: 'rejected' | 'accepted' | 'acknowledged';
  acknowledgements?: { party: string; name: string; at: string }[];
}
export const NoteCorrectionSchema = z.custom<NoteCorrectionInput>((v) => typeof v === 'object' && v !== null);

export const labels = {
  model: 'Модель ИОМ',
  teacher: 'Педагогический работник',
  'teacher.person': 'Фамилия Имя Отчество',
  'teacher.email': 'Электронная почта',
  'teacher.phone': 'Контактный телефон (моб.)',
  'teacher.organization': 'Образовательная организация',
  'teacher.position': 'Должность',
  'teacher.subject': 'Преподаваемый предмет',
  'teacher.education': 'Образование',
  'teacher.experienceYears': 'Педагогический стаж',
  'teacher.category': 'Квалификационная категория',
  head: 'Руководитель образовательной организации',
  curator: 'Куратор ИОМ',
  'curator.role': 'Роль куратора',
  diagnostics: 'Результаты диагностики профессиональных дефицитов',
  'diagnostics.form': 'Вид диагностики профессиональных дефицитов',
  'diagnostics.date': 'Дата диагностики',
  'diagnostics.level': 'Уровень',
  'diagnostics.deficits': 'Выявленные дефициты',
  'diagnostics.recommendations': 'Рекомендации',
  roadmap: 'Дорожная карта по устранению выявленных дефицитов',
  'roadmap.start': 'Начало',
  'roadmap.end': 'Окончание',
  'roadmap.activities': 'Мероприятия',
  'roadmap.nextDiagnosticsDate': 'Дата следующей диагностики',
  'roadmap.developedOn': 'Дата разработки индивидуального образовательного маршрута',
  sourceId: 'Запись о диагностике',
};

export const enums = {
  model: RouteModel.labels,
  education: Education.labels,
  category: QualificationCategory.labels,
  curatorRole: CuratorRole.labels,
  form: DiagnosticForm.labels,
  level: DeficitLevel.labels,
  activityCategory: ActivityCategory.labels,
  party: {
    teacher: 'педагогический работник',
    curator: 'куратор ИОМ',
    head: 'руководитель ОО',
    centre: 'разработчик ИОМ (ЦНППМ)',
  },
};
