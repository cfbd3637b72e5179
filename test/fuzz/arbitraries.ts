import fc from 'fast-check';
import type { z } from 'zod';

/**
 * fast-check arbitraries derived from the zod 4 schemas of the forms, by walking the schemas' internals
 * (`schema._zod.def`: type, shape, element, options, checks such as min/max length, string formats, number
 * bounds). Valid bodies are variations of a known-valid anchor: every field the schema describes is generated
 * from its own checks, and whatever a cross-field refinement then refuses (a subject among the participant's
 * subjects, blocks of the chosen category) is put back to the anchor's value. Invalid bodies break exactly known
 * fields of a valid body, so a test knows which fields the 400 must name. Lengths and counts are drawn with a
 * bias to their limits and the values just past them (±1 of every limit).
 */

type Schema = z.ZodType;
// biome-ignore lint/suspicious/noExplicitAny: zod's internals are not part of its typed surface
type Def = any;
type Path = (string | number)[];

const OMIT = Symbol('omit');

export function defOf(schema: Schema): Def {
  // biome-ignore lint/suspicious/noExplicitAny: see Def
  return (schema as any)._zod.def;
}

export interface FuzzOptions {
  /** The day the rules see as today (`YYYY-MM-DD`): generated dates fall after it, as guards want. */
  today: string;
  /**
   * Arbitraries for schemas whose transform cannot be inverted from the schema alone (a phone number written
   * in any usual way), by schema identity.
   */
  hints?: Map<unknown, fc.Arbitrary<unknown>>;
  /** Top-level fields never generated: their valid value names another record (a route's `sourceId`). */
  omit?: string[];
  /**
   * Fields (by name, at any depth) kept as the anchor has them: values that domain rules tie to each other across
   * the body (a route's deficit codes and activity dates), so the kind's guards do not refuse every variation.
   */
  keep?: string[];
}

/** Facts a string schema states about its values. */
interface StringFacts {
  min: number;
  max?: number;
  format?: string;
  pattern?: RegExp;
  /** An overwrite check trims (text fields): surrounding blanks are allowed and removed. */
  trims: boolean;
  /** A refinement the checks cannot describe (a checksum): values come from a hint or the anchor. */
  refined: boolean;
}

function stringFacts(def: Def): StringFacts {
  const facts: StringFacts = { min: 0, trims: false, refined: false };
  if (def.format) {
    facts.format = def.format;
    facts.pattern = def.pattern;
  }
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'min_length') facts.min = Math.max(facts.min, c.minimum);
    else if (c.check === 'max_length') facts.max = Math.min(facts.max ?? c.maximum, c.maximum);
    else if (c.check === 'length_equals') facts.min = facts.max = c.length;
    else if (c.check === 'string_format') {
      facts.format = c.format;
      facts.pattern = c.pattern;
    } else if (c.check === 'overwrite') facts.trims ||= check._zod.def.tx?.(' a ') === 'a';
    else if (c.check === 'custom') facts.refined = true;
  }
  return facts;
}

interface NumberFacts {
  min?: number;
  minInclusive: boolean;
  max?: number;
  maxInclusive: boolean;
  int: boolean;
}

function numberFacts(def: Def): NumberFacts {
  const facts: NumberFacts = { minInclusive: true, maxInclusive: true, int: false };
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'greater_than') [facts.min, facts.minInclusive] = [c.value, c.inclusive];
    else if (c.check === 'less_than') [facts.max, facts.maxInclusive] = [c.value, c.inclusive];
    else if (c.check === 'number_format') facts.int ||= /int/.test(c.format);
  }
  return facts;
}

function arrayBounds(def: Def): { min: number; max?: number } {
  const bounds: { min: number; max?: number } = { min: 0 };
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'min_length') bounds.min = c.minimum;
    else if (c.check === 'max_length') bounds.max = c.maximum;
    else if (c.check === 'length_equals') bounds.min = bounds.max = c.length;
  }
  return bounds;
}

/** A pipe whose output is computed by code (a transform) cannot be generated from its output side. */
function isComputed(schema: Schema): boolean {
  const def = defOf(schema);
  if (def.type === 'transform') return true;
  if (def.type === 'pipe') return isComputed(def.out) || isComputed(def.in);
  return false;
}

// ---- characters and strings ----

/** Letters people type, and the characters that break careless code: quotes, markup, controls, CR/LF, emoji. */
const awkward = [
  '"',
  "'",
  '\\',
  '<',
  '>',
  '&',
  '\u0000',
  '\u0007',
  '\r',
  '\n',
  '\t',
  '\u00a0',
  '\u200b',
  '\u2028',
  '\ufeff',
  '😀',
  '𝔸',
  '${',
  '{{',
  '%s',
  '../',
];
const char = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕЁЖЗИЙКЛМНОПЯ') },
  { weight: 3, arbitrary: fc.constantFrom(...'abcxyzABCXYZ0123456789 -.,№«»()') },
  { weight: 1, arbitrary: fc.constantFrom(...awkward) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Exactly `length` UTF-16 units, non-blank at both ends (so trimming keeps the length). */
function sized(length: number): fc.Arbitrary<string> {
  if (length === 0) return fc.constant('');
  // A random stretch of up to 40 characters, repeated to the length: long values stay cheap to generate.
  return fc.array(char, { minLength: 1, maxLength: Math.min(length, 40) }).map((chars) => {
    const unit = chars.join('');
    let s = unit.repeat(Math.ceil(length / unit.length) + 1);
    s = s.slice(0, length);
    // Astral characters count twice; never leave half a surrogate pair at the cut.
    if (/[\ud800-\udbff]$/.test(s)) s = `${s.slice(0, -1)}я`;
    if (/^[\udc00-\udfff]/.test(s)) s = `я${s.slice(1)}`;
    if (/^[\s\u200b]/u.test(s)) s = `Я${s.slice(1)}`;
    if (/[\s\u200b]$/u.test(s)) s = `${s.slice(0, -1)}я`;
    return s;
  });
}

/** A length in [min, max] biased to both limits. */
function lengthIn(min: number, max: number): fc.Arbitrary<number> {
  const near = Math.min(max, min + 12);
  // A list of hundreds of rows at its limit is a big body: drawn less often than a long text.
  const far = max - min > 50 ? 1 : 4;
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(min) },
    { weight: far, arbitrary: fc.constant(max) },
    { weight: far, arbitrary: fc.constant(Math.max(min, max - 1)) },
    { weight: 2, arbitrary: fc.constant(Math.min(max, min + 1)) },
    { weight: 10, arbitrary: fc.integer({ min, max: near }) },
    { weight: 1, arbitrary: fc.integer({ min, max }) },
  );
}

function plainString(facts: StringFacts): fc.Arbitrary<string> {
  const max = facts.max ?? facts.min + 60;
  const core = lengthIn(Math.max(facts.min, 0), max).chain(sized);
  if (!facts.trims) return core;
  // Blanks around a trimmed value are allowed and removed; they must not count towards the limits.
  return fc
    .tuple(fc.constantFrom('', ' ', '  ', '\t'), core, fc.constantFrom('', ' ', '\n'))
    .map(([a, s, b]) => (s === '' ? s : `${a}${s}${b}`));
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const emailLocal = fc.stringMatching(/^[a-z0-9](?:[a-z0-9_+-]{0,14}[a-z0-9])?$/);

function formatted(facts: StringFacts, options: FuzzOptions): fc.Arbitrary<string> | undefined {
  switch (facts.format) {
    case 'email':
      // A unique mailbox of a reserved domain: mail of the fuzz run can never reach a real person or another test.
      return fc
        .tuple(emailLocal, fc.integer({ min: 0, max: 2 ** 31 }), fc.boolean())
        .map(([local, n, upper]) => {
          const address = `fuzz-${local}-${n.toString(36)}@fuzz.example.ru`;
          return upper ? ` ${address.toUpperCase()} ` : address;
        });
    case 'date':
      return fc.integer({ min: 1, max: 400 }).map((d) => addDays(options.today, d));
    case 'url':
      return fc
        .tuple(fc.stringMatching(/^[a-z0-9]{1,20}$/), fc.constantFrom('', '/', '/about', '/o-nas?x=1'))
        .map(([host, rest]) => `https://${host}.fuzz.example.ru${rest}`);
    case 'regex':
      return facts.pattern ? fc.stringMatching(facts.pattern) : undefined;
    default:
      return undefined;
  }
}

function numberArb(facts: NumberFacts): fc.Arbitrary<number> {
  const lo =
    facts.min === undefined ? -1000 : facts.minInclusive ? facts.min : facts.min + (facts.int ? 1 : 0.001);
  const hi =
    facts.max === undefined
      ? lo + 1000
      : facts.maxInclusive
        ? facts.max
        : facts.max - (facts.int ? 1 : 0.001);
  if (facts.int) return fc.oneof(fc.constant(lo), fc.constant(hi), fc.integer({ min: lo, max: hi }));
  return fc.oneof(fc.constant(lo), fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }));
}

// ---- valid values ----

function at(anchor: unknown, key: string | number): unknown {
  if (Array.isArray(anchor)) return anchor.length ? anchor[Number(key) % anchor.length] : undefined;
  return anchor && typeof anchor === 'object' ? (anchor as Record<string, unknown>)[key] : undefined;
}

/**
 * Values of `schema`, near `anchor` (a valid value of it, or undefined). Returns undefined when nothing can be
 * generated for the schema and there is no anchor to fall back to.
 */
function generate(
  schema: Schema,
  anchor: unknown,
  options: FuzzOptions,
  path: Path,
): fc.Arbitrary<unknown> | undefined {
  const hint = options.hints?.get(schema);
  if (hint) return hint;
  const def = defOf(schema);
  const keep = anchor === undefined ? undefined : fc.constant(anchor);
  const last = path.at(-1);
  if (keep && typeof last === 'string' && options.keep?.includes(last)) return keep;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault': {
      const inner = generate(def.innerType, anchor, options, path);
      return inner ? fc.oneof(fc.constant(OMIT), inner) : fc.constant(OMIT);
    }
    case 'nullable': {
      const inner = generate(def.innerType, anchor, options, path);
      return inner
        ? fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: inner })
        : fc.constant(null);
    }
    case 'object': {
      const fields: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) {
        if (path.length === 0 && options.omit?.includes(key)) continue;
        const arb = generate(field, at(anchor, key), options, [...path, key]);
        if (!arb) {
          if (field.safeParse(undefined).success) continue;
          return keep;
        }
        fields[key] = arb;
      }
      return fc
        .record(fields)
        .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== OMIT)));
    }
    case 'array': {
      const { min, max } = arrayBounds(def);
      const element = (i: number) => generate(def.element, at(anchor, i), options, [...path, i]);
      if (!element(0)) return keep;
      return lengthIn(min, max ?? min + 4).chain((n) =>
        fc.tuple(...Array.from({ length: n }, (_, i) => element(i) as fc.Arbitrary<unknown>)),
      );
    }
    case 'union': {
      const options_ = (def.options as Schema[])
        .map((o) => generate(o, o.safeParse(anchor).success ? anchor : undefined, options, path))
        .filter((a): a is fc.Arbitrary<unknown> => a !== undefined);
      return options_.length ? fc.oneof(...options_) : keep;
    }
    case 'pipe':
      // Values of the output side are values of the input side too (a lower-cased, trimmed email), unless the
      // output is computed (a phone number written in any way): then only a hint or the anchor can say.
      if (isComputed(def.out))
        return isComputed(def.in) ? keep : (generate(def.in, anchor, options, path) ?? keep);
      return generate(def.out, anchor, options, path);
    case 'string': {
      const facts = stringFacts(def);
      // A refinement the checks cannot describe (no control characters, a checksum): generated values it
      // refuses fall back to the anchor's.
      if (facts.refined && facts.format) return keep;
      if (facts.refined) {
        const ok = (v: string) => schema.safeParse(v).success;
        return keep ? plainString(facts).map((v) => (ok(v) ? v : anchor)) : plainString(facts).filter(ok);
      }
      if (!facts.format) return plainString(facts);
      const made = formatted(facts, options);
      // Dates mostly keep the anchor's: their order across fields (start before end) is the kind's rule.
      if (made && keep && facts.format === 'date')
        return fc.oneof({ weight: 3, arbitrary: keep }, { weight: 1, arbitrary: made });
      return made ?? keep;
    }
    case 'number':
      return numberArb(numberFacts(def));
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    default:
      return keep;
  }
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => at(v, k), value);
}

/** `value` with `path` set to `next` (OMIT deletes); copies along the path. */
function setAt(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[Number(head)] = setAt(copy[Number(head)], rest, next);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const child = setAt(copy[head as string], rest, next);
  if (child === OMIT) delete copy[head as string];
  else copy[head as string] = child;
  return copy;
}

/**
 * Put back the anchor's values where the whole schema (its cross-field refinements) refuses the generated ones:
 * first the fields named, then their parents when that does not settle it; a refusal of the body as a whole
 * keeps, of the generated top-level fields, those the schema accepts one by one on top of the anchor.
 */
function repair(schema: Schema, value: unknown, anchor: unknown): unknown {
  let current = value;
  const seen = new Map<string, number>();
  for (let round = 0; round < 8; round++) {
    const parsed = schema.safeParse(current);
    if (parsed.success) return current;
    for (const issue of parsed.error.issues) {
      const key = dotted(issue.path as Path);
      const level = seen.get(key) ?? 0;
      seen.set(key, level + 1);
      const path = (issue.path as Path).slice(0, Math.max(0, issue.path.length - level));
      if (path.length === 0) return greedy(schema, current, anchor);
      const original = getAt(anchor, path);
      current = setAt(current, path, original === undefined ? OMIT : original);
    }
  }
  return greedy(schema, current, anchor);
}

function greedy(schema: Schema, value: unknown, anchor: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return anchor;
  let current = anchor as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) {
    const next = { ...current, [key]: v };
    if (schema.safeParse(next).success) current = next;
  }
  return current;
}

/** Valid bodies of `schema`, around the valid `anchor`. */
export function validBodies(schema: Schema, anchor: unknown, options: FuzzOptions): fc.Arbitrary<unknown> {
  if (!schema.safeParse(anchor).success) throw new Error('the anchor of a fuzzed schema must be valid');
  const arb = generate(schema, anchor, options, []) ?? fc.constant(anchor);
  return arb.map((v) => repair(schema, v, anchor));
}

// ---- invalid values ----

export interface Breakage {
  /** The dotted field path the 400 must name. */
  path: string;
  what: string;
}

export interface InvalidBody {
  body: unknown;
  broken: Breakage[];
}

interface Site {
  path: Path;
  schema: Schema;
  value: unknown;
  /** The object is a variant of a discriminated union with this discriminator. */
  discriminator?: string;
}

/** The fields of `value` with their schemas: every place a mutation can break. */
function sitesOf(schema: Schema, value: unknown, path: Path, out: Site[]): Site[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'prefault':
      return value === undefined || value === null ? out : sitesOf(def.innerType, value, path, out);
    case 'pipe':
      // Break the input side: what the body holds.
      return sitesOf(def.in, value, path, out);
    case 'object':
      out.push({ path, schema, value });
      for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) {
        const v = (value as Record<string, unknown> | undefined)?.[key];
        if (v !== undefined) sitesOf(field, v, [...path, key], out);
      }
      return out;
    case 'array':
      out.push({ path, schema, value });
      // The first rows and the last one: a limit is often checked on the last row only.
      if (Array.isArray(value))
        for (const i of new Set([0, 1, 2, value.length - 1]))
          if (i >= 0 && i < value.length) sitesOf(def.element, value[i], [...path, i], out);
      return out;
    case 'union': {
      out.push({ path, schema, value });
      const option = (def.options as Schema[]).find((o) => o.safeParse(value).success);
      if (!option) return out;
      const discriminator = def.discriminator as string | undefined;
      for (const site of sitesOf(option, value, path, [])) {
        // The discriminator is broken as the union's own break (above), never as a plain literal.
        if (discriminator && dotted(site.path) === dotted([...path, discriminator])) continue;
        out.push(dotted(site.path) === dotted(path) ? { ...site, discriminator } : site);
      }
      return out;
    }
    default:
      out.push({ path, schema, value });
      return out;
  }
}

const dotted = (path: Path) => path.map(String).join('.');

/** Ways to break one site, each with the path the error must name. */
/**
 * A break: `path` is the field the error must name, `write` where the new value goes (default `path`), `span` the
 * part of the body the break makes unreadable (default `write`): breaks whose spans overlap are never combined.
 */
interface Break {
  path: Path;
  next: unknown;
  what: string;
  write?: Path;
  span?: Path;
}

function breakages(site: Site): Break[] {
  const def = defOf(site.schema);
  const here = (next: unknown, what: string) => ({ path: site.path, next, what });
  const list: Break[] = [];
  switch (def.type) {
    case 'string': {
      const facts = stringFacts(def);
      list.push(here(12345, 'number instead of text'), here(null, 'null'));
      if (facts.max !== undefined)
        list.push(here('Ж'.repeat(facts.max + 1), `${facts.max + 1} characters (max ${facts.max})`));
      if (facts.min > 0)
        list.push(
          here(facts.trims ? ' '.repeat(facts.min) : 'Ж'.repeat(facts.min - 1), `below ${facts.min}`),
        );
      if (facts.format === 'email') list.push(here('без-собаки.example.ru', 'not an email'));
      if (facts.format === 'date')
        list.push(here('2026-02-30', 'no such day'), here('30.11.2026', 'not ISO'));
      if (facts.format === 'url') list.push(here('javascript:alert(1)', 'not http(s)'));
      if (facts.format === 'regex') list.push(here('\r\n<?>', 'outside the pattern'));
      break;
    }
    case 'number': {
      const facts = numberFacts(def);
      list.push(here('7', 'text instead of number'));
      if (facts.min !== undefined)
        list.push(here(facts.minInclusive ? facts.min - 1 : facts.min, 'below the minimum'));
      if (facts.max !== undefined)
        list.push(here(facts.maxInclusive ? facts.max + 1 : facts.max, 'above the maximum'));
      if (facts.int) list.push(here(1.5, 'fraction'));
      break;
    }
    case 'boolean':
      list.push(here('true', 'text instead of boolean'));
      break;
    case 'enum':
      list.push(here('не-из-списка', 'outside the enumeration'), here(1, 'number instead of choice'));
      break;
    case 'literal':
      list.push(
        here(typeof def.values[0] === 'boolean' ? !def.values[0] : 'другое', 'other than the literal'),
      );
      break;
    case 'object': {
      const value = site.value as Record<string, unknown>;
      list.push(here([], 'array instead of object'));
      // Unknown fields are refused: API.md names them in the error.
      list.push({ path: [...site.path, 'fuzzUnknown'], next: 'x', what: 'unknown field' });
      for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) {
        const optional = field.safeParse(undefined).success;
        // Without its discriminator a variant is unreadable: nothing else in it can be reported.
        const span = key === site.discriminator ? site.path : undefined;
        if (!optional && key in value)
          list.push({ path: [...site.path, key], next: OMIT, what: 'missing required field', span });
      }
      break;
    }
    case 'array': {
      const { min, max } = arrayBounds(def);
      const value = site.value as unknown[];
      list.push(here({ 0: value[0] }, 'object instead of list'));
      if (max !== undefined && value.length > 0)
        list.push(
          here(
            Array.from({ length: max + 1 }, (_, i) => value[i % value.length]),
            `${max + 1} items (max ${max})`,
          ),
        );
      if (min > 0) list.push(here(value.slice(0, min - 1), `${min - 1} items (min ${min})`));
      break;
    }
    case 'union':
      // A discriminated union names its discriminator; a plain one the value itself.
      if (def.discriminator)
        list.push({
          path: [...site.path, def.discriminator],
          write: site.path,
          next: { [def.discriminator]: 'не-из-списка' },
          what: 'unknown variant',
        });
      else list.push(here('не-из-списка', 'no variant matches'));
      break;
  }
  return list;
}

function nested(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  return dotted(a.slice(0, n)) === dotted(b.slice(0, n));
}

/**
 * Bodies that break 1–3 fields of a valid body (none inside another), each with the path its error must name.
 * A break the schema happens to accept is not produced (the body would be valid).
 */
export function invalidBodies(schema: Schema, valid: fc.Arbitrary<unknown>): fc.Arbitrary<InvalidBody> {
  return valid
    .chain((body) => {
      const candidates = sitesOf(schema, body, [], []).flatMap(breakages);
      return fc
        .uniqueArray(fc.integer({ min: 0, max: candidates.length - 1 }), { minLength: 1, maxLength: 3 })
        .map((picks) => {
          const chosen: typeof candidates = [];
          for (const i of picks) {
            const c = candidates[i] as (typeof candidates)[number];
            // Compare where each break writes (a union's is the whole variant, though it names the discriminator).
            const region = (b: Break) => b.span ?? b.write ?? b.path;
            if (chosen.every((o) => !nested(region(o), region(c)))) chosen.push(c);
          }
          let broken = body;
          for (const c of chosen) broken = setAt(broken, c.write ?? c.path, c.next);
          return { body: broken, broken: chosen.map((c) => ({ path: dotted(c.path), what: c.what })) };
        });
    })
    .filter(({ body }) => !schema.safeParse(body).success);
}

/** A valid value made from the schema alone (action inputs have no fixture), for use as an anchor. */
export function anchorOf(schema: Schema, options: FuzzOptions, seed: number): unknown {
  const arb = generate(schema, undefined, options, []);
  if (!arb) throw new Error('no value can be generated for this schema without an anchor');
  const found = fc.sample(arb, { numRuns: 300, seed }).find((v) => schema.safeParse(v).success);
  if (found === undefined) throw new Error('no valid value found for this schema: give it an anchor');
  return found;
}
