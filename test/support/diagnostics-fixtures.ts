import { randomUUID } from 'node:crypto';

/**
 * Realistic data of the diagnostics of professional deficits (seed 004, Appendix 2) in the Smolensk region:
 * schools, teachers, subjects, blocks, results with deficit codes. Every call makes unique addresses, since all
 * integration test files share one stack.
 */

/** A valid 10-digit INN of an organisation from its first nine digits (the Federal Tax Service checksum). */
export function innOf(nine: string): string {
  const weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(nine[i]), 0);
  return `${nine}${(sum % 11) % 10}`;
}

export const SCHOOLS = {
  smolensk33: {
    name: 'Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 33» города Смоленска',
    municipality: 'город Смоленск',
    inn: innOf('673102451'),
  },
  vyazma2: {
    name: 'МБОУ «Средняя школа № 2» г. Вязьмы Смоленской области',
    municipality: 'Вяземский район',
    inn: innOf('672200718'),
  },
  gagarin1: {
    name: 'МБОУ «Гагаринская средняя школа № 1»',
    municipality: 'Гагаринский район',
    inn: innOf('672300254'),
  },
  roslavl9: {
    name: 'МБОУ «Средняя школа № 9» г. Рославля',
    municipality: 'Рославльский район',
    inn: innOf('672500913'),
  },
  safonovo4: {
    name: 'МБОУ «Средняя школа № 4» г. Сафоново',
    municipality: 'Сафоновский район',
    inn: innOf('672600387'),
  },
} as const;

export type SchoolKey = keyof typeof SCHOOLS;

export function tag(): string {
  return randomUUID().slice(0, 8);
}

/** A unique address at a school's mail domain. */
export function schoolEmail(local: string, t = tag()): string {
  return `${local}-${t}@school.example.ru`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Today in the instance's time zone (Smolensk: Moscow time), as the rules see it. */
export function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
}

interface Person {
  lastName: string;
  firstName: string;
  middleName?: string;
}

/** Ten teachers of one school; the first two teach two subjects each (footnote * of the consent form). */
export const TEACHERS: { person: Person; local: string; subjects: string[] }[] = [
  {
    person: { lastName: 'Ковалёва', firstName: 'Ирина', middleName: 'Николаевна' },
    local: 'kovaleva',
    subjects: ['математика', 'информатика'],
  },
  {
    person: { lastName: 'Соколов', firstName: 'Андрей', middleName: 'Викторович' },
    local: 'sokolov',
    subjects: ['русский язык', 'литература'],
  },
  {
    person: { lastName: 'Морозова', firstName: 'Елена', middleName: 'Сергеевна' },
    local: 'morozova',
    subjects: ['математика'],
  },
  {
    person: { lastName: 'Новикова', firstName: 'Татьяна', middleName: 'Александровна' },
    local: 'novikova',
    subjects: ['русский язык'],
  },
  {
    person: { lastName: 'Петров', firstName: 'Дмитрий', middleName: 'Игоревич' },
    local: 'petrov',
    subjects: ['физика'],
  },
  {
    person: { lastName: 'Васильева', firstName: 'Ольга', middleName: 'Михайловна' },
    local: 'vasilyeva',
    subjects: ['математика'],
  },
  {
    person: { lastName: 'Фёдорова', firstName: 'Наталья', middleName: 'Владимировна' },
    local: 'fedorova',
    subjects: ['история'],
  },
  {
    person: { lastName: 'Захаров', firstName: 'Сергей', middleName: 'Павлович' },
    local: 'zakharov',
    subjects: ['биология'],
  },
  {
    person: { lastName: 'Белова', firstName: 'Светлана', middleName: 'Юрьевна' },
    local: 'belova',
    subjects: ['английский язык'],
  },
  {
    person: { lastName: 'Кузнецова', firstName: 'Анна', middleName: 'Геннадьевна' },
    local: 'kuznetsova',
    subjects: ['литература'],
  },
];

export interface Row {
  person: Person;
  email: string;
  subject: string;
  blocks: string[];
}

/**
 * Participant rows of a collective request: one per teacher and subject, `count` of them at most, with addresses
 * unique to this call.
 */
export function participantRows(count = 12, t = tag()): Row[] {
  const rows: Row[] = [];
  for (const teacher of TEACHERS) {
    for (const subject of teacher.subjects) {
      rows.push({
        person: teacher.person,
        email: schoolEmail(teacher.local, t),
        subject,
        blocks: rows.length % 3 === 2 ? ['subject', 'methodical'] : ['subject', 'methodical', 'digital'],
      });
    }
  }
  return rows.slice(0, count);
}

/** A collective request of a school (the sample letter of A2). */
export function collectiveRequest(
  options: {
    school?: SchoolKey;
    rows?: Row[];
    period?: { from: string; to: string };
    headEmail?: string;
  } = {},
) {
  const rows = options.rows ?? participantRows();
  const period = options.period ?? { from: addDays(today(), 14), to: addDays(today(), 28) };
  return {
    organization: SCHOOLS[options.school ?? 'smolensk33'],
    head: {
      person: { lastName: 'Григорьева', firstName: 'Надежда', middleName: 'Алексеевна' },
      position: 'Директор',
      email: options.headEmail ?? schoolEmail('director'),
      phone: '8 (4812) 55-21-33',
    },
    period,
    blocks: ['subject', 'methodical', 'digital'],
    participants: rows,
    outgoingNumber: '01-12/518',
    letterDate: addDays(period.from, -10),
  };
}

/** An individual request of a teacher (A2 5.9.3: on a personal application). */
export function individualRequest(
  options: {
    school?: SchoolKey;
    email?: string;
    period?: { from: string; to: string };
    person?: Person;
    subject?: string;
  } = {},
) {
  const period = options.period ?? { from: addDays(today(), 10), to: addDays(today(), 30) };
  const subject = options.subject ?? 'математика';
  return {
    participant: {
      person: options.person ?? { lastName: 'Лебедева', firstName: 'Марина', middleName: 'Олеговна' },
      email: options.email ?? schoolEmail('lebedeva'),
      phone: '+7 915 630-12-48',
      organization: SCHOOLS[options.school ?? 'roslavl9'],
      position: `учитель (${subject})`,
      category: 'teacher',
      subjects: [subject],
    },
    form: 'standardized',
    blocks: ['subject', 'methodical', 'digital'],
    subject,
    preferredPeriod: period,
    comment: 'Удобнее во второй половине дня, после уроков.',
    personalDataConsent: true,
  };
}

export const DEFICITS = {
  lesson: { code: 'ПД-1.2', title: 'Проектирование урока с учётом требований обновлённых ФГОС' },
  literacy: { code: 'МД-2.3', title: 'Формирование функциональной грамотности обучающихся' },
  assessment: { code: 'МД-2.5', title: 'Критериальное оценивание образовательных результатов' },
  digital: { code: 'ЦД-4.1', title: 'Использование цифровых образовательных ресурсов ФГИС «Моя школа»' },
};

/** Results of one participant as the operator issues them (private: A2 6.3). */
export function results(
  level: 'high' | 'medium' | 'low' = 'medium',
  deficits: { code: string; title: string }[] = [DEFICITS.lesson, DEFICITS.digital],
) {
  return {
    level,
    blocks: [
      { block: 'subject', level: 'low', score: 18, maxScore: 20 },
      { block: 'methodical', level, score: 11, maxScore: 20 },
    ],
    deficits,
    recommendations: [
      'Пройти курсы повышения квалификации «Цифровая дидактика» в ГАУ ДПО СОИРО',
      'Посетить открытые уроки педагогов-наставников муниципального методического объединения',
    ],
  };
}
