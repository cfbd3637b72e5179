import type { CalendarYear } from '../../functions/core/instance-settings';

/**
 * The federal production calendar (../shared/calendar-ru.md): per year, the weekdays that are days off and the
 * weekend days that are working, as the government's yearly decree sets them. An admin adds a new year's decree
 * here (or regional days in the instance file) as data; no code changes.
 */
export const federalCalendar: Record<string, CalendarYear> = {
  '2025': {
    confirmed: true,
    source: 'Постановление Правительства РФ от 04.10.2024 № 1335',
    nonWorkingWeekdays: [
      '2025-01-01',
      '2025-01-02',
      '2025-01-03',
      '2025-01-06',
      '2025-01-07',
      '2025-01-08',
      '2025-05-01',
      '2025-05-02',
      '2025-05-08',
      '2025-05-09',
      '2025-06-12',
      '2025-06-13',
      '2025-11-03',
      '2025-11-04',
      '2025-12-31',
    ],
    workingWeekends: ['2025-11-01'],
  },
  '2026': {
    confirmed: true,
    source: 'Постановление Правительства РФ от 24.09.2025 № 1466',
    nonWorkingWeekdays: [
      '2026-01-01',
      '2026-01-02',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
      '2026-01-08',
      '2026-01-09',
      '2026-02-23',
      '2026-03-09',
      '2026-05-01',
      '2026-05-11',
      '2026-06-12',
      '2026-11-04',
      '2026-12-31',
    ],
    workingWeekends: [],
  },
  // The 2027 decree was not in hand: the days below follow art. 112 of the Labour Code (holidays on a weekend
  // move to the next working day; 2 and 3 January await the decree). Marked unconfirmed so the gap shows.
  '2027': {
    confirmed: false,
    source: 'ст. 112 ТК РФ (постановление на 2027 год не учтено)',
    nonWorkingWeekdays: [
      '2027-01-01',
      '2027-01-04',
      '2027-01-05',
      '2027-01-06',
      '2027-01-07',
      '2027-01-08',
      '2027-02-23',
      '2027-03-08',
      '2027-05-03',
      '2027-05-10',
      '2027-06-14',
      '2027-11-04',
    ],
    workingWeekends: [],
  },
};
