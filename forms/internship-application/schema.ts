import * as z from '../../functions/core/zod-ru';
import {
  emailField,
  isoDateField,
  labelledEnum,
  PersonSchema,
  phoneField,
  text,
  uniqueList,
} from '../common/types';

/**
 * Application for the status «региональная стажировочная площадка» (seed 004, Appendix 4, 3.3) with its site
 * passports: the two forms appended to the regulation ("ФОРМА ЗАЯВКИ" and "ПАСПОРТ региональной стажировочной
 * площадки"). Every enumeration carries the exact wording of the passport form.
 */

/** "Направление стажировочной площадки": the 14 directions of the passport form and «ИНОЕ». */
export const InternshipDirection = labelledEnum(
  {
    'functional-literacy': 'Формирование функциональной грамотности обучающихся',
    'updated-fgos': 'Введение обновленных ФГОС',
    'subject-content': 'Актуализация содержания предмета (предметной области)',
    'learning-activities': 'Организация учебной деятельности (включая проектную и исследовательскую)',
    digital: 'Цифровые технологии в образовании',
    upbringing: 'Организация и осуществление воспитательной деятельности',
    interaction: 'Эффективное взаимодействие участников образовательных отношений',
    health: 'Здоровьесберегающие технологии',
    'info-security': 'Информационная безопасность обучающихся',
    inclusive: 'Инклюзивное образование',
    'mentoring-tutoring': 'Педагогическое наставничество, тьюторство в образовательных организациях',
    management: 'Управление образовательной организацией',
    'additional-education': 'Развитие обучающихся в системе дополнительного образования',
    'early-development': 'Раннее развитие детей в ДОО',
    other: 'ИНОЕ',
  },
  'Выберите направление стажировочной площадки из списка',
);

/** Application form: "Носитель эффективного опыта, образовательной практики". */
export const ExperienceCarrier = labelledEnum(
  { organization: 'образовательная организация', teacher: 'отдельный педагогический работник' },
  'Выберите носителя опыта: образовательная организация или отдельный педагогический работник',
);

/** Passport: "Представитель / носитель опыта". */
export const CarrierKind = labelledEnum(
  { organization: 'Образовательная организация', teacher: 'Педагогический работник' },
  'Выберите представителя (носителя) опыта из списка',
);

/** Passport: "Целевая аудитория стажировочной площадки". */
export const AudienceGroup = labelledEnum(
  {
    teachers: 'Педагогические работники',
    managers: 'Управленческие кадры',
    'school-teams': 'Школьные команды (команды образовательной организации)',
  },
  'Выберите целевую аудиторию из списка',
);

/** Passport: "Формат взаимодействия с целевой аудиторией". */
export const InteractionFormat = labelledEnum(
  { group: 'Групповой', individual: 'Индивидуальный' },
  'Выберите формат взаимодействия из списка',
);

/** Passport, section 3: "Предполагаемые форматы деятельности". */
export const ActivityFormat = labelledEnum(
  {
    'practical-module': 'Реализация практического модуля ДПП ПК / ПП',
    'field-sessions': 'Проведение выездных практических занятий в рамках ДПП ПК / ПП',
    'standalone-internship': 'Стажировка как самостоятельный вид повышения квалификации',
    routes: 'Реализация индивидуальных образовательных маршрутов',
  },
  'Выберите формат деятельности из списка',
);

/** Passport, section 3: "Предполагаемые варианты содержания деятельности стажировочной площадки" (as printed). */
export const ActivityContent = labelledEnum(
  {
    'modules-development':
      'Участие в разработке практико-ориентированных модулей дополнительных профессиональных программ (программ стажировки), учебно-методических комплексов, методических рекомендаций, комплектов учебно-методических материалов',
    'practical-classes':
      'проведение практических занятий по программам повышения квалификации (профессиональной переподготовки)',
    internship: 'стажировка (индивидуальная / групповая)',
    'route-events':
      'участие в реализации индивидуальных образовательных маршрутов (проведение методических мероприятий)',
    'own-models':
      'проектирование участниками стажировочной площадки собственных вариативных моделей профессиональной деятельности',
    other: 'ИНОЕ',
  },
  'Выберите вариант содержания деятельности из списка',
);

/** Passport: "Наличие статуса федеральной и/или региональной инновационной площадки" (A4 3.1.1). */
export const InnovationPlatformLevel = labelledEnum(
  { federal: 'федеральная инновационная площадка', regional: 'региональная инновационная площадка' },
  'Выберите уровень инновационной площадки: федеральная или региональная',
);

/** A4 3.12.1–3.12.6: grounds for early termination of the status, as the regulation words them. */
export const TerminationReason = labelledEnum(
  {
    obligations:
      'невыполнение и/или ненадлежащее исполнение образовательной организацией принятых обязательств, закрепленных в Соглашении',
    mismatch:
      'установление несоответствия реальной деятельности стажировочной площадки мероприятиям, представленным в отчетах',
    'no-demand':
      'невостребованность программы стажировочной площадки педагогическими работниками и/или управленческими кадрами в течение 2 лет',
    'force-majeure':
      'возникновение непредвиденных (форс-мажорных) обстоятельств, препятствующих продолжению деятельности стажировочной площадки',
    'staff-change':
      'существенных изменений в кадровом составе образовательной организации, влияющих на работу стажировочной площадки',
    'own-initiative':
      'инициирования закрытия стажировочной площадки самой образовательной организацией на основе обоснованного представления',
  },
  'Выберите основание досрочного прекращения статуса (п. 3.12.1–3.12.6 Положения)',
);

/** Item of the regulation each termination reason comes from, for documents and mails. */
export const TERMINATION_ITEMS: Record<keyof typeof TerminationReason.labels, string> = {
  obligations: '3.12.1',
  mismatch: '3.12.2',
  'no-demand': '3.12.3',
  'force-majeure': '3.12.4',
  'staff-change': '3.12.5',
  'own-initiative': '3.12.6',
};

/** A4 3.6: the main criteria of the council's decision. */
export const DecisionCriterion = labelledEnum(
  {
    relevance: 'актуальность выбранного направления деятельности',
    effectiveness: 'результативность и эффективность представляемого опыта',
    completeness: 'полнота представленного пакета документов',
  },
  'Неизвестный критерий',
);

export const CriterionAssessment = labelledEnum(
  { met: 'соответствует', 'not-met': 'не соответствует' },
  'Оценка критерия: met (соответствует) или not-met (не соответствует)',
);

export const CouncilDecision = labelledEnum(
  {
    approved: 'присвоить статус «региональная стажировочная площадка»',
    rejected: 'отказать в присвоении статуса «региональная стажировочная площадка»',
  },
  'Решение: approved (присвоить статус) или rejected (отказать)',
);

/** The address of a site; written without a scheme ("school5.gov67.ru") it is taken as https. */
const websiteField = z
  .string()
  .trim()
  .max(300, 'Адрес сайта — не более 300 символов')
  .transform((raw) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`))
  .pipe(z.url({ protocol: /^https?$/, message: 'Укажите адрес сайта, например https://school5.gov67.ru' }));

const phonesField = (label: string) =>
  z
    .array(phoneField)
    .min(1, `Укажите хотя бы один телефон: «${label}»`)
    .max(5, `«${label}»: не более 5 номеров`);

/** Application form, the applicant's block ("на бланке организации"). */
export const ApplicantOrganizationSchema = z.strictObject({
  fullName: text(500, 'Полное наименование организации-соискателя'),
  /**
   * Not a line of the printed form, but the register is filtered by it (A4 5.1.4) and the address alone does not
   * say it reliably ("д. Печерск" is in Смоленский муниципальный округ).
   */
  municipality: text(200, 'Муниципальное образование'),
  actualAddress: text(500, 'Фактический адрес организации-соискателя'),
  legalAddress: text(500, 'Юридический адрес организации-соискателя'),
  phones: phonesField('Контактные телефоны организации-соискателя'),
  email: emailField('Укажите корректный адрес электронной почты организации-соискателя'),
  website: websiteField.optional(),
});

export const ApplicantHeadSchema = z.strictObject({
  person: PersonSchema,
  position: text(200, 'Должность'),
  phones: phonesField('Контактные телефоны руководителя'),
  email: emailField('Укажите корректный адрес электронной почты руководителя'),
});

const InnovationPlatformSchema = z
  .strictObject({
    level: InnovationPlatformLevel.schema,
    topic: text(500, 'Тематика инновационной площадки'),
    programFrom: isoDateField,
    programTo: isoDateField,
  })
  .refine((p) => p.programFrom <= p.programTo, {
    message: 'Дата начала программы позже даты её завершения',
    path: ['programTo'],
  });

const CarrierSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('organization') }),
    z.strictObject({
      kind: z.literal('teacher'),
      person: PersonSchema,
      subjectOrTopic: text(500, 'Предмет / методическая тема (проблема)'),
    }),
  ],
  { error: 'Выберите представителя (носителя) опыта: organization или teacher' },
);

const count = (label: string) =>
  z
    .number({ error: `«${label}»: укажите число` })
    .int(`«${label}»: целое число`)
    .min(0, `«${label}»: не меньше 0`)
    .max(10_000, `«${label}»: не больше 10 000`);

export const PassportSchema = z
  .strictObject({
    // 1. Общие сведения
    headName: PersonSchema,
    contacts: z.strictObject({
      postalAddress: text(500, 'Почтовый адрес'),
      phone: phoneField,
      email: emailField(),
    }),
    website: websiteField.optional(),
    socialAccounts: z
      .array(text(300, 'Официальный аккаунт / канал'))
      .max(10, 'Не более 10 аккаунтов')
      .optional(),
    topic: text(500, 'Тема стажировочной площадки'),
    direction: InternshipDirection.schema,
    directionOther: z.string().trim().max(500, 'Направление — не более 500 символов').optional(),
    carrier: CarrierSchema,
    audience: z.strictObject({
      groups: uniqueList(AudienceGroup.schema, 'Целевая аудитория').min(
        1,
        'Выберите хотя бы одну целевую группу',
      ),
      // The form: "Целевую аудиторию необходимо конкретизировать (предмет, особая группа педагогических работников)".
      specification: text(1000, 'Конкретизация целевой аудитории'),
    }),
    maxPlaces: z
      .number({ error: 'Укажите максимальное количество стажировочных мест числом' })
      .int('Количество стажировочных мест — целое число')
      .min(1, 'Не менее 1 стажировочного места')
      .max(500, 'Не более 500 стажировочных мест'),
    interactionFormats: uniqueList(InteractionFormat.schema, 'Формат взаимодействия').min(
      1,
      'Выберите хотя бы один формат взаимодействия',
    ),
    // 2. Обоснование темы и возможности создания региональной стажировочной площадки
    justification: z.strictObject({
      problem: text(4000, 'Краткое описание проблемы, которую решает стажировочная площадка'),
      // The form: "Результативность и эффективность должна быть подтверждена".
      effectiveness: text(4000, 'Результативность и эффективность представляемой практики'),
      innovationPlatform: InnovationPlatformSchema.optional(),
      positiveExperience: z.string().trim().max(4000, 'Не более 4000 символов').optional(),
      cooperation: z.string().trim().max(4000, 'Не более 4000 символов').optional(),
      staffCompetence: z.strictObject({
        highestCategoryTeachers: count('Педагоги высшей квалификационной категории'),
        contestWinners: count('Победители профессиональных конкурсов и отборов'),
        notes: z.string().trim().max(2000, 'Не более 2000 символов').optional(),
      }),
    }),
    // 3. Предполагаемый формат и содержание деятельности
    formats: uniqueList(ActivityFormat.schema, 'Форматы деятельности').min(
      1,
      'Выберите хотя бы один формат деятельности',
    ),
    contents: uniqueList(ActivityContent.schema, 'Содержание деятельности').min(
      1,
      'Выберите хотя бы один вариант содержания деятельности',
    ),
    contentOther: z.string().trim().max(1000, 'Не более 1000 символов').optional(),
  })
  .superRefine((p, ctx) => {
    // «ИНОЕ (заполняется самостоятельно)»: the text is required with it and meaningless without it.
    if (p.direction === 'other' && !p.directionOther) {
      ctx.addIssue({ code: 'custom', path: ['directionOther'], message: 'Укажите направление («ИНОЕ»)' });
    }
    if (p.direction !== 'other' && p.directionOther) {
      ctx.addIssue({
        code: 'custom',
        path: ['directionOther'],
        message: 'Заполняется только при выборе направления «ИНОЕ»',
      });
    }
    const otherContent = p.contents.includes('other');
    if (otherContent && !p.contentOther) {
      ctx.addIssue({
        code: 'custom',
        path: ['contentOther'],
        message: 'Укажите содержание деятельности («ИНОЕ»)',
      });
    }
    if (!otherContent && p.contentOther) {
      ctx.addIssue({
        code: 'custom',
        path: ['contentOther'],
        message: 'Заполняется только при выборе варианта «ИНОЕ»',
      });
    }
  });
export type Passport = z.infer<typeof PassportSchema>;

/** A4 3.3 form: "допустимо указать не более трех проблем / направлений". */
export const MAX_TOPICS = 3;

export const InternshipApplicationSchema = z
  .strictObject({
    organization: ApplicantOrganizationSchema,
    topics: uniqueList(text(500, 'Тема (проблема) стажировочной площадки'), 'Темы (проблемы)')
      .min(1, 'Укажите тему (проблему) стажировочной площадки')
      .max(MAX_TOPICS, `Допустимо указать не более ${MAX_TOPICS} проблем / направлений`),
    experienceCarrier: ExperienceCarrier.schema,
    proposedPeriod: text(300, 'Предполагаемые сроки реализации программы'),
    head: ApplicantHeadSchema,
    passports: z
      .array(PassportSchema)
      .min(1, 'Приложите паспорт стажировочной площадки')
      .max(MAX_TOPICS, `Не более ${MAX_TOPICS} паспортов: по одному на каждую тему (проблему)`),
  })
  .superRefine((a, ctx) => {
    // The passport form: "при наличии в заявке более одного направления / проблемы на каждое заполняется
    // отдельный паспорт" — exactly one passport per topic, in the order of the topics.
    if (a.passports.length !== a.topics.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['passports'],
        message: `Паспортов должно быть столько же, сколько тем (проблем): ${a.topics.length}`,
      });
    }
    a.passports.forEach((p, i) => {
      const topic = a.topics[i];
      if (topic === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['passports', i],
          message: `Паспорт № ${i + 1} не относится ни к одной теме заявки`,
        });
      } else if (p.topic !== topic) {
        ctx.addIssue({
          code: 'custom',
          path: ['passports', i, 'topic'],
          message: `Тема паспорта № ${i + 1} должна совпадать с темой № ${i + 1} заявки`,
        });
      }
    });
  });

export type InternshipApplicationForm = z.infer<typeof InternshipApplicationSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Inputs of the staff and applicant actions

export const RequestChangesSchema = z.strictObject({
  comments: text(4000, 'Замечания'),
});

export const ResubmitSchema = z.strictObject({ payload: InternshipApplicationSchema });

export const SendToCouncilSchema = z.strictObject({
  councilDate: isoDateField,
});

export const RecordDecisionSchema = z
  .strictObject({
    decision: CouncilDecision.schema,
    protocolNumber: text(50, 'Номер протокола'),
    protocolDate: isoDateField,
    criteria: z.strictObject({
      relevance: CriterionAssessment.schema,
      effectiveness: CriterionAssessment.schema,
      completeness: CriterionAssessment.schema,
    }),
    comment: z.string().trim().max(4000, 'Не более 4000 символов').optional(),
  })
  .superRefine((d, ctx) => {
    if (d.decision === 'rejected' && !d.comment) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Укажите основания отказа' });
    }
  });

export const RecordOrderSchema = z.strictObject({
  orderNumber: text(50, 'Номер приказа'),
  orderDate: isoDateField,
  validUntil: isoDateField.optional(),
});

export const RecordAgreementSchema = z.strictObject({
  agreementNumber: text(50, 'Номер договора'),
  agreementDate: isoDateField,
});

export const TerminateSchema = z.strictObject({
  reason: TerminationReason.schema,
  details: text(4000, 'Обоснование'),
});

/** Actions without fields (`startReview`, the system's `expire`). */
export const NoFieldsSchema = z.strictObject({});

/** What the stages add to the application as it moves (staff entries; the applicant edits only the form). */
export interface InternshipApplicationPayload extends InternshipApplicationForm {
  changeRequests?: { comments: string; requestedAt: string; version: number }[];
  council?: { date: string };
  decision?: z.infer<typeof RecordDecisionSchema>;
  order?: { orderNumber: string; orderDate: string };
  /** Last day of the status (A4 3.9), inclusive; the system expires the site after it (A4 3.11). */
  validUntil?: string;
  agreement?: z.infer<typeof RecordAgreementSchema>;
  termination?: z.infer<typeof TerminateSchema> & { terminatedOn: string };
  expiredOn?: string;
}

/** The part of the payload the applicant filed (what a resubmission replaces). */
export function formPart(p: InternshipApplicationPayload): InternshipApplicationForm {
  const { organization, topics, experienceCarrier, proposedPeriod, head, passports } = p;
  return { organization, topics, experienceCarrier, proposedPeriod, head, passports };
}

export const labels = {
  organization: 'Организация-соискатель',
  'organization.fullName': 'Полное наименование организации-соискателя',
  'organization.municipality': 'Муниципальное образование',
  'organization.actualAddress': 'Фактический адрес организации-соискателя',
  'organization.legalAddress': 'Юридический адрес организации-соискателя',
  'organization.phones': 'Контактные телефоны организации-соискателя',
  'organization.email': 'Адрес электронной почты организации-соискателя',
  'organization.website': 'Адрес официального сайта организации-соискателя',
  topics:
    'Тема (проблема) предлагаемой региональной стажировочной площадки (допустимо указать не более трех проблем / направлений)',
  experienceCarrier: 'Носитель эффективного опыта, образовательной практики',
  proposedPeriod: 'Предполагаемые сроки реализации программы',
  head: 'Руководитель организации-соискателя',
  'head.person': 'Ф.И.О.',
  'head.position': 'Должность',
  'head.phones': 'Контактные телефоны',
  'head.email': 'Адрес электронной почты',
  passports: 'Паспорт региональной стажировочной площадки (на каждую тему — отдельный паспорт)',
  'passports.headName': 'Ф.И.О. руководителя образовательной организации',
  'passports.contacts': 'Контактные данные образовательной организации (почтовый адрес, телефон, email)',
  'passports.website': 'Адрес официального сайта в сети Интернет',
  'passports.socialAccounts': 'Официальные аккаунты и / или каналы (заполняется при наличии)',
  'passports.topic': 'Тема стажировочной площадки',
  'passports.direction': 'Направление стажировочной площадки',
  'passports.directionOther': 'ИНОЕ (заполняется самостоятельно)',
  'passports.carrier': 'Представитель / носитель опыта',
  'passports.carrier.subjectOrTopic': 'Предмет / методическая тема (проблема)',
  'passports.audience': 'Целевая аудитория стажировочной площадки',
  'passports.audience.specification':
    'Целевую аудиторию необходимо конкретизировать (предмет, особая группа педагогических работников и т.п.)',
  'passports.maxPlaces': 'Максимальное количество стажировочных мест',
  'passports.interactionFormats': 'Формат взаимодействия с целевой аудиторией',
  'passports.justification.problem': 'Краткое описание проблемы, которую решает стажировочная площадка',
  'passports.justification.effectiveness':
    'Результативность и эффективность представляемой практики (должна быть подтверждена)',
  'passports.justification.innovationPlatform':
    'Наличие статуса федеральной и/или региональной инновационной площадки (тематика, сроки реализации программы; учитывается программа, завершённая не более 5 лет назад)',
  'passports.justification.positiveExperience':
    'Наличие положительного подтвержденного опыта в различных направлениях деятельности, направленного на решение приоритетных задач развития региональной системы образования',
  'passports.justification.cooperation':
    'Опыт сотрудничества с ГАУ ДПО СОИРО по различным направлениям деятельности',
  'passports.justification.staffCompetence':
    'Уровень профессиональной компетенции педагогических и управленческих кадров',
  'passports.justification.staffCompetence.highestCategoryTeachers':
    'Педагоги высшей квалификационной категории (чел.)',
  'passports.justification.staffCompetence.contestWinners':
    'Победители профессиональных конкурсов и отборов (чел.)',
  'passports.formats': 'Предполагаемые форматы деятельности',
  'passports.contents': 'Предполагаемые варианты содержания деятельности стажировочной площадки',
  'passports.contentOther': 'ИНОЕ (заполняется самостоятельно)',
};

export const enums = {
  direction: InternshipDirection.labels,
  experienceCarrier: ExperienceCarrier.labels,
  carrierKind: CarrierKind.labels,
  audienceGroup: AudienceGroup.labels,
  interactionFormat: InteractionFormat.labels,
  format: ActivityFormat.labels,
  content: ActivityContent.labels,
  innovationPlatformLevel: InnovationPlatformLevel.labels,
  terminationReason: TerminationReason.labels,
  terminationItem: TERMINATION_ITEMS,
  criterion: DecisionCriterion.labels,
  assessment: CriterionAssessment.labels,
  decision: CouncilDecision.labels,
};
