import { describe, expect, it } from 'vitest';
import { describeSchedule, scheduleExpression } from '../../infra/constructs/worker-schedule';

describe('worker schedules', () => {
  it('turns everyMinutes into a rate', () => {
    expect(scheduleExpression({ everyMinutes: 1 }, 'Europe/Moscow').expressionString).toBe('rate(1 minute)');
    expect(scheduleExpression({ everyMinutes: 15 }, 'Europe/Moscow').expressionString).toBe(
      'rate(15 minutes)',
    );
  });

  it('turns dailyAt into a cron in the given time zone', () => {
    const expression = scheduleExpression({ dailyAt: '07:30' }, 'Asia/Yekaterinburg');
    expect(expression.expressionString).toBe('cron(30 7 * * ? *)');
    expect(expression.timeZone?.timezoneName).toBe('Asia/Yekaterinburg');
  });

  it.each(['9:00', '24:00', '09:60', '0900', ''])('refuses dailyAt "%s"', (dailyAt) => {
    expect(() => scheduleExpression({ dailyAt }, 'Europe/Moscow')).toThrow(/HH:MM/);
  });

  it.each([0, -5, 1.5])('refuses everyMinutes %s', (everyMinutes) => {
    expect(() => scheduleExpression({ everyMinutes }, 'Europe/Moscow')).toThrow(/everyMinutes/);
  });

  it('describes both kinds', () => {
    expect(describeSchedule({ everyMinutes: 5 }, 'Europe/Moscow')).toBe('every 5 min');
    expect(describeSchedule({ dailyAt: '09:00' }, 'Europe/Moscow')).toBe('daily at 09:00 Europe/Moscow');
  });
});
