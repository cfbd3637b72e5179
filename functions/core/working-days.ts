import type { CalendarYear } from './instance-settings';

/**
 * The production calendar and working-day arithmetic (DOMAIN.md, "working days"; shared/calendar-ru.md).
 *
 * Pure: no clock, no environment, no I/O — every instant is passed in. Days are local calendar dates of the
 * instance's time zone, written `YYYY-MM-DD`; instants (`Date` or ISO strings with a zone designator) are turned
 * into local dates with `Intl.DateTimeFormat`.
 *
 * A day is non-working if it is a Saturday or Sunday, a day-off weekday of the year's decree, or a regional
 * holiday; a weekend day the decree makes working is working. A year absent from the data falls back to the rule of
 * art. 112 of the Labour Code (see `art112Year`) and is reported by `calendarGaps`, as is a year marked
 * `confirmed: false` (whose data is used as given).
 */

/** A local calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** The calendar part of the instance settings (`InstanceSettings['calendar']`). */
export interface CalendarData {
  years: Record<string, CalendarYear>;
  /** Regional public holidays as dates; each is a day off as given (no weekend transfer is inferred). */
  regionalHolidays?: readonly string[];
}

/** A year the app must warn an admin about: no data at all (art. 112 fallback in use) or data not yet confirmed. */
export interface CalendarGap {
  year: number;
  status: 'missing' | 'unconfirmed';
  /** The `source` of the stored data (unconfirmed years), or a note on the fallback (missing years). */
  source: string;
}

export interface WorkingCalendar {
  readonly timeZone: string;
  /** Whether the local date is a working day. */
  isWorkingDay(date: IsoDate): boolean;
  /**
   * The date of the n-th working day after `from` (the day of receipt), n >= 0; `from` itself when n = 0.
   * See the counting rule at `addWorkingDaysRule` below.
   */
  addWorkingDays(from: IsoDate, n: number): IsoDate;
  /** The number of working days d with a < d <= b; 0 when b <= a. `addWorkingDays(a, workingDaysBetween(a, b))` is the last working day <= b (or a). */
  workingDaysBetween(a: IsoDate, b: IsoDate): number;
  /** The last millisecond of the local day (23:59:59.999 in the time zone) as a UTC ISO string. */
  deadlineEndOfDay(date: IsoDate): string;
  /** The end-of-day deadline (UTC ISO string) of the n-th working day after the local date of `instant`. */
  dueAtFrom(instant: Date | string, n: number): string;
  /** The local date of an instant in this calendar's time zone. */
  localDate(instant: Date | string): IsoDate;
  /** Years in [fromYear, toYear] that are missing from the data or marked unconfirmed, in order. */
  calendarGaps(fromYear: number, toYear: number): CalendarGap[];
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO date-time with an explicit zone: a string without one would be read in the process's own zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; throws on anything that is not a real calendar date. */
function toDayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a date YYYY-MM-DD: ${JSON.stringify(date)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return ms / DAY_MS;
}

function fromDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 (day 0) was a Thursday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

function toInstantMs(instant: Date | string): number {
  let ms: number;
  if (instant instanceof Date) {
    ms = instant.getTime();
  } else {
    if (!ISO_INSTANT.test(instant)) {
      throw new RangeError(`not an ISO instant with a zone (Z or ±hh:mm): ${JSON.stringify(instant)}`);
    }
    ms = Date.parse(instant);
  }
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant: ${String(instant)}`);
  return ms;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for an unknown time zone. */
function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormatters.set(timeZone, f);
  }
  return f;
}

function localDateOfMs(ms: number, timeZone: string): IsoDate {
  let y = '';
  let m = '';
  let d = '';
  for (const p of dateFormatter(timeZone).formatToParts(ms)) {
    if (p.type === 'year') y = p.value;
    else if (p.type === 'month') m = p.value;
    else if (p.type === 'day') d = p.value;
  }
  return `${y.padStart(4, '0')}-${m}-${d}`;
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in a time zone (IANA name, e.g. `Europe/Moscow`). */
export function localDate(instant: Date | string, timeZone: string): IsoDate {
  return localDateOfMs(toInstantMs(instant), timeZone);
}

/**
 * The last millisecond of a local day in a time zone, as a UTC ISO string: the first instant of the next local day
 * minus 1 ms. Found by bisection on the instant rather than by guessing the UTC offset, so that a day shortened or
 * lengthened by a clock change (none in Russia today, but the time zone is data) still ends at the right instant.
 */
export function endOfLocalDay(date: IsoDate, timeZone: string): string {
  const next = toDayNumber(date) + 1;
  const nextDate = fromDayNumber(next);
  const nextWallMs = next * DAY_MS;
  // UTC offsets lie within −12 h … +14 h, so the next local midnight lies within this window.
  let lo = nextWallMs - 15 * 3_600_000; // still on `date` (or earlier) locally
  let hi = nextWallMs + 13 * 3_600_000; // already on `nextDate` (or later) locally
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDateOfMs(mid, timeZone) >= nextDate) hi = mid;
    else lo = mid;
  }
  return new Date(hi - 1).toISOString();
}

/** Art. 112 of the Labour Code: public holidays as month-day. 1–6 and 8 January are the New Year holidays, 7 January Christmas. */
const ART_112_HOLIDAYS = [
  '01-01',
  '01-02',
  '01-03',
  '01-04',
  '01-05',
  '01-06',
  '01-07',
  '01-08',
  '02-23',
  '03-08',
  '05-01',
  '05-09',
  '06-12',
  '11-04',
] as const;

/**
 * The year as art. 112 of the Labour Code alone gives it, for a year without a decree: the holidays above are days
 * off; a holiday on a Saturday or Sunday moves its day off to the next working day, except the January holidays
 * (their weekend days are moved only by a decree, which this fallback cannot know). Marked unconfirmed.
 */
export function art112Year(year: number): CalendarYear {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`not a year: ${year}`);
  const yyyy = String(year);
  const holidays = ART_112_HOLIDAYS.map((md) => toDayNumber(`${yyyy}-${md}`));
  const off = new Set<number>(holidays);
  for (const day of holidays) {
    if (!isWeekend(day) || fromDayNumber(day).slice(5, 7) === '01') continue;
    let moved = day + 1;
    while (isWeekend(moved) || off.has(moved)) moved += 1;
    off.add(moved);
  }
  const nonWorkingWeekdays = [...off]
    .filter((day) => !isWeekend(day))
    .sort((a, b) => a - b)
    .map(fromDayNumber);
  return {
    confirmed: false,
    source: 'ст. 112 ТК РФ (постановление о переносе выходных дней не учтено)',
    nonWorkingWeekdays,
    workingWeekends: [],
  };
}

/**
 * Consistency problems of calendar data, as human-readable strings (empty when the data is sound): a date that is
 * not a real date, a date filed under another year, a "non-working weekday" that is a weekend day, a "working
 * weekend day" that is a weekday, a date in both lists.
 */
export function checkCalendarYears(years: Record<string, CalendarYear>): string[] {
  const problems: string[] = [];
  for (const [key, data] of Object.entries(years)) {
    const check = (date: string, list: string, wantWeekend: boolean) => {
      let day: number;
      try {
        day = toDayNumber(date);
      } catch {
        problems.push(`${key}: ${list}: ${date} is not a calendar date`);
        return;
      }
      if (!date.startsWith(`${key}-`)) problems.push(`${key}: ${list}: ${date} belongs to another year`);
      if (isWeekend(day) !== wantWeekend) {
        problems.push(`${key}: ${list}: ${date} is a ${wantWeekend ? 'weekday' : 'weekend day'}`);
      }
    };
    for (const date of data.nonWorkingWeekdays) check(date, 'nonWorkingWeekdays', false);
    for (const date of data.workingWeekends) {
      check(date, 'workingWeekends', true);
      if (data.nonWorkingWeekdays.includes(date)) problems.push(`${key}: ${date} is in both lists`);
    }
  }
  return problems;
}

interface YearSets {
  nonWorkingWeekdays: Set<string>;
  workingWeekends: Set<string>;
}

/**
 * Builds the production calendar of an instance: `createCalendar(settings.calendar, settings.timeZone)`.
 * Throws RangeError for an unknown time zone.
 */
export function createCalendar(calendar: CalendarData, timeZone: string): WorkingCalendar {
  dateFormatter(timeZone); // validates the time zone up front
  const regional = new Set(calendar.regionalHolidays ?? []);
  const cache = new Map<string, YearSets>();

  const yearSets = (yyyy: string): YearSets => {
    let sets = cache.get(yyyy);
    if (!sets) {
      const data = calendar.years[yyyy] ?? art112Year(Number(yyyy));
      sets = {
        nonWorkingWeekdays: new Set(data.nonWorkingWeekdays),
        workingWeekends: new Set(data.workingWeekends),
      };
      cache.set(yyyy, sets);
    }
    return sets;
  };

  const isWorkingDayNumber = (day: number): boolean => {
    const date = fromDayNumber(day);
    if (regional.has(date)) return false;
    const sets = yearSets(date.slice(0, 4));
    return isWeekend(day) ? sets.workingWeekends.has(date) : !sets.nonWorkingWeekdays.has(date);
  };

  /*
   * addWorkingDaysRule — how "N working days from receipt" is counted.
   *
   * The regulations say "в течение N рабочих дней с момента поступления" (e.g. A2 5.9.4: the operator contacts the
   * applicant within 3 working days of receipt). A period fixed in days starts on the day AFTER the calendar date
   * of the event that begins it (Civil Code art. 191; Labour Code art. 14 likewise runs periods from calendar dates,
   * and by its part 4 a period whose last day is a day off ends on the next working day, as Civil Code art. 193).
   * Counting working days only, the last day is a working day by construction. So:
   *   - the day of receipt is never counted, whether it is a working day or not;
   *   - day 1 is the first working day after the day of receipt; day N is the N-th working day after it;
   *   - a receipt on a non-working day (Saturday, a holiday) therefore counts from the next working day as day 1,
   *     exactly like a receipt late on the preceding working day;
   *   - the deadline is met if the action happens by the end (23:59:59.999 local) of day N (DOMAIN.md).
   * Example: received Friday 31 Dec 2027 (a working day in the stored data), N = 3 → 10, 11, 12 January 2028 → due
   * by the end of 12 January 2028.
   */
  const addWorkingDays = (from: IsoDate, n: number): IsoDate => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number >= 0: ${n}`);
    let day = toDayNumber(from);
    let left = n;
    while (left > 0) {
      day += 1;
      if (isWorkingDayNumber(day)) left -= 1;
    }
    return fromDayNumber(day);
  };

  const workingDaysBetween = (a: IsoDate, b: IsoDate): number => {
    const start = toDayNumber(a);
    const end = toDayNumber(b);
    let count = 0;
    for (let day = start + 1; day <= end; day += 1) if (isWorkingDayNumber(day)) count += 1;
    return count;
  };

  const deadlineEndOfDay = (date: IsoDate): string => endOfLocalDay(date, timeZone);

  return {
    timeZone,
    isWorkingDay: (date) => isWorkingDayNumber(toDayNumber(date)),
    addWorkingDays,
    workingDaysBetween,
    deadlineEndOfDay,
    dueAtFrom: (instant, n) => deadlineEndOfDay(addWorkingDays(localDate(instant, timeZone), n)),
    localDate: (instant) => localDate(instant, timeZone),
    calendarGaps: (fromYear, toYear) => {
      if (!Number.isInteger(fromYear) || !Number.isInteger(toYear)) {
        throw new RangeError(`years must be whole numbers: ${fromYear}, ${toYear}`);
      }
      const gaps: CalendarGap[] = [];
      for (let year = fromYear; year <= toYear; year += 1) {
        const data = calendar.years[String(year)];
        if (!data) {
          gaps.push({
            year,
            status: 'missing',
            source: 'нет данных: применяется ст. 112 ТК РФ без переносов',
          });
        } else if (!data.confirmed) {
          gaps.push({ year, status: 'unconfirmed', source: data.source });
        }
      }
      return gaps;
    },
  };
}
