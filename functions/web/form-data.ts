import type { FieldIssue } from '../core/errors';
import type { z } from '../core/zod-ru';
import type { FieldNode, ObjectNode } from './form-model';
import { nodeAt } from './form-model';

/**
 * Reading a posted form (or the same form in the browser) into the value its schema checks, and turning zod's
 * issues into messages a person understands next to the field. Shared by the server and the browser bundle.
 *
 * Field names are dotted paths with row indices (`participants.2.person.lastName`); a checkbox group repeats its
 * name once per ticked box. Names starting with `_` are the page's own controls (`_op`, `_version`), not data.
 */

export type Raw = string | string[] | RawObject | undefined;
export interface RawObject {
  [key: string]: Raw;
}

/**
 * Segments no field path has (schema keys are domain names) and that would reach an object's prototype if used
 * as one: `a.__proto__.x=1` in a posted form must not become `Object.prototype.x` for the whole process.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** A posted name (or a row operation's path) that can be a field path: no prototype segment. */
function isFieldPath(parts: string[]): boolean {
  return parts.every((part) => !PROTOTYPE_KEYS.has(part));
}

/** What a raw object holds under a posted name: its own entries only, never what Object.prototype has (`toString`). */
function own(raw: RawObject, key: string): Raw {
  // biome-ignore lint/suspicious/noPrototypeBuiltins: also runs in the pages' script, where browsers older than Object.hasOwn (Safari < 15.4) still post forms
  return Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
}

export function rawFromEntries(entries: Iterable<[string, string]>): RawObject {
  const root: RawObject = {};
  for (const [name, value] of entries) {
    if (!name || name.startsWith('_')) continue;
    const parts = name.split('.');
    // Not a field of any form: ignored like any other unknown name.
    if (!isFieldPath(parts)) continue;
    let target: RawObject = root;
    for (const part of parts.slice(0, -1)) {
      const next = own(target, part);
      if (next && typeof next === 'object' && !Array.isArray(next)) target = next;
      else {
        const created: RawObject = {};
        target[part] = created;
        target = created;
      }
    }
    const leaf = parts[parts.length - 1]!;
    const existing = own(target, leaf);
    if (existing === undefined) target[leaf] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else if (typeof existing === 'string') target[leaf] = [existing, value];
  }
  return root;
}

/** `application/x-www-form-urlencoded` body → name/value pairs. */
export function entriesFromUrlEncoded(body: string): [string, string][] {
  return [...new URLSearchParams(body).entries()];
}

function text(raw: Raw): string {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) return raw[raw.length - 1] ?? '';
  return '';
}

/** Rows of a repeatable group in index order (a posted form may skip indices). */
export function rowsOf(raw: Raw): Raw[] {
  if (Array.isArray(raw)) return raw;
  if (!raw || typeof raw !== 'object') return [];
  return Object.keys(raw)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => raw[k]);
}

function isEmpty(raw: Raw): boolean {
  if (raw === undefined) return true;
  if (typeof raw === 'string') return raw.trim() === '';
  if (Array.isArray(raw)) return raw.every((v) => v.trim() === '');
  return Object.values(raw).every(isEmpty);
}

const CHECKED = new Set(['on', 'true', 'yes', '1']);

/** The value the schema checks. Empty optional fields are left out; empty required ones stay empty strings. */
export function formValue(node: FieldNode, raw: Raw): unknown {
  switch (node.type) {
    case 'object': {
      if (!node.required && isEmpty(raw)) return undefined;
      const source = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
      return objectOf(node.fields, source);
    }
    case 'list': {
      const rows = rowsOf(raw);
      const primitive = node.item.type === 'input' || node.item.type === 'enum';
      const values = primitive
        ? rows.filter((r) => !isEmpty(r)).map((r) => formValue(node.item, r))
        : rows.map((r) => formValue(node.item, r ?? {}));
      return !node.required && values.length === 0 ? undefined : values;
    }
    case 'multi': {
      const list = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).filter((v) => v !== '');
      return !node.required && list.length === 0 ? undefined : list;
    }
    case 'enum': {
      const value = text(raw);
      return value === '' && !node.required ? undefined : value;
    }
    case 'boolean': {
      const on = CHECKED.has(text(raw));
      if (node.consentText !== undefined) return on ? true : undefined;
      return on ? true : node.required ? false : undefined;
    }
    case 'const':
      return node.value;
    case 'hidden': {
      const value = text(raw);
      if (!value) return undefined;
      return node.numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    }
    case 'input': {
      const value = text(raw);
      if (value.trim() === '') return node.required ? '' : undefined;
      if (node.input === 'integer' || node.input === 'number') {
        const n = Number(value.replace(/\s/g, '').replace(',', '.'));
        return Number.isFinite(n) ? n : value;
      }
      return value;
    }
    case 'union': {
      if (!node.required && isEmpty(raw)) return undefined;
      const source = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
      const chosen = text(source[node.discriminator]);
      const variant = node.variants.find((v) => v.value === chosen);
      if (!variant) return {};
      return { [node.discriminator]: chosen, ...objectOf(variant.fields, source) };
    }
  }
}

function objectOf(fields: FieldNode[], source: RawObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const v = formValue(field, source[field.key]);
    if (v !== undefined) out[field.key] = v;
  }
  return out;
}

/** A stored value (a record's payload, an action's defaults) as the raw strings a form shows. */
export function rawOf(node: FieldNode, value: unknown): Raw {
  if (value === undefined || value === null) return undefined;
  switch (node.type) {
    case 'object':
    case 'union': {
      if (typeof value !== 'object') return undefined;
      const fields =
        node.type === 'object'
          ? node.fields
          : (node.variants.find((v) => v.value === (value as Record<string, unknown>)[node.discriminator])
              ?.fields ?? []);
      const out: RawObject = {};
      if (node.type === 'union')
        out[node.discriminator] = String((value as Record<string, unknown>)[node.discriminator] ?? '');
      for (const f of fields) out[f.key] = rawOf(f, (value as Record<string, unknown>)[f.key]);
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) return undefined;
      const out: RawObject = {};
      value.forEach((v, i) => {
        out[String(i)] = rawOf(node.item, v);
      });
      return out;
    }
    case 'multi':
      return Array.isArray(value) ? value.map(String) : undefined;
    case 'boolean':
      return value === true ? 'on' : undefined;
    default:
      return String(value);
  }
}

/** Messages zod gives on its own (the Russian locale), too technical for a form: replaced by the field's words. */
const GENERIC =
  /^(Неверный ввод|Неверный вариант|Слишком (маленькое|большое) значение|Неверная строка|Неверный |Неверное |Нераспознанн|Неверные входные данные)/;

function humanize(node: FieldNode | undefined, issue: z.core.$ZodIssue, raw: Raw): string {
  // A date comes from a date picker: "ГГГГ-ММ-ДД" in a schema's message would only confuse.
  if (node?.type === 'input' && node.input === 'date' && issue.code === 'invalid_format') {
    return isEmpty(raw) ? 'Укажите дату' : 'Укажите дату в формате ДД.ММ.ГГГГ';
  }
  if (!GENERIC.test(issue.message) || !node) return issue.message;
  const label = node.label ? `«${node.label}»` : '';
  const empty = isEmpty(raw);
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (node.type === 'multi')
        return `Выберите хотя бы ${min === 1 ? 'один вариант' : `${min}`} в поле ${label}`;
      if (node.type === 'list') return `Добавьте хотя бы ${min}: ${label}`;
      if (issue.origin === 'string')
        return min <= 1 ? `Заполните поле ${label}` : `${label}: не короче ${min} символов`;
      return `${label}: не меньше ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `${label}: не более ${max} символов`;
      if (node.type === 'list' || node.type === 'multi') return `${label}: не более ${max}`;
      return `${label}: не больше ${max}`;
    }
    case 'invalid_format':
      if (issue.format === 'email') return 'Укажите корректный адрес электронной почты';
      if (issue.format === 'url') return 'Укажите адрес сайта, например https://school.example.ru';
      if (issue.format === 'date') return 'Укажите дату';
      return `Проверьте поле ${label}`;
    default:
      break;
  }
  if (empty) {
    if (node.type === 'enum' || node.type === 'union' || node.type === 'multi')
      return `Выберите значение: ${label}`;
    if (node.type === 'boolean') return `Отметьте ${label}`;
    return `Заполните поле ${label}`;
  }
  if (node.type === 'input' && (node.input === 'integer' || node.input === 'number')) {
    return node.input === 'integer' ? 'Введите целое число' : 'Введите число';
  }
  if (node.type === 'enum') return `Выберите значение из списка: ${label}`;
  return `Проверьте поле ${label}`;
}

function rawAt(raw: Raw, path: (string | number)[]): Raw {
  let current: Raw = raw;
  for (const segment of path) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[String(segment)];
  }
  return current;
}

export interface Reading {
  value: unknown;
  issues: FieldIssue[];
}

/** Reads the raw form with the model and checks it with the schema; issues carry the field path. */
export function readForm(model: ObjectNode, schema: z.ZodType, raw: RawObject): Reading {
  const value = formValue(model, raw);
  const parsed = schema.safeParse(value);
  if (parsed.success) return { value, issues: [] };
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    return {
      path: path.map(String).join('.'),
      message: humanize(nodeAt(model, path), issue, rawAt(raw, path)),
    };
  });
  return { value, issues: dedupe(issues) };
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Server-side add/remove of rows for browsers without scripts: `add:participants` appends an empty row,
 * `remove:participants.2` drops one (later rows move up).
 */
export function applyRowOperation(raw: RawObject, op: string): RawObject {
  const m = /^(add|remove):([\w.]+)$/.exec(op);
  if (!m) return raw;
  const parts = m[2]!.split('.');
  if (!isFieldPath(parts)) return raw;
  if (m[1] === 'add') {
    const holder = containerOf(raw, parts.slice(0, -1));
    const key = parts[parts.length - 1]!;
    const rows = rowsOf(holder && own(holder, key));
    if (holder) holder[key] = toRowObject([...rows, {}]);
    return raw;
  }
  const index = Number(parts[parts.length - 1]);
  const holder = containerOf(raw, parts.slice(0, -2));
  const key = parts[parts.length - 2];
  if (!holder || key === undefined || !Number.isInteger(index)) return raw;
  const rows = rowsOf(own(holder, key));
  rows.splice(index, 1);
  holder[key] = toRowObject(rows);
  return raw;
}

function containerOf(raw: RawObject, parts: string[]): RawObject | undefined {
  let current: RawObject = raw;
  for (const part of parts) {
    const next = own(current, part);
    if (next === undefined) {
      const created: RawObject = {};
      current[part] = created;
      current = created;
    } else if (typeof next === 'object' && !Array.isArray(next)) current = next;
    else return undefined;
  }
  return current;
}

function toRowObject(rows: Raw[]): RawObject {
  const out: RawObject = {};
  rows.forEach((r, i) => {
    out[String(i)] = r ?? {};
  });
  return out;
}
