import type { InstanceSettings } from '../../functions/core/instance-settings';
import type { RuleViolation } from '../../functions/core/kind';
import { ActivityCategory } from '../common/types';
import { type Activity, type Change, CuratorRole, type DescribedChange, type RouteForm } from './schema';

/**
 * The rules of a route (A3 4.4.2, 4.4.3; DOMAIN.md, kind `route`) as pure functions of the payload, so creation,
 * editing, every accepted correction and an extension check exactly the same things. Each rule has a stable id
 * clients switch on; messages are Russian and carry codes and dates, never personal data.
 */

type RouteLike = Pick<RouteForm, 'model' | 'curator' | 'diagnostics' | 'roadmap'>;

// ---- dates (`YYYY-MM-DD`, calendar arithmetic in UTC: no time zone is involved in a date) -------------------

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y!, m!, d!];
}

function iso(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return iso(y, m, d + days);
}

/** The same day `months` later; the 31st of a shorter month becomes its last day (31 Aug + 6 months = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return iso(y, m + months, Math.min(d, lastDay));
}

/** ДД.ММ.ГГГГ */
export function formatDay(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

function plural(n: number, one: string, few: string, many: string): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/**
 * "9 месяцев", "6 месяцев 12 дней": whole months from the start to the day after the end (a route from 1 September
 * to 28 February lasts 6 months), then the days left.
 */
export function durationText(start: string, end: string): string {
  const after = addDays(end, 1);
  let months = 0;
  while (addMonths(start, months + 1) <= after) months += 1;
  const days = Math.round((Date.parse(after) - Date.parse(addMonths(start, months))) / 86_400_000);
  const text = [
    months ? `${months} ${plural(months, 'месяц', 'месяца', 'месяцев')}` : '',
    days ? `${days} ${plural(days, 'день', 'дня', 'дней')}` : '',
  ].filter(Boolean);
  return text.join(' ') || '0 дней';
}

// ---- the rules -------------------------------------------------------------------------------------------------

/** A3 4.4.3: from 6 months to 2 years (instance settings), the end day included. */
export function durationViolation(
  roadmap: { start: string; end: string },
  s: InstanceSettings,
): RuleViolation | undefined {
  const { minMonths, maxMonths } = s.route;
  const shortest = addDays(addMonths(roadmap.start, minMonths), -1);
  const longest = addDays(addMonths(roadmap.start, maxMonths), -1);
  if (roadmap.end >= shortest && roadmap.end <= longest) return undefined;
  return {
    rule: 'route-duration',
    message:
      `Срок реализации ИОМ — от ${minMonths} ${plural(minMonths, 'месяца', 'месяцев', 'месяцев')} до ` +
      `${maxMonths} ${plural(maxMonths, 'месяца', 'месяцев', 'месяцев')} (п. 4.4.3 Положения об ИОМ): при начале ` +
      `${formatDay(roadmap.start)} окончание — не раньше ${formatDay(shortest)} и не позже ${formatDay(longest)}`,
  };
}

function activityRef(activities: Activity[], a: Activity): string {
  return `№ ${activities.indexOf(a) + 1} («${a.title.length > 60 ? `${a.title.slice(0, 57)}…` : a.title}»)`;
}

/** Every activity lies within the route's start and end. */
export function activitiesOutsideViolation(roadmap: RouteLike['roadmap']): RuleViolation | undefined {
  const outside = roadmap.activities.filter(
    (a) => a.period.from < roadmap.start || a.period.to > roadmap.end,
  );
  if (outside.length === 0) return undefined;
  return {
    rule: 'activity-outside-route',
    message: `Сроки мероприятий должны лежать в пределах маршрута (${formatDay(roadmap.start)} — ${formatDay(
      roadmap.end,
    )}): выходят за них мероприятия ${outside.map((a) => activityRef(roadmap.activities, a)).join(', ')}`,
  };
}

/** A3 5.9: an activity targets only deficits the diagnostics found. */
export function unknownDeficitsViolation(route: RouteLike): RuleViolation | undefined {
  const known = new Set(route.diagnostics.deficits.map((d) => d.code));
  const unknown = [
    ...new Set(route.roadmap.activities.flatMap((a) => a.deficitCodes.filter((c) => !known.has(c)))),
  ];
  if (unknown.length === 0) return undefined;
  return {
    rule: 'unknown-deficit-codes',
    message: `Мероприятия направлены на дефициты, не выявленные диагностикой (п. 2.3 карты): ${unknown.join(', ')}`,
  };
}

/** Every diagnosed deficit is targeted by at least one activity (DOMAIN.md; A3 4.3.1, 5.5). */
export function uncoveredDeficits(route: RouteLike): string[] {
  const targeted = new Set(route.roadmap.activities.flatMap((a) => a.deficitCodes));
  return route.diagnostics.deficits.map((d) => d.code).filter((c) => !targeted.has(c));
}

export function uncoveredViolation(route: RouteLike): RuleViolation | undefined {
  const codes = uncoveredDeficits(route);
  if (codes.length === 0) return undefined;
  return {
    rule: 'uncovered-deficits',
    message: `На каждый выявленный дефицит должно быть направлено хотя бы одно мероприятие; не охвачены: ${codes.join(', ')}`,
  };
}

/** A3 4.4.2: the curator's role follows the route's model and, for the diagnostics model, the deficit level. */
export function allowedCuratorRoles(model: RouteForm['model'], level: RouteForm['diagnostics']['level']) {
  if (model === 'diagnostics') return level === 'high' ? ['regional-methodist'] : ['lecturer'];
  if (model === 'post-course') return ['lecturer', 'mo-head'];
  return ['mentor', 'regional-methodist'];
}

export function curatorRoleViolation(route: RouteLike): RuleViolation | undefined {
  const allowed = allowedCuratorRoles(route.model, route.diagnostics.level);
  if (allowed.includes(route.curator.role)) return undefined;
  const labels = CuratorRole.labels as Record<string, string>;
  return {
    rule: 'curator-role',
    message: `Для этой модели ИОМ${route.model === 'diagnostics' ? ' и уровня дефицитов' : ''} куратором назначается ${allowed
      .map((r) => labels[r])
      .join(' или ')} (п. 4.4.2 Положения об ИОМ)`,
  };
}

/** Every rule, in a fixed order; the first one broken refuses the change. */
export function routeViolation(route: RouteLike, settings: InstanceSettings): RuleViolation | undefined {
  return (
    durationViolation(route.roadmap, settings) ??
    activitiesOutsideViolation(route.roadmap) ??
    unknownDeficitsViolation(route) ??
    uncoveredViolation(route) ??
    curatorRoleViolation(route)
  );
}

// ---- corrections -----------------------------------------------------------------------------------------------

const categoryLabels = ActivityCategory.labels as Record<string, string>;

function activityText(a: Pick<Activity, 'category' | 'title' | 'period' | 'deficitCodes'>): string {
  return `«${a.title}» (${categoryLabels[a.category] ?? a.category}; ${formatDay(a.period.from)} — ${formatDay(
    a.period.to,
  )}; дефициты: ${a.deficitCodes.join(', ')})`;
}

function unknownActivity(id: string): RuleViolation {
  return {
    rule: 'unknown-activity',
    message: `В маршруте нет мероприятия с идентификатором «${id}» — обновите страницу: возможно, его уже исключили`,
  };
}

/**
 * The roadmap after the changes, applied in order, with a before/after line for each (the correction sheet and
 * the card's change log). Marks stay with their rows.
 */
export function applyChanges<R extends RouteLike>(
  route: R,
  changes: Change[],
): { route: R; described: DescribedChange[] } | { violation: RuleViolation } {
  let activities = [...route.roadmap.activities];
  let end = route.roadmap.end;
  const described: DescribedChange[] = [];
  for (const change of changes) {
    if (change.op === 'add-activity') {
      if (activities.some((a) => a.id === change.activity.id))
        return {
          violation: { rule: 'duplicate-activity', message: 'Такое мероприятие в маршруте уже есть' },
        };
      activities.push(change.activity);
      described.push({ what: 'Добавлено мероприятие', before: '—', after: activityText(change.activity) });
    } else if (change.op === 'remove-activity') {
      const found = activities.find((a) => a.id === change.activityId);
      if (!found) return { violation: unknownActivity(change.activityId) };
      activities = activities.filter((a) => a !== found);
      described.push({ what: 'Исключено мероприятие', before: activityText(found), after: '—' });
    } else if (change.op === 'update-activity') {
      const found = activities.find((a) => a.id === change.activityId);
      if (!found) return { violation: unknownActivity(change.activityId) };
      const updated = { ...found, ...change.patch };
      activities = activities.map((a) => (a === found ? updated : a));
      described.push({
        what: 'Изменено мероприятие',
        before: activityText(found),
        after: activityText(updated),
      });
    } else {
      described.push({
        what: 'Изменена дата окончания маршрута',
        before: formatDay(end),
        after: formatDay(change.end),
      });
      end = change.end;
    }
  }
  return { route: { ...route, roadmap: { ...route.roadmap, activities, end } }, described };
}
