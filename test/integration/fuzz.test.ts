import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findKind, kinds } from '../../forms/registry';
import { get, put } from '../../functions/adapters/table';
import type { KindDefinition, LinkParty } from '../../functions/core/kind';
import { keys, type StoredRecord } from '../../functions/core/model';
import { addDays, anchorOf, type FuzzOptions, invalidBodies, validBodies } from '../fuzz/arbitraries';
import { actionAnchors, payloadOf, putLink } from '../fuzz/payloads';
import { hints, pool, postRaw, purgeAll, RUNS, SEED, sampled, VALID_EVERY, withServerIds } from '../fuzz/run';
import { drainOutbox, resetClock, setClock } from '../support/diagnostics-api';
import { collectiveRequest, today } from '../support/diagnostics-fixtures';
import { diagnosticsRequest } from '../support/fixtures';
import { internshipApplication } from '../support/internship-fixtures';
import { recordItem } from '../support/records';
import { routeFixture } from '../support/routes';
import { api, useStack } from '../support/stack';
import { staffToken } from '../support/staff';

/**
 * Fuzzing of the HTTP API (issue 9, item 1) with bodies generated from the zod schemas of the kinds
 * (test/fuzz/arbitraries.ts): every public POST route and every action input a person can send. Invariants: no
 * 5xx ever; an invalid body → 400 in API.md's shape naming every broken field (and exactly the fields the schema
 * refuses); a valid body → 2xx (or a named domain rule) and, for a creation, the stored payload equals the parsed
 * body. `FUZZ_RUNS` bodies per route and per action (`npm run fuzz`: 10,000); `npm test` takes a small sample
 * with a fixed seed. Valid bodies create records and mail, so they are one in `VALID_EVERY`, and every record the
 * file made is purged at the end (no workers run for them, nothing left for other files).
 */

const stack = useStack();
const madeIds = new Set<string>();
const summary: Record<string, Record<string, number>> = {};

function count(route: string, key: string): void {
  const s = summary[route] ?? {};
  summary[route] = s;
  s[key] = (s[key] ?? 0) + 1;
}

/** The paths a 400 must name: every issue of the schema, an unknown field by its own path (API.md). */
function expectedPaths(
  schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
  body: unknown,
) {
  const parsed = schema.safeParse(body) as {
    success: boolean;
    error?: { issues: { path: PropertyKey[]; code: string; keys?: string[] }[] };
  };
  return new Set(
    (parsed.error?.issues ?? []).flatMap((i) => {
      const base = i.path.map(String);
      return i.code === 'unrecognized_keys'
        ? (i.keys ?? []).map((k) => [...base, k].join('.'))
        : [base.join('.')];
    }),
  );
}

/** API.md's error shape; returns the named paths. */
function errorPaths(json: unknown): Set<string> {
  const error = (json as { error?: { code?: unknown; message?: unknown; issues?: unknown } })?.error;
  expect(error?.code).toBe('validation');
  expect(typeof error?.message).toBe('string');
  expect(Array.isArray(error?.issues)).toBe(true);
  const issues = error?.issues as { path: unknown; message: unknown }[];
  for (const issue of issues) {
    expect(typeof issue.path).toBe('string');
    expect(typeof issue.message).toBe('string');
  }
  return new Set(issues.map((i) => i.path as string));
}

const MAX_BODY = 256 * 1024;

/** POST a generated body; one over API.md's 256 KB goes on its own connection (the server closes it after a 413). */
async function send(path: string, body: unknown, headers: Record<string, string>) {
  const text = JSON.stringify(body);
  if (Buffer.byteLength(text) <= MAX_BODY) return api(stack, 'POST', path, body, headers);
  return raw(path, text, 'application/json', headers);
}

interface Failure {
  route: string;
  status: number;
  body: string;
  answer: string;
  why: string;
}
const failures: Failure[] = [];

function fail(route: string, body: unknown, status: number, answer: string, why: string): void {
  failures.push({
    route,
    status,
    body: JSON.stringify(body).slice(0, 600),
    answer: answer.slice(0, 600),
    why,
  });
}

/** Check one answer to an invalid body; failures are collected, not thrown, so the run reports them all. */
function judgeInvalid(
  route: string,
  schema: Parameters<typeof expectedPaths>[0],
  body: unknown,
  broken: string[],
  res: { status: number; json: unknown; text: string },
) {
  count(route, `status ${res.status}`);
  if (res.status >= 500) return fail(route, body, res.status, res.text, '5xx');
  if (Buffer.byteLength(JSON.stringify(body)) > MAX_BODY) {
    if (
      res.status !== 413 ||
      (res.json as { error?: { code?: string } })?.error?.code !== 'payload-too-large'
    )
      fail(route, body, res.status, res.text, 'a body over 256 KB not refused with 413');
    return;
  }
  if (res.status !== 400) return fail(route, body, res.status, res.text, 'invalid body not refused with 400');
  let named: Set<string>;
  try {
    named = errorPaths(res.json);
  } catch {
    return fail(route, body, res.status, res.text, 'not the error shape of API.md');
  }
  const missing = broken.filter((p) => !named.has(p));
  if (missing.length)
    return fail(route, body, res.status, res.text, `broken fields not named: ${missing.join(', ')}`);
  const expected = expectedPaths(schema, body);
  const extra = [...named].filter((p) => !expected.has(p));
  const unnamed = [...expected].filter((p) => !named.has(p));
  if (extra.length || unnamed.length)
    fail(route, body, res.status, res.text, `named ${[...named]} but the schema refuses ${[...expected]}`);
}

async function adminHeaders() {
  return staffToken(stack, ['admin'], 'fuzz-admin@soiro.example.ru');
}

// ---- creations: POST /v1/submissions/{kind} ----

interface CreationRoute {
  kind: string;
  anchor: () => unknown;
  /** The day the rules see as today while this route is fuzzed (the internship selection window is autumn). */
  clock?: string;
  creatorRoles?: string[];
  omit?: string[];
  keep?: string[];
}

/** A route's rules tie deficit codes, activity periods and the route's dates together (forms/route/rules.ts). */
const ROUTE_RULE_FIELDS = [
  'role',
  'level',
  'deficits',
  'code',
  'deficitCodes',
  'period',
  'start',
  'end',
  'date',
  'developedOn',
  'nextDiagnosticsDate',
];

const creations: CreationRoute[] = [
  { kind: 'diagnostics-request', anchor: () => diagnosticsRequest() },
  { kind: 'collective-diagnostics-request', anchor: () => collectiveRequest() },
  { kind: 'internship-application', anchor: () => internshipApplication().body, clock: '2027-09-15' },
  {
    kind: 'route',
    anchor: () => routeFixture({ start: addDays(today(), 14) }),
    creatorRoles: ['centre'],
    omit: ['sourceId'],
    keep: ROUTE_RULE_FIELDS,
  },
];

async function fuzzCreation(route: CreationRoute): Promise<void> {
  const kind = findKind(route.kind) as KindDefinition<unknown>;
  const name = `POST /v1/submissions/${route.kind}`;
  if (route.clock) await setClock(stack, `${route.clock}T07:00:00Z`);
  try {
    const day = route.clock ?? today();
    const options: FuzzOptions = { today: day, hints, omit: route.omit, keep: route.keep };
    const anchor = route.anchor();
    const valid = validBodies(kind.schema, anchor, options);
    const invalid = invalidBodies(kind.schema, valid);
    const validCount = Math.max(1, Math.floor(RUNS / VALID_EVERY));
    const bodies = [
      ...(await sampled(valid, validCount, SEED)).map((body) => ({ body, broken: undefined })),
      ...(await sampled(invalid, RUNS - validCount, SEED + 1)),
    ];
    const creator = route.creatorRoles
      ? await staffToken(stack, route.creatorRoles, 'fuzz-centre@soiro.example.ru')
      : {};
    const admin = await adminHeaders();
    await pool(bodies, async ({ body, broken }) => {
      const res = await send(`/v1/submissions/${route.kind}`, body, creator);
      count(name, broken ? 'invalid' : 'valid');
      if (broken)
        return judgeInvalid(
          name,
          kind.schema,
          body,
          broken.map((b) => b.path),
          res,
        );
      count(name, `status ${res.status}`);
      if (res.status >= 500) return fail(name, body, res.status, res.text, '5xx');
      if (res.status === 422) return count(name, `rule ${res.json?.error?.rule}`);
      if (res.status !== 201) return fail(name, body, res.status, res.text, 'valid body not created');
      madeIds.add(res.json.id);
      const stored = await api(stack, 'GET', `/v1/submissions/${res.json.id}`, undefined, admin);
      const parsed = kind.schema.parse(body);
      try {
        expect(stored.json.payload).toEqual(withServerIds(parsed, stored.json.payload));
      } catch {
        fail(
          name,
          body,
          stored.status,
          JSON.stringify(stored.json?.payload),
          'stored payload differs from the parsed body',
        );
      }
    });
  } finally {
    if (route.clock) await resetClock(stack);
  }
}

// ---- actions: POST /v1/submissions/{id}/actions/{action} ----

interface Actor {
  headers: Record<string, string>;
}

/** A record of `kind` in `stage`, written straight into the table, and the headers of an actor allowed to act. */
async function recordFor(
  kind: KindDefinition<unknown>,
  stage: string,
  action: string,
): Promise<{ id: string; actor: Actor }> {
  const item = recordItem({ kind: kind.kind, stage, payload: payloadOf(kind.kind) });
  await put(item as never);
  madeIds.add(item.id);
  const by = kind.actions[action]?.by ?? [];
  // A link party where the action has one: a staff curator sees only the routes assigned to them.
  const role = by.find((b): b is { role: 'operator' } => typeof b === 'object' && 'role' in b);
  const hasParty = by.some((b) => typeof b === 'object' && 'party' in b);
  if (role && !hasParty) {
    const token = await staffToken(stack, [role.role], `fuzz-${role.role}@soiro.example.ru`);
    return { id: item.id, actor: { headers: { ...token, 'if-match': '1' } } };
  }
  const party = by.find((b): b is { party: LinkParty } => typeof b === 'object' && 'party' in b)
    ?.party as LinkParty;
  const token = await putLink(kind, item, party, action);
  return { id: item.id, actor: { headers: { 'x-link-token': token } } };
}

/** Every action a person takes (staff or link party); system actions are not reachable over HTTP. */
const actions = kinds.flatMap((kind) =>
  Object.entries(kind.actions)
    .filter(([, a]) => a.by.some((b) => b !== 'system'))
    .map(([name, a]) => ({ kind, name, action: a })),
);

async function fuzzAction(kind: KindDefinition<unknown>, name: string): Promise<void> {
  const action = kind.actions[name] as KindDefinition<unknown>['actions'][string];
  const route = `${kind.kind} → ${name}`;
  const options: FuzzOptions = {
    today: today(),
    hints,
    keep: kind.kind === 'route' ? ROUTE_RULE_FIELDS : [],
  };
  const anchor = actionAnchors[`${kind.kind}/${name}`]?.() ?? anchorOf(action.input, options, SEED);
  const valid = validBodies(action.input, anchor, options);
  const validCount = Math.max(1, Math.floor(RUNS / VALID_EVERY));
  const invalidSample = await sampled(invalidBodies(action.input, valid), RUNS - validCount, SEED + 2);
  const validSample = await sampled(valid, validCount, SEED + 3);
  const stage = action.from[0] as string;
  // Invalid bodies change nothing: one record serves them all.
  const shared = await recordFor(kind, stage, name);
  await pool(invalidSample, async ({ body, broken }) => {
    count(route, 'invalid');
    const res = await send(`/v1/submissions/${shared.id}/actions/${name}`, body, shared.actor.headers);
    judgeInvalid(
      route,
      action.input,
      body,
      broken.map((b) => b.path),
      res,
    );
  });
  // A valid body moves the record on: each gets a fresh one.
  await pool(validSample, async (body) => {
    count(route, 'valid');
    const fresh = await recordFor(kind, stage, name);
    const res = await send(`/v1/submissions/${fresh.id}/actions/${name}`, body, fresh.actor.headers);
    count(route, `status ${res.status}`);
    if (res.status >= 500) return fail(route, body, res.status, res.text, '5xx');
    if (res.status === 422) return count(route, `rule ${res.json?.error?.rule}`);
    // A proposal made against another редакция of the route card is a conflict, like a stale If-Match.
    if (res.status === 409) return count(route, 'conflict');
    if (res.status === 400 && expectedPaths(action.input, body).size === 0)
      return count(route, `guard ${[...errorPaths(res.json)].join(',')}`);
    if (res.status !== 200) return fail(route, body, res.status, res.text, 'valid action body refused');
    if (res.json?.version !== 2) fail(route, body, res.status, res.text, 'the record did not move on');
  });
}

/** A raw POST to the stack: the body exactly as given, any content type (test/fuzz/run.ts postRaw). */
const raw = (path: string, body: string, contentType?: string, headers: Record<string, string> = {}) =>
  postRaw(`${stack.appUrl}${path}`, body, contentType, headers);

const CREATE = '/v1/submissions/diagnostics-request';
// Characters that end or fold a mail header, a Content-Disposition or an S3 key if they get through unescaped.
const HOSTILE = '\r\nBcc: fuzz-evil@fuzz.example.ru\r\nX-Injected: 1\u2028"; filename="evil.exe\n\r';
/** Control characters other than line breaks: refused in names (no font has a glyph for them). */
const CONTROLS = '\u0000\u0007\u001b\u007f';

describe('fixed hostile requests', () => {
  it('malformed JSON → 400 in the error shape; wrong or missing content type → 415', async () => {
    for (const body of ['{"participant":', '{', '[1,]', "{'a':1}", '\u0000', 'null x']) {
      const res = await raw(CREATE, body, 'application/json');
      expect(res.status, body).toBe(400);
      expect(res.json.error.code).toBe('validation');
      expect(Array.isArray(res.json.error.issues)).toBe(true);
    }
    const valid = JSON.stringify(diagnosticsRequest());
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    ]) {
      const res = await raw(CREATE, valid, type);
      expect(res.status, String(type)).toBe(415);
      expect(res.json.error.code).toBe('unsupported-media-type');
    }
  });

  it('a body of 256 KB is read (400 for its padding); 256 KB + 1 byte and 257 KB are 413', async () => {
    const base = JSON.stringify({ ...diagnosticsRequest(), padding: '' });
    const sized = (bytes: number) =>
      base.replace('"padding":""', `"padding":"${'x'.repeat(bytes - Buffer.byteLength(base))}"`);
    const atLimit = await raw(CREATE, sized(256 * 1024), 'application/json');
    expect(atLimit.status).toBe(400);
    expect(errorPaths(atLimit.json)).toEqual(new Set(['padding']));
    for (const bytes of [256 * 1024 + 1, 257 * 1024]) {
      const res = await raw(CREATE, sized(bytes), 'application/json');
      expect(res.status, String(bytes)).toBe(413);
      expect(res.json.error.code).toBe('payload-too-large');
    }
  });

  it('unknown fields and prototype-pollution keys → 400 naming each, at any depth; nothing polluted', async () => {
    const body = diagnosticsRequest();
    const text = JSON.stringify(body)
      .replace(
        /^\{/,
        '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"isAdmin":true,',
      )
      .replace('"person":{', '"person":{"__proto__":{"polluted":"yes"},');
    const res = await raw(CREATE, text, 'application/json');
    expect(res.status).toBe(400);
    expect(errorPaths(res.json)).toEqual(
      new Set(['__proto__', 'constructor', 'isAdmin', 'participant.person.__proto__']),
    );
    // The same keys on an action body.
    const target = await recordFor(
      findKind('diagnostics-request') as KindDefinition<unknown>,
      'submitted',
      'withdraw',
    );
    const action = await raw(
      `/v1/submissions/${target.id}/actions/withdraw`,
      '{"__proto__":{"reason":"x"}}',
      'application/json',
      target.actor.headers,
    );
    expect(action.status).toBe(400);
    expect(errorPaths(action.json)).toEqual(new Set(['__proto__']));
    // The service still answers as before: a clean body is accepted and carries no trace of the keys.
    const clean = await api(stack, 'POST', CREATE, diagnosticsRequest());
    expect(clean.status).toBe(201);
    madeIds.add(clean.json.id);
    expect(JSON.stringify(clean.json)).not.toContain('polluted');
  });

  it('CR/LF and control characters in names never alter a mail header, a Content-Disposition or a storage key', async () => {
    const email = `fuzz-crlf-${randomUUID().slice(0, 8)}@fuzz.example.ru`;
    const body = diagnosticsRequest({}, email) as ReturnType<typeof diagnosticsRequest> & {
      participant: { person: Record<string, string> };
    };
    // Control characters are refused, each field named: a record holding one could never get its documents.
    const controls = await api(stack, 'POST', CREATE, {
      ...body,
      participant: {
        ...body.participant,
        person: { lastName: `Иванова${CONTROLS}`, firstName: 'Мария', middleName: `П${CONTROLS}` },
        position: `учитель${CONTROLS}`,
      },
    });
    expect(controls.status).toBe(400);
    expect(errorPaths(controls.json)).toEqual(
      new Set(['participant.person.lastName', 'participant.person.middleName', 'participant.position']),
    );
    // Line breaks, quotes and separators are text: accepted, and they must stay inside the values they are in.
    body.participant.person = {
      lastName: `Иванова${HOSTILE}`,
      firstName: `Мария${HOSTILE}`,
      middleName: HOSTILE,
    };
    // An email address with a header in it is not an email address.
    const injected = await api(stack, 'POST', CREATE, {
      ...body,
      participant: { ...body.participant, email: `${email}\r\nBcc: fuzz-evil@fuzz.example.ru` },
    });
    expect(injected.status).toBe(400);
    expect(errorPaths(injected.json)).toEqual(new Set(['participant.email']));

    const created = await api(stack, 'POST', CREATE, body);
    expect(created.status).toBe(201);
    madeIds.add(created.json.id);
    await drainOutbox(stack);

    // The mail as the SES emulator parsed it from the raw message: one recipient, no Bcc, no extra header.
    const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
      emails: {
        destination: { to: string[]; cc: string[]; bcc?: string[] };
        subject: string;
        headers?: { name: string }[];
      }[];
    };
    const ours = store.emails.filter((m) => m.destination.to.some((t) => t.toLowerCase().includes(email)));
    expect(ours.length).toBeGreaterThan(0);
    for (const mail of ours) {
      expect(mail.destination.to).toHaveLength(1);
      expect(mail.destination.cc ?? []).toEqual([]);
      expect(mail.destination.bcc ?? []).toEqual([]);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect((mail.headers ?? []).map((h) => h.name.toLowerCase())).not.toContain('x-injected');
    }
    const everyAddress = store.emails.flatMap((m) => [
      ...m.destination.to,
      ...m.destination.cc,
      ...(m.destination.bcc ?? []),
    ]);
    // The display name may say anything (it is encoded); the address of every recipient is what must not change.
    const mailboxes = everyAddress.map((entry) => /<([^<>]+)>\s*$/.exec(entry)?.[1] ?? entry.trim());
    expect(mailboxes.filter((a) => a.includes('fuzz-evil'))).toEqual([]);
    for (const mail of ours)
      expect(mail.destination.to.map((e) => /<([^<>]+)>\s*$/.exec(e)?.[1])).toEqual([email]);

    // Documents: the stored keys and the download's Content-Disposition stay clean.
    const record = (await get(keys.record(created.json.id))) as unknown as StoredRecord;
    expect(record.documents.length).toBeGreaterThan(0);
    for (const doc of record.documents)
      expect(doc.key).toMatch(new RegExp(`^records/${record.id}/[A-Za-z0-9._/-]+$`));
    const admin = await adminHeaders();
    const view = await api(stack, 'GET', `/v1/submissions/${record.id}`, undefined, admin);
    for (const doc of view.json.documents as { id: string }[]) {
      const res = await fetch(`${stack.appUrl}/v1/submissions/${record.id}/documents/${doc.id}`, {
        headers: admin,
        redirect: 'manual',
      });
      expect(res.status).toBe(302);
      const location = res.headers.get('location') ?? '';
      expect(location).not.toMatch(/[\r\n]/);
      const disposition = new URL(location).searchParams.get('response-content-disposition') ?? '';
      const download = await fetch(location);
      expect(download.status).toBe(200);
      for (const value of [disposition, download.headers.get('content-disposition') ?? '']) {
        expect(value).toMatch(/^attachment;/);
        // Exactly one filename and one filename*, printable ASCII only (the Russian name travels percent-encoded).
        expect(value).toMatch(/^[\x20-\x7e]+$/);
        expect(value.match(/filename=/g)).toHaveLength(1);
        expect(value).not.toContain('evil.exe"');
      }
    }
  }, 120_000);
});

describe('fuzzing the HTTP API with bodies from the zod schemas', () => {
  beforeAll(async () => {
    await resetClock(stack);
  });

  afterAll(async () => {
    await resetClock(stack);
    await purgeAll(stack, madeIds);
    console.log(`fuzz summary (FUZZ_RUNS=${RUNS}, seed ${SEED}):\n${JSON.stringify(summary, null, 1)}`);
  }, 1_800_000);

  // Progress of a long run (`npm run fuzz`): one line per route as it finishes.
  let started = Date.now();
  beforeEach(() => {
    started = Date.now();
  });
  afterEach((context) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`fuzz: ${context.task.name.split(':')[0]} — ${seconds} s`);
  });

  for (const route of creations) {
    it(`POST /v1/submissions/${route.kind}: no 5xx, invalid → 400 naming every broken field, valid → stored as parsed`, async () => {
      await fuzzCreation(route);
      expect(failures.filter((f) => f.route.endsWith(route.kind)).slice(0, 5)).toEqual([]);
    }, 3_600_000);
  }

  for (const { kind, name } of actions) {
    it(`${kind.kind} → ${name}: no 5xx, invalid → 400 naming every broken field, valid → 200 or a named rule`, async () => {
      await fuzzAction(kind, name);
      expect(failures.filter((f) => f.route === `${kind.kind} → ${name}`).slice(0, 5)).toEqual([]);
    }, 3_600_000);
  }
});
