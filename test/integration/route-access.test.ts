import { afterEach, describe, expect, it } from 'vitest';
import { diagnosticsRequest } from '../support/fixtures';
import {
  drainOutbox,
  expectOk,
  expectRule,
  lastMail,
  linkOf,
  longStaffToken,
  mailTo,
  setClock,
  staffAct,
} from '../support/route-api';
import { DEFICITS, plusDays, routeFixture, routeParties } from '../support/routes';
import { api, useStack } from '../support/stack';

/**
 * Routes (ИОМ) under concurrency and access rules, through the real emulators: gap-free numbers (A3 4.3.3),
 * corrections racing on one revision, the correction window (A3 4.3.6), the rules of a route as named rule errors,
 * and who may see and do what (a curator only their routes, a link only its own record).
 */
const stack = useStack();
const ROUTES = '/v1/submissions/route';

afterEach(async () => {
  await api(stack, 'DELETE', '/dev/clock');
});

async function centreToken() {
  return longStaffToken(stack, `developer-${Date.now()}@soiro.example.ru`, ['centre']);
}

async function createRoute(centre: Record<string, string>, body: unknown) {
  const res = await api(stack, 'POST', ROUTES, body, centre);
  expectOk(res, 201);
  return res.json as { id: string; number: string; version: number };
}

/** A route sent for review, with the parties' mails delivered. */
async function routeInReview(centre: Record<string, string>, parties = routeParties()) {
  const created = await createRoute(centre, routeFixture({ parties }));
  expectOk(await staffAct(stack, centre, created.id, 'sendForReview'));
  return { ...created, parties };
}

describe('route numbers (A3 4.3.3)', () => {
  it('gives 20 concurrent creations in one year 20 distinct consecutive numbers', async () => {
    const centre = await centreToken();
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api(stack, 'POST', ROUTES, routeFixture(), centre)),
    );
    console.log(`20 concurrent route creations in ${Date.now() - started} ms`);
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const year = new Date().getFullYear();
    const numbers = results.map((r) => r.json.number as string);
    for (const n of numbers) expect(n).toMatch(new RegExp(`^ИОМ-67-${year}-\\d{5}$`));
    const serials = numbers.map((n) => Number(n.slice(-5))).sort((a, b) => a - b);
    expect(new Set(serials).size).toBe(20);
    expect(serials[19]! - serials[0]!).toBe(19);
    // The next one continues the series: nothing was skipped by the losers of the races.
    const next = await createRoute(centre, routeFixture());
    expect(Number(next.number.slice(-5))).toBe(serials[19]! + 1);
  });
});

describe('corrections', () => {
  it('lets exactly one of two corrections on the same revision be accepted concurrently; the other gets 409', async () => {
    const centre = await centreToken();
    const route = await routeInReview(centre);
    const curator = await longStaffToken(stack, route.parties.curator, ['curator']);
    const activities = (await api(stack, 'GET', `/v1/submissions/${route.id}`, undefined, centre)).json
      .payload.roadmap.activities as { id: string; period: { from: string; to: string } }[];
    const propose = (activity: { id: string; period: { from: string; to: string } }, reason: string) =>
      staffAct(stack, curator, route.id, 'proposeCorrection', {
        baseVersion: 1,
        reason,
        changes: [
          {
            op: 'update-activity',
            activityId: activity.id,
            patch: { period: { from: activity.period.from, to: plusDays(activity.period.to, 3) } },
          },
        ],
      });
    expectOk(await propose(activities[0]!, 'Продление срока курсов на три дня'));
    expectOk(await propose(activities[1]!, 'Семинар переносится организатором'));
    const children = (await api(stack, 'GET', `/v1/submissions/${route.id}`, undefined, centre)).json
      .children as { id: string }[];
    expect(children).toHaveLength(2);

    const accepts = await Promise.all(
      children.map((c) =>
        api(stack, 'POST', `/v1/submissions/${c.id}/actions/accept`, {}, { ...centre, 'if-match': '1' }),
      ),
    );
    expect(accepts.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(accepts.find((r) => r.status === 409)!.json.error.code).toBe('version-conflict');
    const after = await api(stack, 'GET', `/v1/submissions/${route.id}`, undefined, centre);
    expect(after.json.payload.revision).toBe(2);
    expect(after.json.payload.changeLog).toHaveLength(1);
    expect(after.json.children.map((c: { stage: string }) => c.stage).sort()).toEqual([
      'accepted',
      'proposed',
    ]);

    // A proposal prepared against the old revision is refused at once.
    const stale = await propose(activities[2]!, 'Устаревшее предложение');
    expect([stale.status, stale.json.error.code]).toEqual([409, 'version-conflict']);
    // A change naming a row the route does not have is a rule error.
    expectRule(
      await staffAct(stack, curator, route.id, 'proposeCorrection', {
        baseVersion: 2,
        reason: 'Исключить мероприятие',
        changes: [{ op: 'remove-activity', activityId: 'a-nonexist' }],
      }),
      'unknown-activity',
    );
  });

  it('accepts proposals for 5 working days after the route arrives for review, then refuses them', async () => {
    const centre = await centreToken();
    // Sent on Wednesday 3 March 2027: Monday 8 March is a holiday, so the window closes at the end of 11 March.
    await setClock(stack, '2027-03-03T10:00:00+03:00');
    const route = await routeInReview(centre);
    const curator = await longStaffToken(stack, route.parties.curator, ['curator']);
    const activityId = (await api(stack, 'GET', `/v1/submissions/${route.id}`, undefined, centre)).json
      .payload.roadmap.activities[0].id as string;
    const proposal = {
      baseVersion: 1,
      reason: 'Перенос курсов',
      changes: [{ op: 'update-activity', activityId, patch: { title: 'Курсы «Цифровая дидактика» (72 ч)' } }],
    };
    await setClock(stack, '2027-03-11T23:30:00+03:00');
    expectOk(await staffAct(stack, curator, route.id, 'proposeCorrection', proposal));
    await setClock(stack, '2027-03-12T00:30:00+03:00');
    const late = await staffAct(stack, curator, route.id, 'proposeCorrection', proposal);
    expectRule(late, 'correction-window-closed');
    expect(late.json.error.message).toContain('11.03.2027');
  });
});

describe('approval (A3 4.3.10)', () => {
  it('lets the head return the route for changes through the mailed link; it comes back for a new review', async () => {
    const centre = await centreToken();
    const route = await routeInReview(centre);
    expectOk(await staffAct(stack, centre, route.id, 'finalize'));
    await drainOutbox(stack);
    const request = await lastMail(stack, route.parties.head, 'направлен Вам на утверждение');
    expect(request.to).toEqual([route.parties.head]);
    const head = linkOf(request);
    expect(
      (await api(stack, 'GET', `/v1/submissions/${route.id}`, undefined, head)).json.allowedActions,
    ).toEqual(['approve', 'returnForChanges']);
    const returned = await api(
      stack,
      'POST',
      `/v1/submissions/${route.id}/actions/returnForChanges`,
      { comment: 'Сократите число мероприятий в мае: у педагога выпускные классы' },
      head,
    );
    expectOk(returned);
    expect(returned.json.stage).toBe('review');
    expect(returned.json.payload.returns).toEqual([
      expect.objectContaining({ comment: 'Сократите число мероприятий в мае: у педагога выпускные классы' }),
    ]);
    const history = await api(stack, 'GET', `/v1/submissions/${route.id}/history`, undefined, centre);
    expect(history.json.map((e: { action: string }) => e.action)).toEqual([
      'create',
      'sendForReview',
      'finalize',
      'returnForChanges',
    ]);
    await drainOutbox(stack);
    // The three get the card and their links again, for a new correction window.
    expect(await mailTo(stack, route.parties.teacher, 'на ознакомление и корректировку')).toHaveLength(2);
    expect(await mailTo(stack, route.parties.head, 'на ознакомление и корректировку')).toHaveLength(2);
    // The returned link cannot approve any more: the route is no longer awaiting approval.
    expectRule(
      await api(stack, 'POST', `/v1/submissions/${route.id}/actions/approve`, {}, head),
      'action-not-allowed',
    );
  });
});

describe('route rules as named rule errors', () => {
  it('refuses a creation breaking each rule with its rule id, listing uncovered deficits', async () => {
    const centre = await centreToken();
    const base = routeFixture();
    const variant = (change: (r: ReturnType<typeof routeFixture>) => void) => {
      const copy = structuredClone(base);
      change(copy);
      return api(stack, 'POST', ROUTES, copy, centre);
    };
    // A3 4.4.3: 6 months to 2 years.
    expectRule(
      await variant((r) => {
        r.roadmap.end = '2026-08-30';
        r.roadmap.activities = r.roadmap.activities.slice(0, 2);
        r.roadmap.activities.push({
          ...base.roadmap.activities[3]!,
          period: { from: '2026-06-01', to: '2026-06-02' },
        });
      }),
      'route-duration',
    );
    expectRule(
      await variant((r) => {
        r.roadmap.activities[0]!.period = { from: '2026-02-20', to: '2026-03-20' };
      }),
      'activity-outside-route',
    );
    expectRule(
      await variant((r) => {
        r.roadmap.activities[0]!.deficitCodes = ['М-2', 'Х-9'];
      }),
      'unknown-deficit-codes',
    );
    const uncovered = await variant((r) => {
      r.roadmap.activities = r.roadmap.activities.filter((a) => !a.deficitCodes.includes('П-3'));
      r.roadmap.activities = r.roadmap.activities.filter((a) => !a.deficitCodes.includes('Ц-1'));
    });
    expectRule(uncovered, 'uncovered-deficits');
    expect(uncovered.json.error.message).toContain('Ц-1, П-3');
    // A3 4.4.2: a medium level on the diagnostics model is curated by a lecturer.
    const role = await variant((r) => {
      r.curator.role = 'mentor';
    });
    expectRule(role, 'curator-role');
    expect(role.json.error.message).toContain('преподаватель');
    // Structure is validation (400) with every path.
    const bad = await variant((r) => {
      (r.teacher as Record<string, unknown>).experienceYears = 70;
      r.diagnostics.deficits = [...DEFICITS, DEFICITS[0]!];
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['teacher.experienceYears', 'diagnostics.deficits.3.code']),
    );
  });

  it('is created by the centre only, from an issued result only, and keeps row ids through edits in draft', async () => {
    const centre = await centreToken();
    expect((await api(stack, 'POST', ROUTES, routeFixture())).status).toBe(401);
    const operator = await longStaffToken(stack, 'operator-routes@soiro.example.ru', ['operator']);
    expect((await api(stack, 'POST', ROUTES, routeFixture(), operator)).status).toBe(403);
    // A diagnostics request without results cannot be the source.
    const pending = await api(stack, 'POST', '/v1/submissions/diagnostics-request', diagnosticsRequest());
    expectOk(pending, 201);
    const { diagnostics: _d, ...withoutDiagnostics } = routeFixture();
    expectRule(
      await api(stack, 'POST', ROUTES, { ...withoutDiagnostics, sourceId: pending.json.id }, centre),
      'source-not-ready',
    );
    const unknown = await api(
      stack,
      'POST',
      ROUTES,
      { ...routeFixture(), sourceId: '00000000-0000-4000-8000-000000000000' },
      centre,
    );
    expect([unknown.status, unknown.json.error.issues[0].path]).toEqual([400, 'sourceId']);

    const created = await createRoute(centre, routeFixture());
    const before = (await api(stack, 'GET', `/v1/submissions/${created.id}`, undefined, centre)).json.payload;
    const ids = before.roadmap.activities.map((a: { id: string }) => a.id);
    const edited = structuredClone(before);
    edited.roadmap.activities[1].title = 'Региональный семинар «Функциональная грамотность: задания PISA»';
    edited.roadmap.activities.push({
      category: 'burnout',
      title: 'Тренинг «Профилактика профессионального выгорания педагога»',
      period: { from: '2026-05-12', to: '2026-05-12' },
      deficitCodes: ['Ц-1'],
    });
    const updated = await staffAct(stack, centre, created.id, 'update', { payload: edited });
    expectOk(updated);
    const after = updated.json.payload.roadmap.activities as { id: string; title: string }[];
    expect(after.slice(0, 5).map((a) => a.id)).toEqual(ids);
    expect(after[5]!.id).toMatch(/^a-[0-9a-f]{8}$/);
    expect(ids).not.toContain(after[5]!.id);
    // An edit breaking a rule is refused like a creation.
    edited.roadmap.activities = edited.roadmap.activities.filter(
      (a: { deficitCodes: string[] }) => !a.deficitCodes.includes('П-3'),
    );
    expectRule(
      await staffAct(stack, centre, created.id, 'update', { payload: edited }),
      'uncovered-deficits',
    );
  });
});

describe('who sees and does what', () => {
  it('shows a curator only the routes assigned to them, and a teacher link opens only its own route', async () => {
    const centre = await centreToken();
    const mine = await routeInReview(centre);
    const theirs = await routeInReview(centre);
    await drainOutbox(stack);
    const curatorA = await longStaffToken(stack, mine.parties.curator, ['curator']);
    const curatorB = await longStaffToken(stack, theirs.parties.curator, ['curator']);

    const queueA = await api(stack, 'GET', '/v1/submissions?kind=route', undefined, curatorA);
    expectOk(queueA);
    expect(queueA.json.items.map((r: { id: string }) => r.id)).toEqual([mine.id]);
    const queueB = await api(stack, 'GET', '/v1/submissions', undefined, curatorB);
    expect(queueB.json.items.map((r: { id: string }) => r.id)).toEqual([theirs.id]);
    expect((await api(stack, 'GET', `/v1/submissions/${theirs.id}`, undefined, curatorA)).status).toBe(404);
    const foreign = await api(
      stack,
      'POST',
      `/v1/submissions/${theirs.id}/actions/acknowledge`,
      {},
      { ...curatorA, 'if-match': '2' },
    );
    expect(foreign.status).toBe(404);
    const own = await api(stack, 'GET', `/v1/submissions/${mine.id}`, undefined, curatorA);
    expect(own.json.allowedActions).toEqual(['acknowledge', 'proposeCorrection']);
    // The centre sees both.
    const centreQueue = await api(
      stack,
      'GET',
      '/v1/submissions?kind=route&stage=review&limit=100',
      undefined,
      centre,
    );
    const seen = centreQueue.json.items.map((r: { id: string }) => r.id);
    expect(seen).toEqual(expect.arrayContaining([mine.id, theirs.id]));

    // The teacher's mailed link: its own route only.
    const teacherLink = linkOf(
      await lastMail(stack, mine.parties.teacher, 'на ознакомление и корректировку'),
    );
    expect((await api(stack, 'GET', `/v1/submissions/${mine.id}`, undefined, teacherLink)).status).toBe(200);
    expect((await api(stack, 'GET', `/v1/submissions/${theirs.id}`, undefined, teacherLink)).status).toBe(
      403,
    );
    const elsewhere = await api(
      stack,
      'POST',
      `/v1/submissions/${theirs.id}/actions/proposeCorrection`,
      { baseVersion: 1, reason: 'Чужой маршрут', changes: [{ op: 'change-end', end: '2026-12-31' }] },
      teacherLink,
    );
    expect([elsewhere.status, elsewhere.json.error.code]).toEqual([403, 'forbidden']);
    // Nor may the teacher take the developer's actions on their own route.
    expect(
      (await api(stack, 'POST', `/v1/submissions/${mine.id}/actions/finalize`, {}, teacherLink)).status,
    ).toBe(403);
    const acknowledged = await api(
      stack,
      'POST',
      `/v1/submissions/${mine.id}/actions/acknowledge`,
      {},
      teacherLink,
    );
    expectOk(acknowledged);
    expect(acknowledged.json.payload.reviewAcknowledgements).toEqual([
      expect.objectContaining({ party: 'teacher', name: 'Иванова Мария Петровна', revision: 1 }),
    ]);
  });
});
