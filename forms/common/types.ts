import { emailField } from '../../functions/core/fields';
import * as z from '../../functions/core/zod-ru';

/** Common types of DOMAIN.md, shared by every kind. Messages are Russian and name the rule, never the value. */

export { emailField };

/**
 * Control characters other than tab and line breaks: nobody types them, and the documents' fonts have no glyph
 * for them, so a record holding one could never get its PDFs (the outbox would fail on it for good).
 */
const noControl = (v: string) =>
  ![...v].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || (code >= 0x7f && code <= 0x9f);
  });
const controlMessage = (label: string) => `Поле «${label}» содержит недопустимые управляющие символы`;

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .min(1, `Заполните поле «${label}»`)
    .max(max, `Поле «${label}» — не более ${max} символов`)
    .refine(noControl, controlMessage(label));

export { text };

export const PersonSchema = z.strictObject({
  lastName: text(100, 'Фамилия'),
  firstName: text(100, 'Имя'),
  middleName: z
    .string()
    .trim()
    .max(100, 'Поле «Отчество» — не более 100 символов')
    .refine(noControl, controlMessage('Отчество'))
    .optional(),
});
export type Person = z.infer<typeof PersonSchema>;

/**
 * Russian phone numbers in any usual writing ("8 (4812) 38-12-34", "+7 912 345-67-89"), stored as +7XXXXXXXXXX.
 */
export const phoneField = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const digits = raw.replace(/\D/g, '');
    const national =
      digits.length === 11 && /^[78]/.test(digits) ? digits.slice(1) : digits.length === 10 ? digits : '';
    if (!/^\d{10}$/.test(national) || !/^[+\d\s()-]+$/.test(raw)) {
      ctx.addIssue({
        code: 'custom',
        message: 'Укажите российский номер телефона, например +7 912 345-67-89',
      });
      return z.NEVER;
    }
    return `+7${national}`;
  });

/** INN of an organisation: 10 digits with the checksum of the Federal Tax Service. */
export function isValidInn10(inn: string): boolean {
  if (!/^\d{10}$/.test(inn)) return false;
  const weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(inn[i]), 0);
  return (sum % 11) % 10 === Number(inn[9]);
}

export const OrganizationSchema = z.strictObject({
  name: text(500, 'Наименование организации'),
  municipality: text(200, 'Муниципальное образование'),
  inn: z
    .string()
    .trim()
    .refine(isValidInn10, 'ИНН организации — 10 цифр с верной контрольной цифрой')
    .optional(),
});
export type Organization = z.infer<typeof OrganizationSchema>;

export const isoDateField = z.iso.date('Укажите дату в формате ГГГГ-ММ-ДД');

export const PeriodSchema = z
  .strictObject({ from: isoDateField, to: isoDateField })
  .refine((p) => p.from <= p.to, { message: 'Дата начала позже даты окончания', path: ['to'] });
export type Period = z.infer<typeof PeriodSchema>;

/** An enumeration with its Russian labels (DOMAIN.md, "Enumerations"): one source for schema, forms and PDFs. */
export function labelledEnum<const T extends Record<string, string>>(labels: T, message: string) {
  const values = Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];
  return { schema: z.enum(values, message), labels };
}

export const TeacherBlock = labelledEnum(
  {
    subject: 'предметный',
    methodical: 'методический',
    psychological: 'психолого-педагогический',
    communicative: 'коммуникативный',
    digital: 'цифровая грамотность и ИКТ',
  },
  'Выберите диагностический блок из списка',
);

export const ManagerBlock = labelledEnum(
  {
    processes: 'управление процессами',
    resources: 'управление ресурсами',
    staff: 'управление кадрами',
    results: 'управление результатами',
    information: 'управление информацией',
  },
  'Выберите диагностический блок из списка',
);

export const DiagnosticForm = labelledEnum(
  {
    standardized: 'на основании стандартизированных оценочных процедур',
    self: 'самодиагностика на основании рефлексии',
    performance: 'на основании результатов профессиональной деятельности',
    expert: 'на основании экспертной оценки практической деятельности',
  },
  'Выберите форму диагностики из списка',
);

export const DeficitLevel = labelledEnum(
  { high: 'высокий', medium: 'средний', low: 'низкий' },
  'Выберите уровень из списка',
);

/** A list without repeats, with the position of the first repeat in the message's path. */
export function uniqueList<T extends z.ZodType>(item: T, label: string) {
  return z.array(item).superRefine((list, ctx) => {
    const seen = new Set<unknown>();
    list.forEach((value, i) => {
      if (seen.has(value))
        ctx.addIssue({ code: 'custom', message: `«${label}»: значения не должны повторяться`, path: [i] });
      seen.add(value);
    });
  });
}

export const personalDataConsentField = z.literal(true, {
  message: 'Без согласия на обработку персональных данных заявка не может быть принята',
});

export const Education = labelledEnum(
  {
    'higher-pedagogical': 'высшее педагогическое',
    'higher-other': 'высшее (непедагогическое)',
    'vocational-pedagogical': 'среднее профессиональное педагогическое',
    'vocational-other': 'среднее профессиональное (непедагогическое)',
  },
  'Выберите уровень образования из списка',
);

export const QualificationCategory = labelledEnum(
  {
    none: 'без категории',
    conformity: 'соответствие занимаемой должности',
    first: 'первая',
    highest: 'высшая',
    methodist: 'педагог-методист',
    mentor: 'педагог-наставник',
  },
  'Выберите квалификационную категорию из списка',
);

/** A3 2.3: the three models of an individual educational route. */
export const RouteModel = labelledEnum(
  {
    diagnostics: 'ИОМ на основе диагностики профессиональных дефицитов',
    'post-course': 'ИОМ как элемент посткурсового сопровождения',
    mentoring: 'ИОМ как часть программы наставничества',
  },
  'Выберите модель ИОМ из списка',
);

/** A3 5.6: categories of route activities, in the order of the route card's roadmap. */
export const ActivityCategory = labelledEnum(
  {
    knowledge: 'получение дополнительных знаний, опыта',
    exchange: 'профессиональное развитие и обмен опытом',
    demonstration: 'демонстрация личного опыта',
    mentoring: 'наставничество',
    burnout: 'профилактика профессионального выгорания',
  },
  'Выберите категорию мероприятия из списка',
);
