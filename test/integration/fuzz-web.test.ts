import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findKind, kinds } from '../../forms/registry';
import { get, put } from '../../functions/adapters/table';
import type { KindDefinition, LinkParty } from '../../functions/core/kind';
import { keys, type StoredRecord } from '../../functions/core/model';
import { rawFromEntries, rawOf, readForm } from '../../functions/web/form-data';
import { creationForm, type ObjectNode } from '../../functions/web/form-model';
import { publicKinds } from '../../functions/web/form-pages';
import { escapeHtml } from '../../functions/web/html';
import { actionFormOf } from '../../functions/web/record-parts';
import { anchorOf, type FuzzOptions, invalidBodies, validBodies } from '../fuzz/arbitraries';
import { actionAnchors, payloadOf, putLink } from '../fuzz/payloads';
import {
  hints,
  pool,
  postRaw,
  purgeAll,
  type RawAnswer,
  RUNS,
  SEED,
  sampled,
  VALID_EVERY,
  withServerIds,
} from '../fuzz/run';
import { resetClock, setClock } from '../support/diagnostics-api';
import { collectiveRequest, today } from '../support/diagnostics-fixtures';
import { diagnosticsRequest } from '../support/fixtures';
import { entriesOf, type FormEntries } from '../support/form-entries';
import { internshipApplication } from '../support/internship-fixtures';
import { recordItem, stateOfFixture } from '../support/records';
import { api, useStack } from '../support/stack';
import { staffToken } from '../support/staff';

/**
 * Fuzzing of the pages' form posts (issue 9, item 1; the JSON API is test/integration/fuzz.test.ts): every public
 * form (`POST /forms/<kind>`) and every action a link holder takes on their page (`POST /l/<token>/actions/<action>`),
 * posted as a browser posts them — URL-encoded, dotted names, one entry per ticked box. The bodies are the zod
 * schemas' valid and invalid values written as the form writes them (`rawOf`), and those bodies mangled: names
 * no form has (prototype segments, `toString`, stray row indices), values with CR/LF, control characters and
 * kilobytes of text, repeated and dropped entries, row operations on any path.
 *
 * What the server must do is what reading that form in this process says (`readForm`, the same model and schema):
 * issues → 400, the page showing every issue's message; none → the record created (303 to the applicant's page)
 * or the action taken (303), with the stored payload equal to the parsed reading; a row operation → 200, the form
 * again. Never a 5xx, never a header the body put there. `FUZZ_RUNS` posts per route (`npm run fuzz`: 10,000).
 */

const stack = useStack();
const madeIds = new Set<string>();
const summary: Record<string, Record<string, number>> = {};
const FORM = 'application/x-www-form-urlencoded';
const MAX_BODY = 256 * 1024;

function count(route: string, key: string): void {
  const s = summary[route] ?? {};
  summary[route] = s;
  s[key] = (s[key] ?? 0) + 1;
}

interface Failure {
  route: string;
  status: number;
  body: string;
  answer: string;
  why: string;
}
const failures: Failure[] = [];

function fail(route: string, body: string, res: RawAnswer, why: string): void {
  failures.push({ route, status: res.status, body: body.slice(0, 600), answer: res.text.slice(0, 600), why });
}

type Entries = FormEntries;

// ---- mangling ----

/** Characters that end or fold a mail header, a Content-Disposition or a storage key if they get through. */
const HOSTILE = '\r\nBcc: fuzz-evil@fuzz.example.ru\r\nX-Injected: 1\u2028"; filename="evil.exe\n\r';
const hostileValue = fc.oneof(
  fc.constant(HOSTILE),
  fc.constant('\u0000\u0007\u001b\u007f'),
  fc.constantFrom('on', 'true', '', ' ', '0', '-1', '1e309', 'NaN', '2027-02-30', '31.12.2027'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer({ min: 200, max: 6000 }).map((n) => 'Ж'.repeat(n)),
);
const segment = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'length'),
  fc.constantFrom('0', '1', '99', '-1', '', '*'),
  fc.string({ maxLength: 8 }),
);

/** Valid bodies' entries with some of their names and values broken, and names no form has added. */
function mangled(base: fc.Arbitrary<Entries>): fc.Arbitrary<Entries> {
  return base.chain((entries) => {
    const names = entries.map(([n]) => n);
    const name = fc.oneof(
      names.length ? fc.constantFrom(...names) : fc.constant('x'),
      fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.')),
      names.length
        ? fc.tuple(fc.constantFrom(...names), segment).map(([n, s]) => `${n}.${s}`)
        : fc.constant('x.y'),
    );
    const change = fc.oneof(
      fc.tuple(fc.constant('add' as const), name, hostileValue),
      fc.tuple(fc.constant('set' as const), fc.nat(), hostileValue),
      fc.tuple(fc.constant('drop' as const), fc.nat(), fc.constant('')),
      fc.tuple(fc.constant('repeat' as const), fc.nat(), fc.constant('')),
      fc.tuple(
        fc.constant('op' as const),
        fc.constantFrom('add', 'remove', 'swap'),
        fc.oneof(name, fc.constant('participants.0')),
      ),
    );
    return fc.array(change, { minLength: 1, maxLength: 6 }).map((changes) => {
      const out: Entries = entries.map(([n, v]) => [n, v]);
      for (const [what, a, b] of changes) {
        const at = typeof a === 'number' && out.length ? a % out.length : -1;
        if (what === 'add') out.push([a as string, b]);
        else if (what === 'set' && at >= 0) out[at] = [out[at]![0], b];
        else if (what === 'drop' && at >= 0) out.splice(at, 1);
        else if (what === 'repeat' && at >= 0) out.push([out[at]![0], out[at]![1]]);
        else if (what === 'op') out.push(['_op', `${a}:${b}`]);
      }
      return out;
    });
  });
}

interface Post {
  origin: 'valid' | 'invalid' | 'mangled';
  entries: Entries;
}

/** Valid, invalid and mangled bodies of a form, in the proportions of the JSON fuzzing. */
async function posts(
  model: ObjectNode,
  schema: KindDefinition<unknown>['schema'],
  anchor: unknown,
  options: FuzzOptions,
  seed: number,
): Promise<Post[]> {
  const valid = validBodies(schema, anchor, options);
  const encoded = (arb: fc.Arbitrary<unknown>) => arb.map((value) => entriesOf(rawOf(model, value)));
  const validCount = Math.max(1, Math.floor(RUNS / VALID_EVERY));
  const invalidCount = Math.floor((RUNS - validCount) / 2);
  const mangledCount = RUNS - validCount - invalidCount;
  const as = (origin: Post['origin']) => (entries: Entries) => ({ origin, entries });
  return [
    ...(await sampled(encoded(valid), validCount, seed)).map(as('valid')),
    ...(await sampled(encoded(invalidBodies(schema, valid).map((b) => b.body)), invalidCount, seed + 1)).map(
      as('invalid'),
    ),
    ...(await sampled(mangled(encoded(valid)), mangledCount, seed + 2)).map(as('mangled')),
  ];
}

function encode(entries: Entries): string {
  return new URLSearchParams(entries).toString();
}

/** What the server must answer, by reading the same form here. */
function expectation(model: ObjectNode, schema: KindDefinition<unknown>['schema'], entries: Entries) {
  // As the pages do (form-pages.ts, link-landing.ts): the first `_op`, if it says anything, is a row operation.
  if (entries.find(([n]) => n === '_op')?.[1]) return { kind: 'form' as const };
  const reading = readForm(model, schema, rawFromEntries(entries));
  return reading.issues.length
    ? { kind: 'issues' as const, messages: reading.issues.map((i) => i.message) }
    : { kind: 'accepted' as const, value: reading.value };
}

/** What every answer must be, whatever was posted: why it is not, or undefined. */
function anyAnswerFault(body: string, res: RawAnswer): string | undefined {
  if (res.status >= 500) return '5xx';
  if (res.headers['x-injected'] !== undefined || res.headers.bcc !== undefined)
    return 'a header from the body';
  const location = res.headers.location;
  if (typeof location === 'string' && /[\r\n]/.test(location)) return 'CR/LF in Location';
  if (Buffer.byteLength(body) > MAX_BODY && res.status !== 413)
    return 'a body over 256 KB not refused with 413';
  return undefined;
}

/** The checks every answer passes; false when it failed one (recorded) or needs no further look (a 413). */
function judgeAnyAnswer(route: string, body: string, res: RawAnswer): boolean {
  count(route, `status ${res.status}`);
  const fault = anyAnswerFault(body, res);
  if (fault) fail(route, body, res, fault);
  return !fault && Buffer.byteLength(body) <= MAX_BODY;
}

/** A 400 page shows every issue's message (its text, as the page escapes it). */
function judgeIssues(route: string, body: string, res: RawAnswer, messages: string[]) {
  if (res.status !== 400)
    return fail(route, body, res, `issues ${messages.join(' | ')} but status ${res.status}`);
  const missing = messages.filter((m) => !res.text.includes(escapeHtml(m)));
  if (missing.length) fail(route, body, res, `messages not shown: ${missing.join(' | ')}`);
}

/** A record's payload as the staff API shows it (or why it could not be read). */
async function storedPayload(id: string, admin: Record<string, string>): Promise<unknown> {
  const res = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, admin);
  return res.status === 200 ? res.json.payload : { status: res.status, answer: res.text.slice(0, 300) };
}

// ---- public forms: POST /forms/{kind} ----

const anchors: Record<string, { anchor: () => unknown; clock?: string }> = {
  'diagnostics-request': { anchor: () => diagnosticsRequest() },
  'collective-diagnostics-request': { anchor: () => collectiveRequest() },
  // The internship selection window is autumn (A4 3.3), as in the JSON fuzzing.
  'internship-application': { anchor: () => internshipApplication().body, clock: '2027-09-15' },
};

async function fuzzPublicForm(kind: KindDefinition<unknown>): Promise<void> {
  const route = `POST /forms/${kind.kind}`;
  const setup = anchors[kind.kind];
  if (!setup) throw new Error(`No anchor for the public form ${kind.kind}: add one`);
  if (setup.clock) await setClock(stack, `${setup.clock}T07:00:00Z`);
  try {
    const model = creationForm(kind);
    const options: FuzzOptions = { today: setup.clock ?? today(), hints };
    const sample = await posts(model, kind.schema, setup.anchor(), options, SEED + 10);
    // Issued by the server's clock of this route (it may be shifted), as the JSON fuzzing does.
    const admin = await staffToken(stack, ['admin'], 'fuzz-web-admin@soiro.example.ru');
    await pool(sample, async ({ origin, entries }) => {
      count(route, origin);
      const body = encode([...entries, ['_idem', randomUUID()]]);
      const res = await postRaw(`${stack.appUrl}/forms/${kind.kind}`, body, FORM);
      if (!judgeAnyAnswer(route, body, res)) return;
      const expected = expectation(model, kind.schema, entries);
      if (expected.kind === 'form') {
        if (res.status !== 200) fail(route, body, res, 'a row operation did not show the form again');
        return;
      }
      if (expected.kind === 'issues') return judgeIssues(route, body, res, expected.messages);
      if (res.status === 422 || res.status === 409) return count(route, `rule ${res.status}`);
      const location = String(res.headers.location ?? '');
      const token = /^\/l\/([^/?#]+)\?created=1$/.exec(location)?.[1];
      if (res.status !== 303 || !token)
        return fail(route, body, res, 'a form read without issues not created');
      count(route, 'created');
      const link = await api(stack, 'GET', `/v1/links/${token}`);
      const id = link.json?.recordId as string | undefined;
      if (!id)
        return fail(route, body, res, `the applicant's link does not open: ${link.status} ${link.text}`);
      madeIds.add(id);
      const stored = await storedPayload(id, admin);
      const parsed = kind.schema.parse(expected.value);
      try {
        expect(stored).toEqual(withServerIds(parsed, stored));
      } catch {
        fail(route, body, res, `stored payload differs from the form's reading: ${JSON.stringify(stored)}`);
      }
    });
  } finally {
    if (setup.clock) await resetClock(stack);
  }
}

// ---- link holders' actions: POST /l/{token}/actions/{action} ----

/** A record of `kind` in `stage` and a link of the party allowed to take `action` on it. */
async function linkedRecord(kind: KindDefinition<unknown>, stage: string, action: string, party: LinkParty) {
  const item = recordItem({ kind: kind.kind, stage, payload: payloadOf(kind.kind) });
  await put(item as never);
  madeIds.add(item.id);
  return { item, token: await putLink(kind, item, party, action) };
}

/** Every action a link holder takes with a form. */
const linkActions = kinds.flatMap((kind) =>
  Object.entries(kind.actions).flatMap(([name, action]) => {
    const party = action.by.find(
      (b): b is { party: LinkParty } => typeof b === 'object' && 'party' in b,
    )?.party;
    return party ? [{ kind, name, action, party }] : [];
  }),
);

async function fuzzLinkAction({ kind, name, action, party }: (typeof linkActions)[number]): Promise<void> {
  const route = `POST /l/{token}/actions/${name} (${kind.kind})`;
  const stage = action.from[0] as string;
  const shared = await linkedRecord(kind, stage, name, party);
  const { model } = actionFormOf(kind, stateOfFixture(shared.item), name);
  const options: FuzzOptions = {
    today: today(),
    hints,
    keep: kind.kind === 'route' ? ['code', 'deficitCodes'] : [],
  };
  const anchor = actionAnchors[`${kind.kind}/${name}`]?.() ?? anchorOf(action.input, options, SEED);
  const sample = await posts(model, action.input, anchor, options, SEED + 20);
  await pool(sample, async ({ origin, entries }) => {
    count(route, origin);
    const expected = expectation(model, action.input, entries);
    // Whatever is refused changes nothing: one record serves those; what is accepted moves a record on.
    const target = expected.kind === 'accepted' ? await linkedRecord(kind, stage, name, party) : shared;
    const body = encode(entries);
    const res = await postRaw(
      `${stack.appUrl}/l/${encodeURIComponent(target.token)}/actions/${encodeURIComponent(name)}`,
      body,
      FORM,
    );
    if (!judgeAnyAnswer(route, body, res)) return;
    if (expected.kind === 'form') {
      if (res.status !== 200) fail(route, body, res, 'a row operation did not show the form again');
      return;
    }
    if (expected.kind === 'issues') return judgeIssues(route, body, res, expected.messages);
    if (res.status === 422 || res.status === 409) return count(route, `rule ${res.status}`);
    if (res.status !== 303 || !String(res.headers.location).includes(`?done=${encodeURIComponent(name)}`))
      return fail(route, body, res, 'a form read without issues not taken');
    count(route, 'taken');
    const record = (await get(keys.record(target.item.id))) as unknown as StoredRecord;
    if (record.version !== 2) fail(route, body, res, 'the record did not move on');
  });
}

afterAll(async () => {
  await resetClock(stack);
  await purgeAll(stack, madeIds);
  console.log(`web fuzz summary (FUZZ_RUNS=${RUNS}, seed ${SEED}):\n${JSON.stringify(summary, null, 1)}`);
}, 1_800_000);

describe('fixed hostile form posts', () => {
  const url = `${stack.appUrl}/forms/diagnostics-request`;
  const kind = findKind('diagnostics-request') as KindDefinition<unknown>;
  const model = creationForm(kind);
  /** A complete, valid form of a person without a middle name. */
  const withoutMiddleName = () => {
    const body = diagnosticsRequest() as { participant: { person: Record<string, string> } };
    delete body.participant.person.middleName;
    return entriesOf(rawOf(model, body));
  };
  const created = async (res: RawAnswer) => {
    expect(res.status).toBe(303);
    const token = /^\/l\/([^/?#]+)\?created=1$/.exec(String(res.headers.location))?.[1];
    const id = (await api(stack, 'GET', `/v1/links/${token}`)).json.recordId as string;
    madeIds.add(id);
    return (await get(keys.record(id))) as unknown as StoredRecord;
  };

  it('names with prototype segments change nothing, for this post or the next', async () => {
    const hostile: Entries = [
      ['participant.person.__proto__.middleName', 'ПОДМЕНА'],
      ['participant.constructor.prototype.middleName', 'ПОДМЕНА'],
      ['participant.person.toString', 'ПОДМЕНА'],
    ];
    const first = await created(await postRaw(url, encode([...withoutMiddleName(), ...hostile]), FORM));
    // Had Object.prototype got a middleName, every person read after it would carry one.
    const second = await created(await postRaw(url, encode(withoutMiddleName()), FORM));
    for (const record of [first, second])
      expect((record.payload as { participant: { person: object } }).participant.person).not.toHaveProperty(
        'middleName',
      );
    expect(JSON.stringify(second.payload)).not.toContain('ПОДМЕНА');
    // Row operations on such paths as well.
    for (const op of ['add:__proto__.middleName', 'remove:participant.__proto__.toString.0']) {
      const res = await postRaw(url, encode([...withoutMiddleName(), ['_op', op]]), FORM);
      expect(res.status, op).toBe(200);
    }
    const third = await created(await postRaw(url, encode(withoutMiddleName()), FORM));
    expect(JSON.stringify(third.payload)).not.toContain('ПОДМЕНА');
  });

  it('a form of 256 KB + 1 byte → 413, a JSON body where a form is expected → 415, both as pages', async () => {
    const base = encode(withoutMiddleName());
    const oversize = `${base}&participant.position=${'x'.repeat(MAX_BODY + 1 - base.length - '&participant.position='.length)}`;
    expect(Buffer.byteLength(oversize)).toBe(MAX_BODY + 1);
    const big = await postRaw(url, oversize, FORM);
    expect(big.status).toBe(413);
    expect(big.text).toContain('<html');
    const json = await postRaw(url, JSON.stringify(diagnosticsRequest()), 'application/json');
    expect(json.status).toBe(415);
    expect(json.text).toContain('<html');
  });
});

describe('fuzzing the pages’ form posts', () => {
  let started = Date.now();
  beforeEach(() => {
    started = Date.now();
  });
  afterEach((context) => {
    console.log(
      `fuzz-web: ${context.task.name.split(':')[0]} — ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it('covers every public form', () => {
    expect(
      publicKinds()
        .map((k) => k.kind)
        .sort(),
    ).toEqual(Object.keys(anchors).sort());
  });

  for (const kind of publicKinds()) {
    it(`POST /forms/${kind.kind}: no 5xx, issues → 400 showing each, else created as read`, async () => {
      await fuzzPublicForm(findKind(kind.kind) as KindDefinition<unknown>);
      expect(failures.filter((f) => f.route === `POST /forms/${kind.kind}`).slice(0, 5)).toEqual([]);
      expect(summary[`POST /forms/${kind.kind}`]?.created ?? 0).toBeGreaterThan(0);
    }, 3_600_000);
  }

  for (const entry of linkActions) {
    const route = `POST /l/{token}/actions/${entry.name} (${entry.kind.kind})`;
    it(`${route}: no 5xx, issues → 400 showing each, else taken`, async () => {
      await fuzzLinkAction(entry);
      expect(failures.filter((f) => f.route === route).slice(0, 5)).toEqual([]);
    }, 3_600_000);
  }
});
