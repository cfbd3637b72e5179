import type { InstanceSettingsInput } from '../../functions/core/instance-settings';
import { federalCalendar } from './calendar-ru';

/** Smolensk region: everything from seed 004 (order of the Department No. 622-OD). */
export const smolensk: InstanceSettingsInput = {
  id: 'smolensk',
  region: { name: 'Смоленская область', code: '67' },
  timeZone: 'Europe/Moscow',
  authority: {
    full: 'Департамент Смоленской области по образованию и науке',
    short: 'Департамент',
  },
  institute: {
    full: 'Государственное автономное учреждение дополнительного профессионального образования «Смоленский областной институт развития образования»',
    short: 'ГАУ ДПО СОИРО',
    city: 'Смоленск',
  },
  centre: {
    full: 'Центр непрерывного повышения профессионального мастерства педагогических работников',
    short: 'ЦНППМ',
  },
  mailDomain: 'forms.example-soiro.ru',
  mailboxes: {
    sender: 'no-reply@forms.example-soiro.ru',
    replyTo: 'cnppm@forms.example-soiro.ru',
    operator: 'diagnostics@forms.example-soiro.ru',
    centre: 'cnppm@forms.example-soiro.ru',
    supervisor: 'rector@forms.example-soiro.ru',
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
  route: { minMonths: 6, maxMonths: 24, retentionDays: 365, numberPrefix: 'ИОМ-67' },
  linkTtlDays: 30,
  emailConfirmation: false,
  calendar: { years: federalCalendar, regionalHolidays: [] },
  aws: { region: 'eu-central-1' },
};
