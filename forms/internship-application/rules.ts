import type { RuleViolation } from '../../functions/core/kind';
import { MONTHS_GENITIVE } from '../../functions/core/ru-text';
import type { InternshipApplicationForm, Passport } from './schema';

/** Pure rules of Appendix 4 (seed 004), apart from the declaration so they are tested alone. */

/** "1 сентября" from "09-01". */
export function monthDayText(monthDay: string): string {
  const [m, d] = monthDay.split('-').map(Number);
  return `${d} ${MONTHS_GENITIVE[(m ?? 1) - 1]}`;
}

/** "с 1 сентября по 1 ноября". */
export function windowText(window: { from: string; to: string }): string {
  return `с ${monthDayText(window.from)} по ${monthDayText(window.to)}`;
}

/**
 * A4 3.2: the selection runs every year from 1 September to 1 November — both days included, in the instance's
 * time zone (`localDate` is today there). A window across the new year (from > to) is allowed by the settings.
 */
export function insideSelectionWindow(localDate: string, window: { from: string; to: string }): boolean {
  const md = localDate.slice(5);
  return window.from <= window.to
    ? window.from <= md && md <= window.to
    : md >= window.from || md <= window.to;
}

export function selectionWindowViolation(
  localDate: string,
  window: { from: string; to: string },
): RuleViolation | undefined {
  if (insideSelectionWindow(localDate, window)) return undefined;
  return {
    rule: 'outside-selection-window',
    message: `Заявки принимаются ${windowText(window)} (п. 3.2 Положения о региональной стажировочной площадке: отбор проводится ежегодно). Сейчас приём заявок на присвоение статуса «региональная стажировочная площадка» закрыт.`,
  };
}

/** Whether a date exists (2027-02-29 does not). */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The same month and day `years` later (earlier when negative); a 29 February without a counterpart becomes the
 * last day of February — civil code art. 192 p. 3: a term in years ends on the corresponding day of the last year,
 * or on the month's last day when there is none.
 */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const day = Math.min(d, daysInMonth(year, m));
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A4 3.9: the status is granted for at most `years` years. Counted as civil terms are (art. 191–192): from the
 * day after the order, ending on the same month and day `years` later — the latest allowed `validUntil`.
 */
export function maxValidUntil(orderDate: string, years: number): string {
  return addYears(orderDate, years);
}

/** A4 3.1.1: an innovation platform counts while it runs and for 5 years after its programme ended. */
export const INNOVATION_PLATFORM_YEARS = 5;

export type Ground = '3.1.1' | '3.1.2' | '3.1.3' | '3.1.4';

/** Which of the additional requirements of A4 3.1.1–3.1.4 a passport's section 2 establishes, as of `today`. */
export function groundsOf(passport: Passport, today: string): Ground[] {
  const j = passport.justification;
  const grounds: Ground[] = [];
  // 3.1.1: "завершившая функционирование в статусе ... инновационной площадки не более 5 лет назад".
  if (j.innovationPlatform && j.innovationPlatform.programTo >= addYears(today, -INNOVATION_PLATFORM_YEARS))
    grounds.push('3.1.1');
  if (j.positiveExperience) grounds.push('3.1.2');
  if (j.cooperation) grounds.push('3.1.3');
  // 3.1.4: "педагоги высшей квалификационной категории, победители профессиональных конкурсов и отборов".
  if (j.staffCompetence.highestCategoryTeachers > 0 || j.staffCompetence.contestWinners > 0)
    grounds.push('3.1.4');
  return grounds;
}

/**
 * A4 3.1: besides its general potential, the organisation meets at least one of 3.1.1–3.1.4. The passport states
 * the grounds per topic (its section 2 "Обоснование темы"), so each passport must establish one.
 */
export function eligibilityViolation(
  form: InternshipApplicationForm,
  today: string,
  instituteShort: string,
): RuleViolation | undefined {
  const failing = form.passports
    .map((p, i) => ({ p, n: i + 1 }))
    .filter(({ p }) => groundsOf(p, today).length === 0);
  if (failing.length === 0) return undefined;
  const numbers = failing.map(({ n }) => `№ ${n}`).join(', ');
  const stale = failing.some(({ p }) => p.justification.innovationPlatform);
  return {
    rule: 'no-eligibility-ground',
    message:
      `Организация должна соответствовать хотя бы одному из требований п. 3.1.1–3.1.4 Положения: статус ` +
      `инновационной площадки (в том числе завершённый не более ${INNOVATION_PLATFORM_YEARS} лет назад), ` +
      `положительный опыт по приоритетным задачам развития региональной системы образования, опыт сотрудничества с ` +
      `${instituteShort}, педагоги высшей квалификационной категории или победители профессиональных конкурсов. ` +
      `В ${failing.length > 1 ? 'паспортах' : 'паспорте'} ${numbers} ни одно из них не подтверждено.` +
      (stale
        ? ` Программа инновационной площадки, завершённая более ${INNOVATION_PLATFORM_YEARS} лет назад, не учитывается (п. 3.1.1).`
        : ''),
  };
}

/** Changed leaves between two versions of the form, as dotted paths (for the history of a resubmission). */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (before === after) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObj(before) || !isObj(after) || Array.isArray(before) !== Array.isArray(after))
    return [prefix || '.'];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
}
