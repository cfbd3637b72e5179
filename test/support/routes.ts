import { randomUUID } from 'node:crypto';

/**
 * Realistic routes (ИОМ) of a Smolensk mathematics teacher after a diagnostics of professional deficits: three
 * deficits, a nine-month roadmap with activities in four of the five categories of the route card (A3 5.6).
 * Every call makes unique addresses (all integration files share one stack).
 */

export const DEFICITS = [
  { code: 'М-2', title: 'Проектирование уроков с использованием цифровых образовательных ресурсов' },
  { code: 'Ц-1', title: 'Организация дистанционного взаимодействия с обучающимися' },
  { code: 'П-3', title: 'Формирование функциональной (математической) грамотности обучающихся' },
];

export function uniqueAddress(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@school.example.ru`;
}

/** `YYYY-MM-DD` plus days (calendar arithmetic, UTC). */
export function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function plusMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export interface RouteParties {
  teacher: string;
  curator: string;
  head: string;
}

export function routeParties(): RouteParties {
  return {
    teacher: uniqueAddress('ivanova'),
    curator: uniqueAddress('petrova'),
    head: uniqueAddress('sidorov'),
  };
}

/** The roadmap of nine months from `start`: five activities, every deficit covered. */
export function roadmap(start: string) {
  const end = plusDays(plusMonths(start, 9), -1);
  return {
    start,
    end,
    activities: [
      {
        category: 'knowledge',
        title:
          'Курсы повышения квалификации «Цифровая дидактика: проектирование урока с ЭОР» (ГАУ ДПО СОИРО, 36 ч)',
        period: { from: plusDays(start, 7), to: plusDays(start, 37) },
        deficitCodes: ['М-2', 'Ц-1'],
      },
      {
        category: 'exchange',
        title: 'Региональный семинар «Функциональная грамотность на уроках математики»',
        period: { from: plusDays(start, 45), to: plusDays(start, 45) },
        deficitCodes: ['П-3'],
      },
      {
        category: 'exchange',
        title: 'Посещение открытых уроков учителей-методистов МБОУ «Средняя школа № 33» г. Смоленска',
        period: { from: plusDays(start, 60), to: plusDays(start, 120) },
        deficitCodes: ['М-2'],
      },
      {
        category: 'demonstration',
        title: 'Открытый урок в 7 классе с использованием цифровой образовательной платформы',
        period: { from: plusDays(start, 150), to: plusDays(start, 160) },
        deficitCodes: ['Ц-1', 'П-3'],
      },
      {
        category: 'mentoring',
        title: 'Работа в паре «наставник — наставляемый» с учителем математики высшей категории',
        period: { from: start, to: plusDays(end, -14) },
        deficitCodes: ['М-2'],
      },
    ],
    nextDiagnosticsDate: plusDays(end, 14),
    developedOn: start,
  };
}

/** A complete route payload as the centre would post it (model: diagnostics, medium level → a lecturer curates). */
export function routeFixture(
  options: { parties?: RouteParties; start?: string; diagnosticsDate?: string } = {},
) {
  const parties = options.parties ?? routeParties();
  const start = options.start ?? '2026-03-02';
  return {
    model: 'diagnostics',
    teacher: {
      person: { lastName: 'Иванова', firstName: 'Мария', middleName: 'Петровна' },
      email: parties.teacher,
      phone: '8 (912) 345-67-89',
      organization: { name: 'МБОУ «Средняя школа № 5» г. Смоленска', municipality: 'город Смоленск' },
      position: 'учитель математики',
      subject: 'математика',
      education: 'higher-pedagogical',
      experienceYears: 12,
      category: 'first',
    },
    head: {
      person: { lastName: 'Сидоров', firstName: 'Андрей', middleName: 'Викторович' },
      email: parties.head,
    },
    curator: {
      person: { lastName: 'Петрова', firstName: 'Ольга', middleName: 'Николаевна' },
      email: parties.curator,
      role: 'lecturer',
    },
    diagnostics: {
      form: 'standardized',
      date: options.diagnosticsDate ?? plusDays(start, -14),
      level: 'medium',
      deficits: DEFICITS,
      recommendations: [
        'Пройти курсы повышения квалификации по цифровой дидактике',
        'Посещать открытые уроки учителей-методистов и участвовать в их обсуждении',
      ],
    },
    roadmap: roadmap(start),
  };
}

/** What the centre adds to a route made from a diagnostics result: everything the result does not carry. */
export function routeCompletion(parties: RouteParties, start: string) {
  return {
    model: 'diagnostics',
    teacher: { education: 'higher-pedagogical', experienceYears: 12, category: 'first' },
    head: {
      person: { lastName: 'Сидоров', firstName: 'Андрей', middleName: 'Викторович' },
      email: parties.head,
    },
    curator: {
      person: { lastName: 'Петрова', firstName: 'Ольга', middleName: 'Николаевна' },
      email: parties.curator,
      role: 'lecturer',
    },
    roadmap: roadmap(start),
  };
}
