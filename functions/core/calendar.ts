import type { InstanceSettings } from './instance-settings';
import type { ActionContext } from './kind';
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
