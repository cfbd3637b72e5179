import type { InstanceSettings } from './instance-settings';
import type { ActionContext, RecordState, StageDefinition } from './kind';
import { createCalendar, endOfLocalDay, type WorkingCalendar } from './working-days';

/** The instance's working calendar, built once per settings object (it is immutable for a process). */
const calendars = new WeakMap<InstanceSettings, WorkingCalendar>();

export function calendarOf(settings: InstanceSettings): WorkingCalendar {
  let calendar = calendars.get(settings);
  if (!calendar) {
    calendar = createCalendar(settings.calendar, settings.timeZone);
    calendars.set(settings, calendar);
  }
  return calendar;
}

/** The part of the calendar a kind declaration sees. */
export function declarationCalendar(settings: InstanceSettings): ActionContext['calendar'] {
  const c = calendarOf(settings);
  return {
    dueAtFrom: (instant, n) => c.dueAtFrom(instant, n),
    isWorkingDay: (date) => c.isWorkingDay(date),
    localDate: (instant) => c.localDate(instant),
  };
}

/**
 * An instant from a declaration's moment: a date (`YYYY-MM-DD`) means the end of that local day, as deadlines
 * and validity periods in the regulations do; a full ISO instant is taken as is.
 */
export function momentOf(value: string, settings: InstanceSettings): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? endOfLocalDay(value, settings.timeZone)
    : new Date(value).toISOString();
}

/**
 * An instant from a notice's moment: a date means the START of that local day (a notice "90 days before" goes
 * on that day, not the next), a full ISO instant is taken as is.
 */
export function noticeMomentOf(value: string, settings: InstanceSettings): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(value).toISOString();
  const previous = new Date(Date.parse(`${value}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return new Date(Date.parse(endOfLocalDay(previous, settings.timeZone)) + 1).toISOString();
}

/** The earliest moment among a stage's timed notices not yet sent (the deadline worker's next look). */
export function nextNoticeMoment(
  stage: StageDefinition<unknown>,
  state: RecordState<unknown>,
  settings: InstanceSettings,
  sent: readonly string[] = [],
): string | undefined {
  if (!stage.notices || stage.final) return undefined;
  return stage
    .notices(state, settings)
    .filter((n) => !sent.includes(n.key))
    .map((n) => noticeMomentOf(n.at, settings))
    .sort()[0];
}
