import { Duration, TimeZone } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { ScheduledWorker } from '../../functions/manifest';

const DAILY_AT = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The EventBridge Scheduler expression for a worker's schedule. A daily time is a cron in the instance's own
 * time zone, so "09:00" stays 09:00 for the people who get the reminders, daylight saving or not.
 */
export function scheduleExpression(
  schedule: ScheduledWorker['schedule'],
  timeZone: string,
): ScheduleExpression {
  if ('everyMinutes' in schedule) {
    const minutes = schedule.everyMinutes;
    if (!Number.isInteger(minutes) || minutes < 1) {
      throw new Error(`everyMinutes must be a whole number of minutes >= 1, got ${minutes}`);
    }
    return ScheduleExpression.rate(Duration.minutes(minutes));
  }
  const match = DAILY_AT.exec(schedule.dailyAt);
  if (!match) {
    throw new Error(`dailyAt must be HH:MM (24-hour), got "${schedule.dailyAt}"`);
  }
  return ScheduleExpression.cron({
    hour: String(Number(match[1])),
    minute: String(Number(match[2])),
    timeZone: TimeZone.of(timeZone),
  });
}

/** A short human description of a schedule, for the Schedule resource. */
export function describeSchedule(schedule: ScheduledWorker['schedule'], timeZone: string): string {
  return 'everyMinutes' in schedule
    ? `every ${schedule.everyMinutes} min`
    : `daily at ${schedule.dailyAt} ${timeZone}`;
}
