import { describe, expect, it } from 'vitest';
import {
  art112Year,
  checkCalendarYears,
  createCalendar,
  endOfLocalDay,
  localDate,
} from '../../functions/core/working-days';
import { federalCalendar } from '../../infra/instances/calendar-ru';

// Every expected value below was worked out by hand from shared/calendar-ru.md (decrees 1335 for 2025 and 1466 for
// 2026; 2027 as stored, unconfirmed; 2028 absent → art. 112 fallback). Weekdays checked against a calendar.
const MSK = 'Europe/Moscow'; // UTC+3, no DST
const YEKT = 'Asia/Yekaterinburg'; // UTC+5, no DST

const cal = createCalendar({ years: federalCalendar, regionalHolidays: [] }, MSK);
const calYekt = createCalendar({ years: federalCalendar, regionalHolidays: [] }, YEKT);

describe('isWorkingDay', () => {
  it.each([
    // New Year 2025: 1–8 Jan off (4–5 weekend), 9 Jan Thursday back to work
    ['2025-01-08', false],
    ['2025-01-09', true],
    // 23 Feb 2025 is a Sunday and its day off went to 8 May, NOT to Monday 24 Feb
    ['2025-02-24', true],
    // 8 Mar 2025 is a Saturday, its day off went to 13 Jun; Monday 10 Mar works
    ['2025-03-10', true],
    // May 2025: 2 May (from 4 Jan) and 8 May (from 23 Feb) are days off; 5–7 May work
    ['2025-05-02', false],
    ['2025-05-05', true],
    ['2025-05-07', true],
    ['2025-05-08', false],
    ['2025-06-13', false], // Friday, from 8 Mar
    ['2025-11-01', true], // Saturday made a working day
    ['2025-11-03', false], // Monday, the day off from 1 Nov
    ['2025-12-31', false], // Wednesday, from 5 Jan
    ['2026-01-09', false], // Friday, from 3 Jan 2026
    ['2026-01-12', true],
    ['2026-02-23', false], // Monday
    ['2026-03-09', false], // 8 Mar 2026 is a Sunday → Monday 9 Mar
    ['2026-05-11', false], // 9 May 2026 is a Saturday → Monday 11 May
    ['2026-11-04', false], // Wednesday
    ['2026-12-31', false], // Thursday, from 4 Jan 2026
    ['2027-01-08', false],
    ['2027-01-11', true],
    ['2027-05-03', false], // 1 May 2027 Saturday → Monday 3 May (art. 112, as stored)
    ['2027-12-31', true], // Friday; the stored 2027 data does not move 2–3 Jan 2027 here (no decree yet)
  ])('%s → %s', (date, expected) => {
    expect(cal.isWorkingDay(date)).toBe(expected);
  });

  it('rejects something that is not a calendar date', () => {
    expect(() => cal.isWorkingDay('2025-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2025-2-3')).toThrow(RangeError);
  });
});

describe('addWorkingDays — day 1 is the first working day after the day of receipt', () => {
  it.each([
    // New Year 2025: receipt on a holiday → 4–5 weekend, 6–8 off → day 1 is Thursday 9 Jan
    ['2025-01-03', 1, '2025-01-09'],
    ['2025-01-09', 3, '2025-01-14'], // Fri 10, Mon 13, Tue 14
    // New Year 2026: 31 Dec 2025 and 1–11 Jan 2026 are all off
    ['2025-12-30', 1, '2026-01-12'],
    ['2025-12-29', 3, '2026-01-13'], // Tue 30 Dec, Mon 12 Jan, Tue 13 Jan
    // New Year 2027: 31 Dec 2026 – 10 Jan 2027 off
    ['2026-12-30', 1, '2027-01-11'],
    // 23 Feb 2025: receipt Friday 21 Feb → Monday 24 Feb is already day 1
    ['2025-02-21', 1, '2025-02-24'],
    // 23 Feb 2026 Monday off: Fri 20 → Tue 24
    ['2026-02-20', 1, '2026-02-24'],
    // 8 Mar 2025 (Saturday, not moved to Monday): Fri 7 → Mon 10
    ['2025-03-07', 1, '2025-03-10'],
    // 8 Mar 2026 (Sunday → Mon 9 off): Fri 6 → Tue 10
    ['2026-03-06', 1, '2026-03-10'],
    // May 2025: 1–4 off, 5–7 work, 8–11 off
    ['2025-04-30', 1, '2025-05-05'],
    ['2025-04-30', 3, '2025-05-07'],
    ['2025-04-30', 4, '2025-05-12'],
    // May 2026: 1 May Friday off → Mon 4 May; 9 May Saturday → Mon 11 off → Tue 12
    ['2026-04-30', 1, '2026-05-04'],
    ['2026-05-08', 1, '2026-05-12'],
    // 12–13 Jun 2025 (Thu–Fri) off, then the weekend
    ['2025-06-11', 1, '2025-06-16'],
    // 1 Nov 2025 Saturday works; 2 Sun, 3 Mon and 4 Tue off
    ['2025-10-31', 1, '2025-11-01'],
    ['2025-10-31', 2, '2025-11-05'],
    ['2025-11-01', 1, '2025-11-05'], // receipt on the working Saturday itself
    // 4 Nov 2026 Wednesday
    ['2026-11-03', 1, '2026-11-05'],
    // Receipt on an ordinary Saturday counts from Monday: Sat 17 Jan 2026 → Mon 19 (1), Tue 20 (2), Wed 21 (3)
    ['2026-01-17', 3, '2026-01-21'],
    // Receipt on Friday 31 Dec 2027 (working in the stored data): 2028 falls back to art. 112 — 1–8 Jan off
    // (3–7 Jan weekdays), 8–9 weekend → Mon 10 (1), Tue 11 (2), Wed 12 (3)
    ['2027-12-31', 3, '2028-01-12'],
    // A 10-working-day deadline across the May 2026 holidays: Thu 30 Apr → 4,5,6,7,8,12,13,14,15,18 May
    ['2026-04-30', 10, '2026-05-18'],
    // n = 0 is the day itself
    ['2025-01-04', 0, '2025-01-04'],
  ])('%s + %i → %s', (from, n, expected) => {
    expect(cal.addWorkingDays(from, n)).toBe(expected);
  });

  it('rejects a negative or fractional count', () => {
    expect(() => cal.addWorkingDays('2026-01-12', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-01-12', 1.5)).toThrow(RangeError);
  });
});

describe('workingDaysBetween — working days d with a < d <= b', () => {
  it.each([
    // Across New Year 2026: Mon 29, Tue 30 Dec; 31 Dec – 11 Jan off; 12–16 Jan → 2 + 5
    ['2025-12-26', '2026-01-16', 7],
    // Across New Year 2027: 28, 29, 30 Dec; 31 Dec – 10 Jan off; 11–15 Jan → 3 + 5
    ['2026-12-25', '2027-01-15', 8],
    // Across New Year 2028 (fallback year): Fri 31 Dec 2027 excluded (it is a); Mon 10 – Wed 12 Jan 2028
    ['2027-12-31', '2028-01-12', 3],
    // May 2025: 5, 6, 7, 12
    ['2025-04-30', '2025-05-12', 4],
    // June 2025: 10, 11; 12–15 off; 16–20
    ['2025-06-09', '2025-06-20', 7],
    // 3–6 Nov 2026: 3, 5, 6 (4 off)
    ['2026-11-02', '2026-11-06', 3],
    // 2025: Sat 1 Nov counts, 3–4 Nov do not: Fri 31 Oct excluded → 1 Nov, 5, 6, 7 Nov
    ['2025-10-31', '2025-11-07', 4],
    ['2026-01-12', '2026-01-12', 0],
    ['2026-01-13', '2026-01-12', 0],
  ])('(%s, %s] → %i', (a, b, expected) => {
    expect(cal.workingDaysBetween(a, b)).toBe(expected);
  });

  it('agrees with addWorkingDays when b is a working day', () => {
    const n = cal.workingDaysBetween('2025-12-26', '2026-01-16');
    expect(cal.addWorkingDays('2025-12-26', n)).toBe('2026-01-16');
  });
});

describe('a year absent from the data: art. 112 fallback (2028)', () => {
  it.each([
    ['2028-01-07', false], // Friday, Christmas
    ['2028-01-10', true], // Monday; 1 and 8 Jan fell on Saturdays and are NOT moved (only a decree moves them)
    ['2028-02-23', false], // Wednesday
    ['2028-03-08', false], // Wednesday
    ['2028-05-01', false], // Monday
    ['2028-05-09', false], // Tuesday
    ['2028-06-12', false], // Monday
    ['2028-11-03', true], // Friday
    ['2028-11-06', false], // 4 Nov 2028 is a Saturday → its day off moves to Monday 6 Nov
  ])('%s → %s', (date, expected) => {
    expect(cal.isWorkingDay(date)).toBe(expected);
  });

  it('art112Year(2028) lists the non-working weekdays', () => {
    expect(art112Year(2028).nonWorkingWeekdays).toEqual([
      '2028-01-03',
      '2028-01-04',
      '2028-01-05',
      '2028-01-06',
      '2028-01-07',
      '2028-02-23',
      '2028-03-08',
      '2028-05-01',
      '2028-05-09',
      '2028-06-12',
      '2028-11-06',
    ]);
    expect(art112Year(2028).confirmed).toBe(false);
  });

  it('the stored 2027 data is exactly the art. 112 fallback (as its source says)', () => {
    expect(art112Year(2027).nonWorkingWeekdays).toEqual(federalCalendar['2027']?.nonWorkingWeekdays);
  });
});

describe('time zones', () => {
  // Friday 6 Mar 2026 23:30 in Moscow is Saturday 7 Mar 01:30 in Yekaterinburg
  const lateFriday = '2026-03-06T20:30:00Z';
  // Thursday 5 Mar 2026 23:30 in Moscow is Friday 6 Mar 01:30 in Yekaterinburg
  const lateThursday = '2026-03-05T20:30:00Z';

  it('localDate gives the local calendar date', () => {
    expect(localDate(lateFriday, MSK)).toBe('2026-03-06');
    expect(localDate(lateFriday, YEKT)).toBe('2026-03-07');
    expect(localDate(new Date(lateFriday), YEKT)).toBe('2026-03-07');
    expect(localDate('2026-03-06T23:30:00+03:00', YEKT)).toBe('2026-03-07');
    // the Moscow day boundary
    expect(localDate('2026-03-06T20:59:59.999Z', MSK)).toBe('2026-03-06');
    expect(localDate('2026-03-06T21:00:00Z', MSK)).toBe('2026-03-07');
    expect(cal.localDate(lateFriday)).toBe('2026-03-06');
  });

  it('refuses a date-time without a zone (it would be read in the server zone)', () => {
    expect(() => localDate('2026-03-06T20:30:00', MSK)).toThrow(RangeError);
    expect(() => localDate('2026-03-06', MSK)).toThrow(RangeError);
  });

  it('end-of-day deadline instants', () => {
    expect(cal.deadlineEndOfDay('2026-03-12')).toBe('2026-03-12T20:59:59.999Z');
    expect(calYekt.deadlineEndOfDay('2026-03-12')).toBe('2026-03-12T18:59:59.999Z');
    expect(cal.deadlineEndOfDay('2025-12-31')).toBe('2025-12-31T20:59:59.999Z');
    // a zone with a clock change: Berlin moves to CEST (UTC+2) on Sunday 29 Mar 2026
    expect(endOfLocalDay('2026-03-28', 'Europe/Berlin')).toBe('2026-03-28T22:59:59.999Z');
    expect(endOfLocalDay('2026-03-29', 'Europe/Berlin')).toBe('2026-03-29T21:59:59.999Z');
  });

  it('late Friday: both count from Tue 10 Mar (9 Mar off), but the deadline instants differ by two hours', () => {
    // Moscow: received Fri 6 → 10, 11, 12 Mar; Yekaterinburg: received Sat 7 → 10, 11, 12 Mar
    expect(cal.dueAtFrom(lateFriday, 3)).toBe('2026-03-12T20:59:59.999Z');
    expect(calYekt.dueAtFrom(lateFriday, 3)).toBe('2026-03-12T18:59:59.999Z');
  });

  it('late Thursday: the local receipt dates fall on different working days, so the deadline dates differ', () => {
    // Moscow: received Thu 5 → Fri 6 (1), Tue 10 (2), Wed 11 (3); Yekaterinburg: received Fri 6 → 10, 11, 12
    expect(cal.dueAtFrom(lateThursday, 3)).toBe('2026-03-11T20:59:59.999Z');
    expect(calYekt.dueAtFrom(new Date(lateThursday), 3)).toBe('2026-03-12T18:59:59.999Z');
    expect(cal.dueAtFrom(lateThursday, 1)).toBe('2026-03-06T20:59:59.999Z');
  });

  it('3 working days after receipt on Friday 31 Dec 2027 (Moscow, midday)', () => {
    expect(cal.dueAtFrom('2027-12-31T10:00:00Z', 3)).toBe('2028-01-12T20:59:59.999Z');
  });

  it('rejects an unknown time zone', () => {
    expect(() => createCalendar({ years: federalCalendar }, 'Europe/Nowhere')).toThrow(RangeError);
  });
});

describe('regional holidays', () => {
  // e.g. a republic's own holiday on Friday 6 Nov 2026, and one on the working Saturday 1 Nov 2025
  const regional = createCalendar(
    { years: federalCalendar, regionalHolidays: ['2026-11-06', '2025-11-01', '2028-01-10'] },
    MSK,
  );

  it('are days off', () => {
    expect(regional.isWorkingDay('2026-11-06')).toBe(false);
    expect(cal.isWorkingDay('2026-11-06')).toBe(true);
    expect(regional.isWorkingDay('2025-11-01')).toBe(false); // overrides the federal working Saturday
  });

  it('shift deadlines', () => {
    // federal: Tue 3 Nov 2026 → (4 off) Thu 5 (1), Fri 6 (2); regional: Thu 5 (1), Mon 9 (2)
    expect(cal.addWorkingDays('2026-11-03', 2)).toBe('2026-11-06');
    expect(regional.addWorkingDays('2026-11-03', 2)).toBe('2026-11-09');
    // 2025: Fri 31 Oct → (1 Nov regional, 2 Sun, 3–4 off) Wed 5 Nov
    expect(regional.addWorkingDays('2025-10-31', 1)).toBe('2025-11-05');
    // also in a fallback year: 10 Jan 2028 regional → Tue 11 is day 1
    expect(regional.addWorkingDays('2027-12-31', 1)).toBe('2028-01-11');
  });
});

describe('calendarGaps and data checks', () => {
  it('reports unconfirmed and missing years, never silently', () => {
    expect(cal.calendarGaps(2025, 2028)).toEqual([
      { year: 2027, status: 'unconfirmed', source: federalCalendar['2027']?.source },
      { year: 2028, status: 'missing', source: expect.any(String) },
    ]);
    expect(cal.calendarGaps(2025, 2026)).toEqual([]);
    expect(cal.calendarGaps(2024, 2024).map((g) => g.status)).toEqual(['missing']);
  });

  it('the federal data is consistent', () => {
    expect(checkCalendarYears(federalCalendar)).toEqual([]);
  });

  it('finds inconsistent data', () => {
    const problems = checkCalendarYears({
      '2025': {
        confirmed: true,
        source: 'test',
        nonWorkingWeekdays: ['2025-02-23', '2026-01-05'], // a Sunday; a date of another year
        workingWeekends: ['2025-11-03'], // a Monday
      },
    });
    expect(problems).toHaveLength(3);
  });

  it('uses unconfirmed data as given', () => {
    const custom = createCalendar(
      {
        years: {
          ...federalCalendar,
          // an admin adds a (hypothetical) decree moving 2 Jan 2027 to 31 Dec 2027, still unconfirmed
          '2027': {
            ...(federalCalendar['2027'] ?? art112Year(2027)),
            nonWorkingWeekdays: [...(federalCalendar['2027']?.nonWorkingWeekdays ?? []), '2027-12-31'],
          },
        },
      },
      MSK,
    );
    expect(custom.isWorkingDay('2027-12-31')).toBe(false);
    // Thu 30 Dec 2027 → (31 Dec off, 1–9 Jan 2028 off) Mon 10 Jan 2028
    expect(custom.addWorkingDays('2027-12-30', 1)).toBe('2028-01-10');
    expect(custom.calendarGaps(2027, 2027)[0]?.status).toBe('unconfirmed');
  });
});
