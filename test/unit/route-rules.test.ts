import { describe, expect, it } from 'vitest';
import {
  addMonths,
  allowedCuratorRoles,
  applyChanges,
  durationText,
  durationViolation,
  routeViolation,
  uncoveredDeficits,
} from '../../forms/route/rules';
import { type RouteForm, RouteSchema } from '../../forms/route/schema';
import { route } from '../../forms/route/workflow';
import { InstanceSettingsSchema } from '../../functions/core/instance-settings';
import type { RecordState } from '../../functions/core/kind';
import { smolensk } from '../../infra/instances/smolensk';
import { DEFICITS, routeFixture } from '../support/routes';

/** The rules of a route (A3 4.4.2, 4.4.3; DOMAIN.md) and the corrections' arithmetic, as pure functions. */

const settings = InstanceSettingsSchema.parse(smolensk);
const parsed = (body: unknown = routeFixture()): RouteForm => RouteSchema.parse(body);

describe('A3 4.4.3: a route lasts from 6 months to 2 years, the end day included', () => {
  it.each([
    ['2026-09-01', '2027-02-28', true],
    ['2026-09-01', '2027-02-27', false],
    ['2026-08-31', '2027-02-27', true], // 31 August + 6 months = 28 February; the day before is the last one
    ['2026-09-01', '2028-08-31', true],
    ['2026-09-01', '2028-09-01', false],
    ['2028-02-29', '2030-02-27', true],
    ['2028-02-29', '2030-02-28', false],
  ])('%s — %s: %s', (start, end, ok) => {
    expect(durationViolation({ start, end }, settings) === undefined).toBe(ok);
  });

  it('names the allowed dates when refusing', () => {
    expect(durationViolation({ start: '2026-09-01', end: '2026-12-31' }, settings)).toEqual({
      rule: 'route-duration',
      message: expect.stringContaining('окончание — не раньше 28.02.2027 и не позже 31.08.2028'),
    });
  });

  it('adds months clamping to the last day and reads the duration as the card prints it', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-01-15', 24)).toBe('2028-01-15');
    expect(durationText('2026-03-02', '2026-12-01')).toBe('9 месяцев');
    expect(durationText('2026-09-01', '2028-08-31')).toBe('24 месяца');
    expect(durationText('2026-09-01', '2027-03-12')).toBe('6 месяцев 12 дней');
    expect(durationText('2026-09-01', '2027-09-01')).toBe('12 месяцев 1 день');
  });
});

describe('A3 4.4.2: the curator follows the model and the level', () => {
  it.each([
    ['diagnostics', 'high', ['regional-methodist']],
    ['diagnostics', 'medium', ['lecturer']],
    ['diagnostics', 'low', ['lecturer']],
    ['post-course', 'high', ['lecturer', 'mo-head']],
    ['mentoring', 'low', ['mentor', 'regional-methodist']],
  ] as const)('%s + %s → %j', (model, level, roles) => {
    expect(allowedCuratorRoles(model, level)).toEqual(roles);
  });

  it('refuses a regional methodist for a medium level and accepts one for a high level', () => {
    const base = parsed();
    const methodist = { ...base, curator: { ...base.curator, role: 'regional-methodist' as const } };
    expect(routeViolation(methodist, settings)?.rule).toBe('curator-role');
    const high = { ...methodist, diagnostics: { ...methodist.diagnostics, level: 'high' as const } };
    expect(routeViolation(high, settings)).toBeUndefined();
  });
});

describe('every diagnosed deficit is targeted by an activity', () => {
  it('lists the uncovered codes in the order of the diagnostics', () => {
    const base = parsed();
    expect(uncoveredDeficits(base)).toEqual([]);
    expect(uncoveredDeficits({ ...base, roadmap: { ...base.roadmap, activities: [] } })).toEqual([
      'М-2',
      'Ц-1',
      'П-3',
    ]);
    const withoutP3 = {
      ...base,
      roadmap: {
        ...base.roadmap,
        activities: base.roadmap.activities.filter((a) => !a.deficitCodes.includes('П-3')),
      },
    };
    expect(uncoveredDeficits(withoutP3)).toEqual(['П-3']);
    expect(routeViolation(withoutP3, settings)).toEqual({
      rule: 'uncovered-deficits',
      message: expect.stringMatching(/не охвачены: П-3$/),
    });
  });

  it('checks activities lie within the route and aim at diagnosed deficits only', () => {
    const base = parsed();
    const late = structuredClone(base);
    late.roadmap.activities[1]!.period.to = '2026-12-25';
    expect(routeViolation(late, settings)).toMatchObject({ rule: 'activity-outside-route' });
    expect(routeViolation(late, settings)?.message).toContain('№ 2');
    const foreign = structuredClone(base);
    foreign.roadmap.activities[0]!.deficitCodes = ['Ц-1', 'Р-7'];
    expect(routeViolation(foreign, settings)).toMatchObject({
      rule: 'unknown-deficit-codes',
      message: expect.stringContaining('Р-7'),
    });
    expect(routeViolation(base, settings)).toBeUndefined();
  });
});

describe('the schema', () => {
  it('gives every row a stable id, keeps given ones, and refuses repeats of ids and deficit codes', () => {
    const body = routeFixture();
    body.roadmap.activities[0] = { ...body.roadmap.activities[0]!, id: 'a-keep0001' } as never;
    const result = parsed(body);
    expect(result.roadmap.activities[0]!.id).toBe('a-keep0001');
    expect(result.roadmap.activities.slice(1).every((a) => /^a-[0-9a-f]{8}$/.test(a.id))).toBe(true);
    const repeated = routeFixture();
    repeated.roadmap.activities[1] = { ...repeated.roadmap.activities[1]!, id: 'a-keep0001' } as never;
    repeated.roadmap.activities[2] = { ...repeated.roadmap.activities[2]!, id: 'a-keep0001' } as never;
    repeated.diagnostics.deficits = [...DEFICITS, { code: 'М-2', title: 'Повтор' }];
    const issues = RouteSchema.safeParse(repeated).error!.issues.map((i) => i.path.join('.'));
    expect(issues).toEqual(
      expect.arrayContaining(['roadmap.activities.2.id', 'diagnostics.deficits.3.code']),
    );
    expect(parsed().teacher.phone).toBe('+79123456789');
  });
});

describe('corrections', () => {
  it('applies changes in order and describes each with before and after', () => {
    const base = parsed();
    const [courses, seminar] = base.roadmap.activities;
    const result = applyChanges(base, [
      {
        op: 'update-activity',
        activityId: courses!.id,
        patch: { period: { from: '2026-03-16', to: '2026-04-20' } },
      },
      { op: 'remove-activity', activityId: seminar!.id },
      {
        op: 'add-activity',
        activity: {
          id: 'a-new00001',
          category: 'burnout',
          title: 'Тренинг «Профилактика профессионального выгорания»',
          period: { from: '2026-06-01', to: '2026-06-01' },
          deficitCodes: ['П-3'],
        },
      },
      { op: 'change-end', end: '2026-12-20' },
    ]);
    if ('violation' in result) throw new Error(result.violation.message);
    expect(result.route.roadmap.activities.map((a) => a.id)).toEqual([
      courses!.id,
      ...base.roadmap.activities.slice(2).map((a) => a.id),
      'a-new00001',
    ]);
    expect(result.route.roadmap.end).toBe('2026-12-20');
    expect(result.described.map((d) => d.what)).toEqual([
      'Изменено мероприятие',
      'Исключено мероприятие',
      'Добавлено мероприятие',
      'Изменена дата окончания маршрута',
    ]);
    expect(result.described[0]!.before).toContain('09.03.2026 — 08.04.2026');
    expect(result.described[0]!.after).toContain('16.03.2026 — 20.04.2026');
    expect(result.described[3]).toEqual({
      what: 'Изменена дата окончания маршрута',
      before: '01.12.2026',
      after: '20.12.2026',
    });
    expect(routeViolation(result.route, settings)).toBeUndefined();
  });

  it('names a row the route does not have, and keeps marks with their rows', () => {
    const base = parsed();
    const marked = {
      ...base,
      roadmap: {
        ...base.roadmap,
        activities: base.roadmap.activities.map((a, i) =>
          i === 0 ? { ...a, mark: { done: true, evidence: 'Удостоверение', at: '2026-04-09T10:00:00Z' } } : a,
        ),
      },
    };
    expect(applyChanges(marked, [{ op: 'remove-activity', activityId: 'a-missing1' }])).toEqual({
      violation: expect.objectContaining({ rule: 'unknown-activity' }),
    });
    const renamed = applyChanges(marked, [
      { op: 'update-activity', activityId: base.roadmap.activities[0]!.id, patch: { title: 'Курсы (72 ч)' } },
    ]);
    if ('violation' in renamed) throw new Error('unexpected');
    expect(renamed.route.roadmap.activities[0]).toMatchObject({
      title: 'Курсы (72 ч)',
      mark: { done: true },
    });
  });
});

describe('notices of an active route', () => {
  it('announces unmarked activities the day after their end and the route end 30 days before', () => {
    const payload = parsed();
    payload.roadmap.activities[0] = {
      ...payload.roadmap.activities[0]!,
      mark: { done: true, at: '2026-04-01T09:00:00Z' },
    } as never;
    const state = {
      id: 'r',
      kind: 'route',
      stage: 'active',
      version: 9,
      createdAt: '',
      updatedAt: '',
      enteredAt: '',
      payload,
    } as RecordState<never>;
    const notices = route.stages.active!.notices!(state as never, settings);
    const [, seminar] = payload.roadmap.activities;
    expect(notices.map((n) => [n.key, n.at])).toEqual([
      [`activity-${seminar!.id}-2026-04-16`, '2026-04-17'],
      ...payload.roadmap.activities
        .slice(2)
        .map((a) => [`activity-${a.id}-${a.period.to}`, expect.any(String)]),
      ['route-end-2026-12-01', '2026-11-01'],
    ]);
    expect(notices[0]!.mails).toEqual([
      expect.objectContaining({ template: 'activity-overdue', to: 'teacher' }),
    ]);
    expect(notices.at(-1)!.mails).toEqual([
      expect.objectContaining({ template: 'route-ending', to: 'curator' }),
    ]);
  });
});
