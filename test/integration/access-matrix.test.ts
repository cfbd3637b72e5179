import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKind, kinds } from '../../forms/registry';
import type { KindDefinition, LinkParty, StaffRole } from '../../functions/core/kind';
import { httpRoutes } from '../../functions/manifest';
import {
  declaredLinkParties,
  describeCaller,
  expectedAction,
  expectedAllowedActions,
  expectedCreate,
  expectedDocument,
  expectedPublic,
  expectedQueue,
  expectedRead,
  expectedReport,
  kindsWithResults,
  type MatrixCaller,
  STAFF_ROLES,
  staffSees,
} from '../support/access-oracle';
import {
  answerAll,
  conductAndIssue,
  drainOutbox,
  linkOf,
  mailTo,
  resetClock,
  setClock,
  staffAction,
  submitCollective,
} from '../support/diagnostics-api';
import { individualRequest, participantRows, results, today } from '../support/diagnostics-fixtures';
import { internshipApplication } from '../support/internship-fixtures';
import { longStaffToken } from '../support/route-api';
import { routeFixture, routeParties } from '../support/routes';
import { api, useStack } from '../support/stack';

/**
 * The access matrix (issue 9, item 4), generated from the declarations: every API route of functions/manifest.ts,
 * every action of every kind in forms/registry.ts, against every staff role and every link party the records
 * hand out — on its own record, on another record, and after it expired. The expected answer comes from
 * test/support/access-oracle.ts, which reads the kinds' `staff`, `createdBy`, action `by`, the actions a link
 * carries and the documents' `audience`; nothing per case is written by hand.
 *
 * Nothing is changed by the probes: an action is sent with a stale `If-Match: 0`, which the engine checks after
 * every access check, so 409 means "authorised" and 401/403/404 mean "refused" without touching the record.
 */
const stack = useStack();

/** A record the matrix is run against, with the links handed out for it. */
interface Subject {
  kind: KindDefinition<unknown>;
  id: string;
  /** The staff member it is assigned to (a route's curator), for the assigned-curator caller. */
  assignee?: string;
}

interface HeldLink {
  token: string;
  recordId: string;
  kind: string;
  party: LinkParty;
  actions: string[];
  expiresAt: string;
}

type Headers = Record<string, string>;
interface Probe {
  caller: MatrixCaller;
  headers: Headers;
}

const subjects: Subject[] = [];
const links = new Map<string, HeldLink>();
const staffHeaders = new Map<string, Headers>();

async function hold(tokens: (string | undefined)[]): Promise<void> {
  for (const token of tokens) {
    if (!token || links.has(token)) continue;
    const described = await api(stack, 'GET', `/v1/links/${token}`);
    expect(described.status, described.text).toBe(200);
    links.set(token, { token, ...described.json });
  }
}

/** Every link mailed to these addresses so far. */
async function holdMailedLinks(addresses: string[]): Promise<void> {
  for (const address of addresses) await hold((await mailTo(stack, address)).map(linkOf));
}

async function staffOf(role: StaffRole, email = `${role}-matrix@soiro.example.ru`): Promise<Headers> {
  const key = `${role} ${email}`;
  let headers = staffHeaders.get(key);
  if (!headers) {
    headers = await longStaffToken(stack, email, [role]);
    staffHeaders.set(key, headers);
  }
  return headers;
}

async function create(kind: string, body: unknown, headers: Headers = {}) {
  const res = await api(stack, 'POST', `/v1/submissions/${kind}`, body, headers);
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; accessToken?: string };
}

async function act(headers: Headers, id: string, action: string, body: unknown = {}) {
  const res = await staffAction(stack, headers, id, action, body);
  expect(res.status, `${action}: ${res.text}`).toBe(200);
  return res.json;
}

async function linkAct(token: string, id: string, action: string, body: unknown = {}) {
  const res = await api(stack, 'POST', `/v1/submissions/${id}/actions/${action}`, body, {
    'x-link-token': token,
  });
  expect(res.status, `${action}: ${res.text}`).toBe(200);
  return res.json;
}

function linkFor(recordId: string, party: LinkParty, action: string): string {
  const held = [...links.values()].find(
    (l) => l.recordId === recordId && l.party === party && l.actions.includes(action),
  );
  expect(held, `a ${party} link with ${action}`).toBeDefined();
  return held!.token;
}

/** An individual diagnostics request with its results issued (the applicant and the participant are one teacher). */
async function individualWithResults(): Promise<void> {
  const operator = await staffOf('operator');
  const body = individualRequest({ school: 'vyazma2' });
  const created = await create('diagnostics-request', body);
  await act(operator, created.id, 'agree', { date: today(), place: 'ГАУ ДПО СОИРО, ауд. 12' });
  await act(operator, created.id, 'conduct', { conductedOn: today() });
  await act(operator, created.id, 'issueResults', results('medium'));
  await drainOutbox(stack);
  await hold([created.accessToken]);
  await holdMailedLinks([body.participant.email]);
  subjects.push({ kind: findKind('diagnostics-request')!, id: created.id });
}

/** A collective request whose two participants consented and got results; the parent and one consent. */
async function collectiveWithResults(): Promise<void> {
  const run = await submitCollective(stack, { rows: participantRows(2), school: 'gagarin1' });
  await answerAll(stack, run);
  await conductAndIssue(stack, run, today());
  await hold([run.accessToken, ...run.consentLinks.values()]);
  await holdMailedLinks([run.headEmail, ...run.rows.map((r) => r.email)]);
  subjects.push({ kind: findKind('collective-diagnostics-request')!, id: run.id });
  subjects.push({ kind: findKind('consent')!, id: run.consents.get(run.participantIds[0]!)! });
}

/**
 * An internship application filed inside the selection window (A4 3.2): next year's, so its links (valid 30 days
 * from filing) are still valid at the real now, when the matrix runs.
 */
async function internshipApplied(): Promise<void> {
  await setClock(stack, `${Number(today().slice(0, 4)) + 1}-10-01T10:00:00+03:00`);
  const application = internshipApplication(1);
  const created = await create('internship-application', application.body);
  await drainOutbox(stack);
  await resetClock(stack);
  await hold([created.accessToken]);
  await holdMailedLinks([application.organizationEmail, application.headEmail]);
  subjects.push({ kind: findKind('internship-application')!, id: created.id });
}

/**
 * A route through review and approval to `active`, with an accepted correction: the links of all three parties
 * at every stage, and the correction's own.
 */
async function routeWithCorrection(): Promise<void> {
  const centre = await staffOf('centre');
  const parties = routeParties();
  const curator = await staffOf('curator', parties.curator);
  const created = await create('route', routeFixture({ parties }), centre);
  await act(centre, created.id, 'sendForReview');
  await act(centre, created.id, 'finalize');
  await drainOutbox(stack);
  await holdMailedLinks([parties.head]);
  await linkAct(linkFor(created.id, 'head', 'approve'), created.id, 'approve');
  await drainOutbox(stack);
  await holdMailedLinks([parties.teacher, parties.curator, parties.head]);
  const route = (await api(stack, 'GET', `/v1/submissions/${created.id}`, undefined, centre)).json;
  await linkAct(linkFor(created.id, 'teacher', 'markActivity'), created.id, 'proposeCorrection', {
    baseVersion: route.payload.revision,
    reason: 'Курсы совпадают с подготовкой к ВПР',
    changes: [
      {
        op: 'update-activity',
        activityId: route.payload.roadmap.activities[0].id,
        patch: { title: 'Курсы «Цифровая дидактика» (72 ч)' },
      },
    ],
  });
  await drainOutbox(stack);
  const correctionId = (await api(stack, 'GET', `/v1/submissions/${created.id}`, undefined, centre)).json
    .children[0].id as string;
  await holdMailedLinks([parties.curator]);
  await act(curator, correctionId, 'accept');
  await drainOutbox(stack);
  await holdMailedLinks([parties.teacher, parties.curator, parties.head]);
  subjects.push({ kind: findKind('route')!, id: created.id, assignee: parties.curator });
  subjects.push({ kind: findKind('route-correction')!, id: correctionId, assignee: parties.curator });
}

/** Staff callers of a record: each role once, a curator it is not assigned to, and its assignee. */
async function staffProbes(subject?: Subject): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (const role of STAFF_ROLES) {
    probes.push({ caller: { type: 'staff', role, assigned: false }, headers: await staffOf(role) });
  }
  if (subject?.assignee) {
    probes.push({
      caller: { type: 'staff', role: 'curator', assigned: true },
      headers: await staffOf('curator', subject.assignee),
    });
  }
  return probes;
}

function linkProbe(link: HeldLink, expired = false): Probe {
  return {
    caller: { type: 'link', party: link.party, actions: link.actions, recordId: link.recordId, expired },
    headers: { 'x-link-token': link.token },
  };
}

const ANONYMOUS: Probe = { caller: { type: 'anonymous' }, headers: {} };

/** One probe = one request and the status the declarations expect. */
interface Check {
  what: string;
  expected: number;
  run: () => Promise<{ status: number; text: string }>;
}

/** Run checks a few at a time; every mismatch is reported, not only the first. */
async function runChecks(checks: Check[]): Promise<string[]> {
  const mismatches: string[] = [];
  for (let i = 0; i < checks.length; i += 8) {
    await Promise.all(
      checks.slice(i, i + 8).map(async (check) => {
        const res = await check.run();
        if (res.status !== check.expected)
          mismatches.push(
            `${check.what}: expected ${check.expected}, got ${res.status} ${res.text.slice(0, 160)}`,
          );
      }),
    );
  }
  return mismatches;
}

function download(id: string, docId: string, headers: Headers) {
  return fetch(`${stack.appUrl}/v1/submissions/${id}/documents/${docId}`, {
    headers,
    redirect: 'manual',
  }).then(async (r) => ({ status: r.status, text: r.status === 302 ? '' : await r.text() }));
}

/** A web page, without following redirects (the sign-in redirect is the page's refusal). */
function page(path: string, headers: Headers) {
  return fetch(`${stack.appUrl}${path}`, { headers, redirect: 'manual' }).then(async (r) => ({
    status: r.status,
    text: r.status === 200 ? '' : await r.text(),
  }));
}

/** The staff workspace answers anyone but staff with the sign-in page (functions/web/staff.ts). */
const SIGN_IN_REDIRECT = 303;

/** The record's documents as staff see them (all of them). */
async function documentsOf(subject: Subject): Promise<{ id: string; name: string }[]> {
  const view = await api(stack, 'GET', `/v1/submissions/${subject.id}`, undefined, await staffOf('admin'));
  return view.json.documents;
}

/** Every record route and every action of the subject's kind, for each probe. */
async function recordChecks(subject: Subject, probes: Probe[]): Promise<Check[]> {
  const { kind, id } = subject;
  const documents = await documentsOf(subject);
  const checks: Check[] = [];
  for (const { caller, headers } of probes) {
    const who = `${kind.kind} ${describeCaller(caller, id)}`;
    const read = expectedRead(kind, id, caller);
    checks.push(
      {
        what: `${who} GET record`,
        expected: read,
        run: () => api(stack, 'GET', `/v1/submissions/${id}`, undefined, headers),
      },
      {
        what: `${who} GET history`,
        expected: read,
        run: () => api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, headers),
      },
    );
    checks.push({
      what: `${who} GET staff page of the record`,
      expected: caller.type === 'staff' ? read : SIGN_IN_REDIRECT,
      run: () => page(`/staff/records/${id}`, headers),
    });
    for (const action of Object.keys(kind.actions)) {
      checks.push({
        what: `${who} POST ${action}`,
        expected: expectedAction(kind, id, action, caller),
        run: () =>
          api(stack, 'POST', `/v1/submissions/${id}/actions/${action}`, {}, { ...headers, 'if-match': '0' }),
      });
    }
    for (const doc of documents) {
      checks.push({
        what: `${who} GET document ${doc.name}`,
        expected: expectedDocument(kind, id, doc.name, caller),
        run: () => download(id, doc.id, headers),
      });
    }
  }
  return checks;
}

beforeAll(async () => {
  await individualWithResults();
  await collectiveWithResults();
  await internshipApplied();
  await routeWithCorrection();
}, 240_000);

afterAll(async () => {
  await api(stack, 'DELETE', '/dev/clock');
});

describe('access matrix (generated from the declarations)', () => {
  it('covers every kind, every route of the manifest and every link party a kind hands out', () => {
    expect(new Set(subjects.map((s) => s.kind.kind))).toEqual(new Set(kinds.map((k) => k.kind)));
    for (const kind of kinds) {
      const held = new Set([...links.values()].filter((l) => l.kind === kind.kind).map((l) => l.party));
      // `confirm` links exist only where the instance asks applicants to confirm their address (not Smolensk).
      expect([...held].sort(), kind.kind).toEqual(declaredLinkParties(kind).sort());
    }
    const covered = new Set([...Object.keys(ROUTE_CHECKS), ...Object.keys(OUTSIDE_MATRIX)]);
    const routes = httpRoutes.map((r) => `${r.method} ${r.path}`);
    expect(routes.filter((r) => !covered.has(r))).toEqual([]);
  });

  it('answers every route, action and document as the declarations say, for staff and for own and foreign links', async () => {
    const checks: Check[] = [
      ...(
        await Promise.all(
          subjects.map(async (subject) => {
            const own = [...links.values()].filter((l) => l.recordId === subject.id).map((l) => linkProbe(l));
            // A link of every other record, one per record.
            const foreign = subjects
              .filter((s) => s.id !== subject.id)
              .map((s) => [...links.values()].find((l) => l.recordId === s.id))
              .filter((l): l is HeldLink => l !== undefined)
              .map((l) => linkProbe(l));
            expect(own.length, `links of ${subject.kind.kind}`).toBeGreaterThan(0);
            return recordChecks(subject, [ANONYMOUS, ...(await staffProbes(subject)), ...own, ...foreign]);
          }),
        )
      ).flat(),
    ];
    const general = await generalProbes();
    for (const make of Object.values(ROUTE_CHECKS)) if (make) checks.push(...(await make(general)));
    const started = Date.now();
    const mismatches = await runChecks(checks);
    console.log(`access matrix: ${checks.length} requests in ${Date.now() - started} ms`);
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('offers each caller exactly the actions the declarations allow in the record’s stage', async () => {
    const mismatches: string[] = [];
    for (const subject of subjects) {
      const own = [...links.values()].filter((l) => l.recordId === subject.id).map((l) => linkProbe(l));
      for (const { caller, headers } of [...(await staffProbes(subject)), ...own]) {
        if (caller.type === 'staff' && !staffSees(subject.kind, caller.role, caller.assigned)) continue;
        const view = await api(stack, 'GET', `/v1/submissions/${subject.id}`, undefined, headers);
        const expected = expectedAllowedActions(subject.kind, view.json, caller);
        if (JSON.stringify(view.json.allowedActions) !== JSON.stringify(expected))
          mismatches.push(
            `${subject.kind.kind} (${view.json.stage}) ${describeCaller(caller, subject.id)}: ${JSON.stringify(view.json.allowedActions)} ≠ ${JSON.stringify(expected)}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('keeps results to the participant: no other party of a kind with results sees them (A2 6.3)', async () => {
    const withResults = kindsWithResults();
    expect(withResults.map((k) => k.kind).sort()).toEqual(
      ['collective-diagnostics-request', 'consent', 'diagnostics-request'].sort(),
    );
    for (const kind of withResults) {
      const subject = subjects.find((s) => s.kind === kind)!;
      const staffView = await api(
        stack,
        'GET',
        `/v1/submissions/${subject.id}`,
        undefined,
        await staffOf('operator'),
      );
      const own = [...links.values()].filter((l) => l.recordId === subject.id);
      for (const link of own) {
        const headers = { 'x-link-token': link.token };
        const view = await api(stack, 'GET', `/v1/submissions/${subject.id}`, undefined, headers);
        const history = await api(stack, 'GET', `/v1/submissions/${subject.id}/history`, undefined, headers);
        const sees = link.party === 'participant';
        const where = `${kind.kind} through a ${link.party} link`;
        expect(view.json.payload.results !== undefined, `${where}: results in the record`).toBe(sees);
        expect(
          (view.json.documents as { name: string }[]).some((d) => d.name === 'results'),
          `${where}: the results document listed`,
        ).toBe(sees);
        if (!sees) {
          expect(view.text, where).not.toContain('"deficits"');
          expect(history.text, where).not.toContain('"deficits"');
        }
      }
      // The staff see them, where the kind keeps them on the record (a collective request keeps them per consent).
      if ('results' in kind.documents) expect(staffView.json.payload.results, kind.kind).toBeDefined();
    }
  });

  it('refuses every link once it has expired, on every route', async () => {
    const held = [...links.values()];
    const latest = held.map((l) => Date.parse(l.expiresAt)).reduce((a, b) => Math.max(a, b));
    await setClock(stack, new Date(latest + 86_400_000).toISOString());
    try {
      const checks: Check[] = [];
      for (const link of held) {
        checks.push({
          what: `page of expired ${link.kind} ${link.party} link`,
          expected: 401,
          run: () => page(`/l/${link.token}`, {}),
        });
        checks.push({
          what: `describe expired ${link.kind} ${link.party}`,
          expected: 401,
          run: () => api(stack, 'GET', `/v1/links/${link.token}`),
        });
      }
      for (const subject of subjects) {
        const expired = held.filter((l) => l.recordId === subject.id).map((l) => linkProbe(l, true));
        checks.push(...(await recordChecks(subject, expired)));
      }
      // The link's own description is checked above; every other route refuses the expired credential.
      for (const [route, make] of Object.entries(ROUTE_CHECKS))
        if (make && !['GET /v1/links/{token}', 'GET /l/{token}', 'GET /staff'].includes(route))
          checks.push(...(await make([linkProbe(held[0]!, true)])));
      // Refused everywhere: 401, or the staff workspace's sign-in page.
      expect(checks.filter((c) => c.expected !== 401 && c.expected !== SIGN_IN_REDIRECT)).toEqual([]);
      expect(await runChecks(checks)).toEqual([]);
    } finally {
      await resetClock(stack);
    }
  }, 120_000);
});

/** Callers of the routes that are not about one record: anonymous, each staff role, and one link of each party. */
async function generalProbes(): Promise<Probe[]> {
  const byParty = new Map<LinkParty, HeldLink>();
  for (const l of links.values()) if (!byParty.has(l.party)) byParty.set(l.party, l);
  return [ANONYMOUS, ...(await staffProbes()), ...[...byParty.values()].map((l) => linkProbe(l))];
}

type RouteChecks = ((probes: Probe[]) => Promise<Check[]>) | undefined;

function each(
  probes: Probe[],
  what: string,
  expected: (c: MatrixCaller) => number,
  path: string,
  method = 'GET',
  body?: unknown,
): Check[] {
  return probes.map(({ caller, headers }) => ({
    what: `${method} ${path} as ${describeCaller(caller)} (${what})`,
    expected: expected(caller),
    run: () => api(stack, method, path, body, headers),
  }));
}

/**
 * Every API route of the manifest, with the checks of the routes not about one record. The record routes are
 * checked per subject above (`undefined` here); a route of the manifest missing from this table fails the coverage
 * test.
 */
const ROUTE_CHECKS: Record<string, RouteChecks> = {
  'GET /healthz': async (p) => each(p, 'public', expectedPublic, '/healthz'),
  'GET /openapi.json': async (p) => each(p, 'public', expectedPublic, '/openapi.json'),
  'GET /v1/forms': async (p) => each(p, 'public', expectedPublic, '/v1/forms'),
  'GET /v1/forms/{kind}': async (p) =>
    kinds.flatMap((k) => each(p, 'public', expectedPublic, `/v1/forms/${k.kind}`)),
  'POST /v1/submissions/{id}': async (p) =>
    kinds.flatMap((k) =>
      each(
        p,
        `created by ${JSON.stringify(k.createdBy)}`,
        (c) => expectedCreate(k, c),
        `/v1/submissions/${k.kind}`,
        'POST',
        {},
      ),
    ),
  'GET /v1/submissions': async (p) => [
    ...each(p, 'queue', (c) => expectedQueue(undefined, c), '/v1/submissions'),
    ...kinds.flatMap((k) =>
      each(p, 'queue of a kind', (c) => expectedQueue(k.kind, c), `/v1/submissions?kind=${k.kind}`),
    ),
  ],
  'GET /v1/submissions/{id}': undefined,
  'POST /v1/submissions/{id}/actions/{action}': undefined,
  'GET /v1/submissions/{id}/history': undefined,
  'GET /v1/submissions/{id}/documents/{docId}': undefined,
  'GET /v1/links/{token}': async () =>
    [...links.values()].map((l) => ({
      what: `describe own ${l.kind} ${l.party} link`,
      expected: 200,
      run: () => api(stack, 'GET', `/v1/links/${l.token}`),
    })),
  'GET /l/{token}': async () =>
    [...links.values()].map((l) => ({
      what: `page of own ${l.kind} ${l.party} link`,
      expected: 200,
      run: () => page(`/l/${l.token}`, {}),
    })),
  'GET /staff/records/{id}': undefined,
  'GET /': async (p) => each(p, 'public page', expectedPublic, '/'),
  'GET /forms/{kind}': async (p) =>
    kinds
      .filter((k) => k.createdBy === 'public')
      .flatMap((k) => each(p, 'public form page', expectedPublic, `/forms/${k.kind}`)),
  'GET /staff': async (p) =>
    p.map(({ caller, headers }) => ({
      what: `staff queue page as ${describeCaller(caller)}`,
      expected: caller.type === 'staff' ? 200 : SIGN_IN_REDIRECT,
      run: () => page('/staff', headers),
    })),
  'GET /v1/reports/diagnostics': async (p) =>
    each(
      p,
      'report',
      (c) => expectedReport('diagnostics', c),
      `/v1/reports/diagnostics?from=${today()}&to=${today()}`,
    ),
  'GET /v1/registry/internship-sites': async (p) =>
    each(p, 'public register', expectedPublic, '/v1/registry/internship-sites'),
};

/**
 * Routes of the manifest the matrix does not probe, and why: none reads or changes a record by its id or a link's
 * token except through the same core calls the API routes above are probed on. (Their own tests: web-pages,
 * staff-sign-in and the browser tests.)
 */
const OUTSIDE_MATRIX: Record<string, string> = {
  'POST /forms/{kind}': 'the public form post: the same createRecord as POST /v1/submissions/{kind}',
  'POST /l/{token}/actions/{action}': 'the link page’s form post: the same applyAction, without If-Match',
  'POST /staff/records/{id}/actions/{action}': 'the staff form post: the same applyAction',
  'GET /staff/sign-in': 'the sign-in page',
  'POST /staff/sign-in': 'local sign-in (a token of the local issuer)',
  'POST /staff/sign-out': 'clears the session cookie',
  'GET /staff/callback': 'the hosted sign-in’s callback',
  'GET /staff/forms/{kind}': 'creation forms of staff kinds: the same createRecord',
  'POST /staff/forms/{kind}': 'creation forms of staff kinds: the same createRecord',
  'GET /staff/reports': 'the reports page: the same report calls as GET /v1/reports/*',
  'GET /assets/{file}': 'static scripts and styles',
};
