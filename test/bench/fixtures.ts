import type { RecordState } from '../../functions/core/kind';

/**
 * The two benchmark documents' data (issue 3/8): a route card (Карта ИОМ, seed 004 Appendix 3) with a realistic
 * roadmap, and a collective request whose consent sheet lists 300 teachers. Deterministic (no randomness, no
 * clock), so the benchmark and the golden images see the same content every run. Shapes follow DOMAIN.md.
 */

const CREATED = '2026-11-16T07:30:00.000Z';

export const ROUTE_PAYLOAD = {
  model: 'diagnostics',
  teacher: {
    person: { lastName: 'Корнилова', firstName: 'Екатерина', middleName: 'Владимировна' },
    email: 'e.kornilova@school5.example.ru',
    phone: '+79107654321',
    organization: {
      name: 'Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 5» города Смоленска',
      municipality: 'город Смоленск',
      inn: '6731012345',
    },
    position: 'учитель математики',
    subject: 'математика',
    education: 'higher-pedagogical',
    experienceYears: 12,
    category: 'first',
  },
  head: {
    person: { lastName: 'Белоусов', firstName: 'Андрей', middleName: 'Николаевич' },
    email: 'director@school5.example.ru',
  },
  curator: {
    person: { lastName: 'Сафронова', firstName: 'Ольга', middleName: 'Игоревна' },
    email: 'o.safronova@soiro.example.ru',
    role: 'lecturer',
  },
  diagnostics: {
    form: 'standardized',
    date: '2026-10-14',
    level: 'medium',
    deficits: [
      { code: 'П-1.2', title: 'Решение задач с параметрами повышенного уровня сложности' },
      { code: 'П-3.1', title: 'Методы решения текстовых задач на движение и совместную работу' },
      { code: 'М-2.4', title: 'Проектирование урока в логике системно-деятельностного подхода' },
      { code: 'М-4.1', title: 'Формирующее оценивание образовательных результатов обучающихся' },
      { code: 'Ц-1.3', title: 'Использование цифровых образовательных ресурсов и платформ на уроке' },
      { code: 'К-2.2', title: 'Организация продуктивной групповой работы обучающихся' },
    ],
    recommendations: [
      'Пройти обучение по дополнительной профессиональной программе «Методика решения задач повышенного уровня сложности в курсе алгебры основной школы» (36 ч).',
      'Принять участие в работе регионального методического объединения учителей математики.',
      'Подготовить и провести открытый урок с применением приёмов формирующего оценивания.',
    ],
  },
  roadmap: {
    start: '2026-11-23',
    end: '2027-06-30',
    activities: [
      {
        id: 'a-knowl-01',
        category: 'knowledge',
        title:
          'Обучение по дополнительной профессиональной программе повышения квалификации «Методика решения задач повышенного уровня сложности в курсе алгебры основной школы» (36 ч), ГАУ ДПО СОИРО',
        period: { from: '2026-11-23', to: '2026-12-18' },
        deficitCodes: ['П-1.2', 'П-3.1'],
      },
      {
        id: 'a-knowl-02',
        category: 'knowledge',
        title:
          'Стажировка на базе региональной стажировочной площадки МБОУ «Лицей № 1 им. академика Б.Н. Петрова»',
        period: { from: '2027-02-01', to: '2027-02-12' },
        deficitCodes: ['М-2.4', 'Ц-1.3'],
      },
      {
        id: 'a-exch-01',
        category: 'exchange',
        title: 'Участие в вебинаре «Формирующее оценивание на уроках математики: приёмы и инструменты»',
        period: { from: '2027-01-20', to: '2027-01-20' },
        deficitCodes: ['М-4.1'],
      },
      {
        id: 'a-exch-02',
        category: 'exchange',
        title: 'Посещение уроков учителей-методистов (не менее 4 уроков) с последующим анализом',
        period: { from: '2027-01-11', to: '2027-03-31' },
        deficitCodes: ['М-2.4', 'К-2.2'],
      },
      {
        id: 'a-demo-01',
        category: 'demonstration',
        title:
          'Открытый урок в 8 классе «Решение текстовых задач с помощью уравнений» с применением групповой работы',
        period: { from: '2027-04-05', to: '2027-04-16' },
        deficitCodes: ['П-3.1', 'К-2.2', 'М-4.1'],
      },
      {
        id: 'a-ment-01',
        category: 'mentoring',
        title:
          'Работа в паре «наставник — наставляемый» с учителем высшей категории по проектированию уроков',
        period: { from: '2026-12-01', to: '2027-05-31' },
        deficitCodes: ['М-2.4', 'Ц-1.3'],
      },
      {
        id: 'a-burn-01',
        category: 'burnout',
        title: 'Тренинг «Ресурсное состояние педагога: профилактика профессионального выгорания»',
        period: { from: '2027-03-15', to: '2027-03-15' },
        deficitCodes: ['К-2.2'],
      },
    ],
    nextDiagnosticsDate: '2027-06-15',
    developedOn: '2026-11-16',
  },
  revision: 1,
  changeLog: [],
};

export function routeRecord(): RecordState<unknown> {
  return {
    id: '3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f1a2b3c',
    kind: 'route',
    number: 'ИОМ-67-2026-00042',
    stage: 'review',
    version: 3,
    createdAt: CREATED,
    updatedAt: '2026-11-18T09:05:00.000Z',
    enteredAt: '2026-11-18T09:05:00.000Z',
    payload: structuredClone(ROUTE_PAYLOAD),
  };
}

const LAST = [
  ['Иванов', 'Иванова'],
  ['Смирнов', 'Смирнова'],
  ['Кузнецов', 'Кузнецова'],
  ['Попов', 'Попова'],
  ['Васильев', 'Васильева'],
  ['Петров', 'Петрова'],
  ['Соколов', 'Соколова'],
  ['Михайлов', 'Михайлова'],
  ['Новиков', 'Новикова'],
  ['Фёдоров', 'Фёдорова'],
  ['Морозов', 'Морозова'],
  ['Волков', 'Волкова'],
  ['Алексеев', 'Алексеева'],
  ['Лебедев', 'Лебедева'],
  ['Семёнов', 'Семёнова'],
  ['Егоров', 'Егорова'],
  ['Павлов', 'Павлова'],
  ['Козлов', 'Козлова'],
  ['Степанов', 'Степанова'],
  ['Николаев', 'Николаева'],
  ['Орлов', 'Орлова'],
  ['Андреев', 'Андреева'],
  ['Макаров', 'Макарова'],
  ['Никитин', 'Никитина'],
  ['Захаров', 'Захарова'],
  ['Щербаков', 'Щербакова'],
] as const;
const FIRST_M = [
  'Александр',
  'Дмитрий',
  'Сергей',
  'Андрей',
  'Алексей',
  'Михаил',
  'Игорь',
  'Юрий',
  'Владимир',
];
const FIRST_F = [
  'Елена',
  'Ольга',
  'Наталья',
  'Татьяна',
  'Ирина',
  'Светлана',
  'Анна',
  'Юлия',
  'Марина',
  'Людмила',
];
const MIDDLE = [
  ['Александрович', 'Александровна'],
  ['Сергеевич', 'Сергеевна'],
  ['Викторович', 'Викторовна'],
  ['Николаевич', 'Николаевна'],
  ['Петрович', 'Петровна'],
  ['Юрьевич', 'Юрьевна'],
  ['Владимирович', 'Владимировна'],
] as const;
const SUBJECTS = [
  'математика',
  'русский язык',
  'литература',
  'физика',
  'химия',
  'биология',
  'история',
  'обществознание',
  'география',
  'английский язык',
  'информатика',
];
const BLOCK_SETS = [
  ['subject', 'methodical'],
  ['subject', 'methodical', 'digital'],
  ['subject', 'methodical', 'psychological', 'communicative', 'digital'],
  ['methodical', 'communicative'],
  ['subject'],
];

/** A collective request of one school group with `count` participant rows (a teacher of two subjects twice). */
export function collectivePayload(count: number) {
  const participants = Array.from({ length: count }, (_, i) => {
    const female = i % 4 !== 0;
    const last = LAST[(i * 7) % LAST.length]![female ? 1 : 0];
    const first = female ? FIRST_F[(i * 3) % FIRST_F.length]! : FIRST_M[(i * 5) % FIRST_M.length]!;
    const middle = MIDDLE[(i * 11) % MIDDLE.length]![female ? 1 : 0];
    const minute = String((i * 7) % 60).padStart(2, '0');
    const hour = String(9 + (i % 9)).padStart(2, '0');
    return {
      id: `p-${String(i + 1).padStart(4, '0')}`,
      person: { lastName: last, firstName: first, middleName: middle },
      email: `teacher${i + 1}@school-group.example.ru`,
      subject: SUBJECTS[i % SUBJECTS.length]!,
      blocks: BLOCK_SETS[i % BLOCK_SETS.length]!,
      consent: {
        state: 'given',
        at: `2026-11-${String(17 + (i % 3)).padStart(2, '0')}T${hour}:${minute}:00.000Z`,
      },
    };
  });
  return {
    organization: {
      name: 'Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 33» города Смоленска',
      municipality: 'город Смоленск',
      inn: '6731054321',
    },
    head: {
      person: { lastName: 'Григорьева', firstName: 'Надежда', middleName: 'Алексеевна' },
      position: 'директор',
      email: 'director@school33.example.ru',
    },
    period: { from: '2026-12-01', to: '2026-12-18' },
    blocks: ['subject', 'methodical', 'psychological', 'communicative', 'digital'],
    participants,
    outgoingNumber: '01-12/518',
    letterDate: '2026-11-16',
  };
}

export function collectiveRecord(count = 300): RecordState<unknown> {
  return {
    id: '7a2d9c41-0e3b-4f5a-8c6d-1b2e3f4a5b6c',
    kind: 'collective-diagnostics-request',
    number: 'КЗ-67-2026-00017',
    stage: 'submitted',
    version: 305,
    createdAt: CREATED,
    updatedAt: '2026-11-19T12:00:00.000Z',
    enteredAt: '2026-11-19T12:00:00.000Z',
    payload: collectivePayload(count),
  };
}
