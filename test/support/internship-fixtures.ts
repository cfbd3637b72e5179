import { randomUUID } from 'node:crypto';

/**
 * Applications for the status «региональная стажировочная площадка» (seed 004, Appendix 4) from schools of the
 * Smolensk region, with one passport per topic. Addresses, phones and mailboxes are made up (example domains);
 * every call gets unique mailboxes, since integration test files share one stack.
 */

export function uniqueMailbox(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@school.example.ru`;
}

const SCHOOL_40 = {
  fullName: 'Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 40» города Смоленска',
  municipality: 'город Смоленск',
  actualAddress: '214019, г. Смоленск, ул. Кирова, д. 27а',
  legalAddress: '214019, г. Смоленск, ул. Кирова, д. 27а',
  phones: ['8 (4812) 55-41-07', '+7 (4812) 55-41-09'],
  website: 'https://sch40-smolensk.example.ru',
};

const HEAD_40 = {
  person: { lastName: 'Ковалёва', firstName: 'Ирина', middleName: 'Викторовна' },
  position: 'директор',
  phones: ['+7 910 712-34-56'],
};

/** Passport 1: functional literacy, the organisation carries the experience; a regional innovation platform. */
function readingPassport(orgEmail: string) {
  return {
    headName: HEAD_40.person,
    contacts: { postalAddress: SCHOOL_40.legalAddress, phone: '8 (4812) 55-41-07', email: orgEmail },
    website: SCHOOL_40.website,
    socialAccounts: ['https://vk.com/sch40smolensk'],
    topic: 'Формирование читательской грамотности обучающихся 5–9 классов средствами смыслового чтения',
    direction: 'functional-literacy',
    carrier: { kind: 'organization' },
    audience: {
      groups: ['teachers', 'school-teams'],
      specification:
        'учителя русского языка и литературы, истории, биологии основной школы; школьные команды',
    },
    maxPlaces: 25,
    interactionFormats: ['group'],
    justification: {
      problem:
        'Низкие результаты обучающихся основной школы в заданиях на понимание и интерпретацию текста (ВПР, PISA-подобные задания).',
      effectiveness:
        'Доля обучающихся 7-х классов, выполнивших задания на читательскую грамотность на базовом уровне, выросла с 58 % (2022) до 81 % (2025) по данным региональной диагностики.',
      innovationPlatform: {
        level: 'regional',
        topic: 'Смысловое чтение как метапредметный результат основной школы',
        programFrom: '2021-09-01',
        programTo: '2024-06-30',
      },
      positiveExperience:
        'Межмуниципальный семинар «Читаем вместе» (2024), 4 открытых урока для учителей города.',
      staffCompetence: {
        highestCategoryTeachers: 14,
        contestWinners: 2,
        notes: 'Победитель регионального этапа конкурса «Учитель года – 2023».',
      },
    },
    formats: ['practical-module', 'field-sessions'],
    contents: ['modules-development', 'practical-classes'],
  };
}

/** Passport 2: digital technologies; cooperation with the institute and highest-category teachers. */
function digitalPassport(orgEmail: string) {
  return {
    headName: HEAD_40.person,
    contacts: { postalAddress: SCHOOL_40.legalAddress, phone: '+7 (4812) 55-41-09', email: orgEmail },
    website: 'sch40-smolensk.example.ru',
    topic: 'Цифровая образовательная среда урока: сервисы ФГИС «Моя школа» в основной школе',
    direction: 'digital',
    carrier: { kind: 'organization' },
    audience: {
      groups: ['teachers', 'managers'],
      specification: 'учителя-предметники и заместители директоров по УВР',
    },
    maxPlaces: 15,
    interactionFormats: ['group', 'individual'],
    justification: {
      problem: 'Учителя используют цифровые сервисы фрагментарно, без опоры на дидактические цели урока.',
      effectiveness:
        '92 % уроков в 2024/25 учебном году проведены с использованием ФГИС «Моя школа» (данные мониторинга ОО).',
      cooperation:
        'С 2022 года — базовая площадка курсов повышения квалификации ГАУ ДПО СОИРО по цифровой дидактике.',
      staffCompetence: { highestCategoryTeachers: 9, contestWinners: 0 },
    },
    formats: ['standalone-internship', 'routes'],
    contents: ['internship', 'route-events'],
  };
}

/** Passport 3: a teacher carries the experience; direction «ИНОЕ». */
function mediationPassport(orgEmail: string) {
  return {
    headName: HEAD_40.person,
    contacts: { postalAddress: SCHOOL_40.legalAddress, phone: '8 (4812) 55-41-07', email: orgEmail },
    topic: 'Школьная служба медиации как ресурс профилактики конфликтов',
    direction: 'other',
    directionOther: 'Восстановительные технологии и школьная медиация',
    carrier: {
      kind: 'teacher',
      person: { lastName: 'Сергеенкова', firstName: 'Ольга', middleName: 'Николаевна' },
      subjectOrTopic: 'педагог-психолог; восстановительная медиация в школе',
    },
    audience: {
      groups: ['teachers'],
      specification: 'педагоги-психологи, социальные педагоги, классные руководители',
    },
    maxPlaces: 12,
    interactionFormats: ['individual'],
    justification: {
      problem: 'Рост числа конфликтов между участниками образовательных отношений в 5–8 классах.',
      effectiveness: 'Число обращений в комиссию по урегулированию споров снизилось с 11 (2022) до 2 (2025).',
      staffCompetence: { highestCategoryTeachers: 3, contestWinners: 1 },
    },
    formats: ['routes'],
    contents: ['own-models', 'other'],
    contentOther: 'супервизия случаев медиации для выпускников стажировки',
  };
}

export interface ApplicationFixture {
  organizationEmail: string;
  headEmail: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests change fields of every depth
  body: any;
}

/** A valid application of «Средняя школа № 40» of Smolensk with 1–3 topics. */
export function internshipApplication(topics: 1 | 2 | 3 = 3): ApplicationFixture {
  const organizationEmail = uniqueMailbox('sch40');
  const headEmail = uniqueMailbox('director40');
  const passports = [
    readingPassport(organizationEmail),
    digitalPassport(organizationEmail),
    mediationPassport(organizationEmail),
  ].slice(0, topics);
  return {
    organizationEmail,
    headEmail,
    body: {
      organization: { ...SCHOOL_40, email: organizationEmail },
      topics: passports.map((p) => p.topic as string),
      experienceCarrier: 'organization',
      proposedPeriod: 'январь 2027 г. — декабрь 2029 г.',
      head: { ...HEAD_40, email: headEmail },
      passports,
    },
  };
}

/** A small rural school with one topic: «Печерская средняя школа» of the Smolensk municipal district. */
export function ruralApplication(): ApplicationFixture {
  const organizationEmail = uniqueMailbox('pecherskschool');
  const headEmail = uniqueMailbox('director-pechersk');
  const head = {
    person: { lastName: 'Мамонтов', firstName: 'Алексей', middleName: 'Сергеевич' },
    position: 'директор',
    phones: ['+7 951 700-12-34'],
    email: headEmail,
  };
  const passport = {
    headName: head.person,
    // The head put his own mobile and mailbox into the organisation's contact block.
    contacts: {
      postalAddress: '214525, Смоленская обл., Смоленский р-н, с. Печерск, ул. Школьная, д. 1',
      phone: '+7 951 700-12-34',
      email: headEmail,
    },
    topic: 'Организация проектной деятельности в малокомплектной сельской школе',
    direction: 'learning-activities',
    carrier: { kind: 'organization' },
    audience: {
      groups: ['teachers', 'managers'],
      specification: 'педагоги и руководители сельских малокомплектных школ',
    },
    maxPlaces: 10,
    interactionFormats: ['group'],
    justification: {
      problem: 'Недостаток опыта организации разновозрастных проектных групп в малокомплектных школах.',
      effectiveness: '100 % выпускников 9 класса защитили индивидуальный проект в 2023–2025 гг.',
      positiveExperience: 'Муниципальная проектная сессия «Сельская школа — центр притяжения» (2024).',
      staffCompetence: { highestCategoryTeachers: 0, contestWinners: 0 },
    },
    formats: ['field-sessions'],
    contents: ['practical-classes'],
  };
  return {
    organizationEmail,
    headEmail,
    body: {
      organization: {
        fullName:
          'Муниципальное бюджетное общеобразовательное учреждение «Печерская средняя школа» Смоленского муниципального округа Смоленской области',
        municipality: 'Смоленский муниципальный округ',
        actualAddress: '214525, Смоленская обл., Смоленский р-н, с. Печерск, ул. Школьная, д. 1',
        legalAddress: '214525, Смоленская обл., Смоленский р-н, с. Печерск, ул. Школьная, д. 1',
        phones: ['8 (4812) 41-63-18'],
        email: organizationEmail,
      },
      topics: [passport.topic],
      experienceCarrier: 'organization',
      proposedPeriod: '2027–2028 учебные годы',
      head,
      passports: [passport],
    },
  };
}
