import type { InstanceSettingsInput } from '../../functions/core/instance-settings';
import { federalCalendar } from './calendar-ru';

/** Sverdlovsk region: a second instance (names from seed 001) that proves nothing is wired to one region. */
export const sverdlovsk: InstanceSettingsInput = {
  id: 'sverdlovsk',
  region: { name: 'Свердловская область', code: '66' },
  timeZone: 'Asia/Yekaterinburg',
  authority: {
    full: 'Министерство образования и молодежной политики Свердловской области',
    short: 'Министерство',
  },
  institute: {
    full: 'Государственное автономное образовательное учреждение дополнительного профессионального образования Свердловской области «Институт развития образования»',
    short: 'ГАОУ ДПО СО «ИРО»',
    city: 'Екатеринбург',
  },
  centre: {
    full: 'Центр непрерывного повышения профессионального мастерства педагогических работников',
    short: 'ЦНППМ',
  },
  mailDomain: 'forms.example-irro.ru',
  mailboxes: {
    sender: 'no-reply@forms.example-irro.ru',
    replyTo: 'cnppm@forms.example-irro.ru',
    operator: 'diagnostika@forms.example-irro.ru',
    centre: 'cnppm@forms.example-irro.ru',
    supervisor: 'prorector@forms.example-irro.ru',
  },
  deadlines: {
    operatorContact: 3,
    results: 10,
    resultsOrdered: 15,
    consent: 5,
    routeDevelopment: 10,
    correctionWindow: 5,
  },
  internship: { selectionWindow: { from: '09-01', to: '11-01' }, maxStatusYears: 3, expiryNoticeDays: 90 },
  route: { minMonths: 6, maxMonths: 24, retentionDays: 365, numberPrefix: 'ИОМ-66' },
  linkTtlDays: 30,
  emailConfirmation: true,
  calendar: { years: federalCalendar, regionalHolidays: [] },
  aws: { region: 'eu-central-1' },
};
