import { commonLabels, commonOptionLabels, rowLabels } from '../../forms/common/labels';
import * as commonTypes from '../../forms/common/types';
import type { FormPresentation, KindDefinition } from '../core/kind';
import * as z from '../core/zod-ru';

/**
 * A form's fields, derived from a zod schema (through its JSON Schema, input side) and the kind's Russian labels,
 * enumerations and presentation hints. Nothing here is written per kind or per field: a field added to a schema
 * appears on the page. The same model serves the server (rendering, reading posted forms) and the browser bundle
 * (validation before sending), so both read a form the same way.
 */

export interface Option {
  value: string;
  label: string;
  /** Offered only while the field at this root-relative path has this value. */
  when?: { field: string; equals: string };
}

export type InputKind = 'text' | 'textarea' | 'email' | 'tel' | 'date' | 'url' | 'integer' | 'number';

interface Base {
  key: string;
  /** Dotted path with `*` for rows of repeatable groups: `participants.*.email`. */
  pattern: string;
  label: string;
  hint?: string;
  required: boolean;
}

export type ObjectNode = Base & { type: 'object'; fields: FieldNode[] };
export type ListNode = Base & { type: 'list'; item: FieldNode; min: number; max?: number; rowLabel: string };
export type MultiNode = Base & { type: 'multi'; options: Option[]; min: number; max?: number };
export type EnumNode = Base & { type: 'enum'; options: Option[] };
export type BooleanNode = Base & { type: 'boolean'; consentText?: string };
export type InputNode = Base & {
  type: 'input';
  input: InputKind;
  maxLength?: number;
  min?: number;
  max?: number;
  autocomplete?: string;
};
export type ConstNode = Base & { type: 'const'; value: string };
/** Sent as it was rendered, never shown: the edition of a consent text the page displayed. */
export type HiddenNode = Base & { type: 'hidden'; value: string; numeric?: boolean };
export type UnionNode = Base & {
  type: 'union';
  discriminator: string;
  variants: { value: string; label: string; fields: FieldNode[] }[];
};
export type FieldNode =
  | ObjectNode
  | ListNode
  | MultiNode
  | EnumNode
  | BooleanNode
  | InputNode
  | ConstNode
  | HiddenNode
  | UnionNode;

export interface Vocabulary {
  labels?: Record<string, string>;
  enums?: Record<string, Record<string, string>>;
  texts?: Record<string, string>;
  presentation?: FormPresentation;
}

type Json = {
  type?: string | string[];
  properties?: Record<string, Json>;
  required?: string[];
  items?: Json;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Json[];
  oneOf?: Json[];
  allOf?: Json[];
  $ref?: string;
  $defs?: Record<string, Json>;
  format?: string;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  title?: string;
  description?: string;
  widget?: string;
  default?: unknown;
};

/** Labels of the common enumerations (forms/common/types.ts: every `labelledEnum`), found without naming them. */
const COMMON_ENUMS: Record<string, string>[] = Object.values(commonTypes).flatMap((value) =>
  value && typeof value === 'object' && 'labels' in value && 'schema' in value
    ? [(value as { labels: Record<string, string> }).labels]
    : [],
);

/** Field paths of labels and hints are written with or without row markers: `participants[].email`, `participants.*.email`. */
function plainKey(key: string): string {
  return key
    .replace(/\[\]/g, '')
    .split('.')
    .filter((s) => s !== '*' && !/^\d+$/.test(s))
    .join('.');
}

function plainMap(map: Record<string, string> | undefined): Map<string, string> {
  return new Map(Object.entries(map ?? {}).map(([k, v]) => [plainKey(k), v]));
}

const LARGE = 1e15;
const TEXTAREA_FROM = 1000;

class Builder {
  private readonly labels: Map<string, string>;
  private readonly hints: Map<string, string>;
  private readonly texts: Map<string, string>;
  private readonly choices: Map<string, NonNullable<FormPresentation['choices']>[string]>;

  constructor(
    private readonly root: Json,
    private readonly vocab: Vocabulary,
  ) {
    this.labels = plainMap(vocab.labels);
    this.hints = plainMap(vocab.presentation?.hints);
    this.texts = plainMap({ ...vocab.texts, ...vocab.presentation?.texts });
    this.choices = new Map(
      Object.entries(vocab.presentation?.choices ?? {}).map(([k, v]) => [plainKey(k), v]),
    );
  }

  private deref(js: Json): Json {
    let current = js;
    for (let i = 0; current.$ref && i < 10; i++) {
      const name = /^#\/\$defs\/(.+)$/.exec(current.$ref)?.[1];
      const target = name ? this.root.$defs?.[name] : undefined;
      if (!target) return {};
      current = { ...target, ...current, $ref: undefined };
    }
    if (current.allOf?.length === 1)
      return { ...this.deref(current.allOf[0]!), ...current, allOf: undefined };
    return current;
  }

  private label(plain: string[], key: string, js: Json): string {
    const path = plain.join('.');
    const own = this.labels.get(path);
    if (own) return own;
    if (js.title) return js.title;
    for (let i = 1; i < plain.length; i++) {
      const suffix = this.labels.get(plain.slice(i).join('.'));
      if (suffix) return suffix;
    }
    return commonLabels[key] ?? key;
  }

  private enumLabels(values: string[], names: string[]): Option[] {
    const enums = this.vocab.enums ?? {};
    const covers = (map: Record<string, string>) => values.every((v) => v in map);
    const same = (map: Record<string, string>) => covers(map) && Object.keys(map).length === values.length;
    const found =
      names.map((n) => enums[n]).find((m): m is Record<string, string> => m !== undefined && covers(m)) ??
      Object.values(enums).find(same) ??
      COMMON_ENUMS.find(same) ??
      Object.values(enums).find(covers) ??
      COMMON_ENUMS.find(covers);
    return values.map((value) => ({ value, label: found?.[value] ?? commonOptionLabels[value] ?? value }));
  }

  private choiceOptions(plainPath: string): Option[] | undefined {
    const sources = this.choices.get(plainPath);
    if (!sources) return undefined;
    return sources.flatMap((source) => {
      const map =
        typeof source.options === 'string' ? (this.vocab.enums?.[source.options] ?? {}) : source.options;
      return Object.entries(map).map(([value, label]) => ({
        value,
        label,
        ...(source.when ? { when: source.when } : {}),
      }));
    });
  }

  build(raw: Json, key: string, plain: string[], pattern: string[], required: boolean): FieldNode {
    const js = this.deref(raw);
    const plainPath = plain.join('.');
    const base: Base = {
      key,
      pattern: pattern.join('.'),
      label: this.label(plain, key, js),
      hint: this.hints.get(plainPath) ?? js.description,
      required,
    };
    const variants = js.anyOf ?? js.oneOf;
    if (variants) {
      const resolved = variants.map((v) => this.deref(v));
      const present = resolved.filter((v) => v.type !== 'null');
      if (present.length === 1)
        return this.build(
          { ...present[0]!, title: js.title, description: js.description },
          key,
          plain,
          pattern,
          required,
        );
      return this.union(base, present, plain, pattern) ?? { ...base, type: 'input', input: 'text' };
    }
    const type = Array.isArray(js.type) ? js.type.find((t) => t !== 'null') : js.type;
    const choices = this.choiceOptions(plainPath);
    if (type === 'object' || js.properties) {
      return { ...base, type: 'object', fields: this.fields(js, plain, pattern) };
    }
    if (type === 'array') {
      const items = this.deref(js.items ?? {});
      const limits = { min: js.minItems ?? 0, ...(js.maxItems !== undefined ? { max: js.maxItems } : {}) };
      if (choices) return { ...base, type: 'multi', options: choices, ...limits };
      if (items.enum) {
        const values = items.enum.map(String);
        return { ...base, type: 'multi', options: this.enumLabels(values, [plainPath, key]), ...limits };
      }
      const item = this.build(items, key, plain, [...pattern, '*'], true);
      const rowLabel = this.labels.get(`${plainPath}.*`) ?? rowLabels[key] ?? 'Запись';
      return {
        ...base,
        type: 'list',
        item: { ...item, label: rowLabel, hint: undefined },
        rowLabel,
        ...limits,
      };
    }
    if (choices) return { ...base, type: 'enum', options: choices };
    if (js.enum) {
      const values = js.enum.map(String);
      return { ...base, type: 'enum', options: this.enumLabels(values, [plainPath, key]) };
    }
    if (type === 'boolean') {
      // A field that must be `true` is a consent: its text stands beside the checkbox (152-FZ art. 9).
      const consent = js.const === true;
      const text = this.texts.get(plainPath) ?? this.texts.get(key);
      return { ...base, type: 'boolean', ...(consent || text ? { consentText: text ?? '' } : {}) };
    }
    if (js.const !== undefined) return { ...base, type: 'const', value: String(js.const) };
    if (type === 'integer' || type === 'number') {
      return {
        ...base,
        type: 'input',
        input: type === 'integer' ? 'integer' : 'number',
        ...(js.minimum !== undefined && Math.abs(js.minimum) < LARGE ? { min: js.minimum } : {}),
        ...(js.maximum !== undefined && Math.abs(js.maximum) < LARGE ? { max: js.maximum } : {}),
      };
    }
    return { ...base, type: 'input', ...inputKind(js, key) };
  }

  fields(js: Json, plain: string[], pattern: string[]): FieldNode[] {
    const required = new Set(js.required ?? []);
    const properties = js.properties ?? {};
    return Object.entries(properties).map(([key, child]) => {
      // `<consent>Version` beside a consent checkbox names the edition of the text shown, and a row's `id` is the
      // identity the system gives it (DOMAIN.md, "Rows get identities"): both travel hidden.
      // `baseVersion` is the version of the record the page showed (a correction made against it).
      const consent = /^(.+)Version$/.exec(key)?.[1];
      const rowId = key === 'id' && pattern.includes('*');
      const base = key === 'baseVersion' && pattern.length === 0;
      if (
        base ||
        rowId ||
        (consent && properties[consent] && this.deref(properties[consent]!).const === true)
      ) {
        const js = this.deref(child);
        return {
          key,
          pattern: [...pattern, key].join('.'),
          label: key,
          required: required.has(key),
          type: 'hidden',
          value: typeof js.default === 'string' ? js.default : '',
          ...(js.type === 'integer' || js.type === 'number' ? { numeric: true } : {}),
        } satisfies HiddenNode;
      }
      return this.build(child, key, [...plain, key], [...pattern, key], required.has(key));
    });
  }

  /** A discriminated union: every variant an object with the same property fixed to a distinct value. */
  private union(base: Base, variants: Json[], plain: string[], pattern: string[]): UnionNode | undefined {
    if (!variants.every((v) => v.properties)) return undefined;
    const first = variants[0]!;
    const discriminator = Object.keys(first.properties ?? {}).find((name) =>
      variants.every((v) => {
        const p = v.properties?.[name];
        return p !== undefined && typeof this.deref(p).const === 'string';
      }),
    );
    if (!discriminator) return undefined;
    const values = variants.map((v) => String(this.deref(v.properties![discriminator]!).const));
    if (new Set(values).size !== values.length) return undefined;
    const capital = discriminator.charAt(0).toUpperCase() + discriminator.slice(1);
    const labels = this.enumLabels(values, [
      `${plain.join('.')}.${discriminator}`,
      `${base.key}${capital}`,
      base.key,
    ]);
    return {
      ...base,
      type: 'union',
      discriminator,
      variants: variants.map((v, i) => {
        const { [discriminator]: _omitted, ...rest } = v.properties ?? {};
        return {
          value: values[i]!,
          label: labels[i]!.label,
          fields: this.fields({ ...v, properties: rest }, plain, pattern),
        };
      }),
    };
  }
}

function inputKind(js: Json, key: string): Pick<InputNode, 'input' | 'maxLength' | 'autocomplete'> {
  const maxLength = js.maxLength !== undefined && js.maxLength < LARGE ? js.maxLength : undefined;
  const limits = maxLength !== undefined ? { maxLength } : {};
  const widget = js.widget as InputKind | undefined;
  if (widget) return { input: widget, ...limits };
  if (js.format === 'date') return { input: 'date' };
  if (js.format === 'email' || /email$/i.test(key))
    return { input: 'email', autocomplete: 'email', ...limits };
  if (/phones?$/i.test(key)) return { input: 'tel', autocomplete: 'tel', ...limits };
  if (js.format === 'uri' || /(website|url)$/i.test(key))
    return { input: 'url', autocomplete: 'url', ...limits };
  const autocomplete =
    { lastName: 'family-name', firstName: 'given-name', middleName: 'additional-name' }[key] ?? undefined;
  if (maxLength !== undefined && maxLength >= TEXTAREA_FROM) return { input: 'textarea', ...limits };
  return { input: 'text', ...limits, ...(autocomplete ? { autocomplete } : {}) };
}

/** JSON Schema of what a client sends (the input side: a phone is a string before it is normalised). */
function inputSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
}

export function formModel(schema: z.ZodType, vocab: Vocabulary): ObjectNode {
  const root = inputSchema(schema);
  const builder = new Builder(root, vocab);
  return {
    key: '',
    pattern: '',
    label: '',
    required: true,
    type: 'object',
    fields: builder.fields(root, [], []),
  };
}

/** The form a kind is created with (its payload schema). */
export function creationForm(kind: KindDefinition<unknown>): ObjectNode {
  return formModel(kind.schema, {
    labels: kind.labels,
    enums: kind.enums,
    texts: kind.texts,
    presentation: kind.form,
  });
}

/** The form of an action's input, for one record (choices from the record come from the action's `form`). */
export function actionForm(
  kind: KindDefinition<unknown>,
  actionName: string,
  presentation?: FormPresentation,
): ObjectNode {
  const action = kind.actions[actionName];
  if (!action) throw new Error(`No action ${actionName} in ${kind.kind}`);
  return formModel(action.input, {
    labels: { ...kind.labels, ...action.labels },
    enums: kind.enums,
    texts: kind.texts,
    presentation,
  });
}

/** The node at a concrete path (`participants.2.email`), or the nearest one above it. */
export function nodeAt(root: ObjectNode, path: (string | number)[]): FieldNode | undefined {
  let node: FieldNode | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    if (node.type === 'list') {
      node = node.item;
      continue;
    }
    if (node.type === 'object') {
      node = node.fields.find((f) => f.key === segment);
      continue;
    }
    if (node.type === 'union') {
      const key = String(segment);
      if (key === node.discriminator) {
        const options = node.variants.map((v) => ({ value: v.value, label: v.label }));
        return { ...node, key, type: 'enum', options } as EnumNode;
      }
      node = node.variants.flatMap((v) => v.fields).find((f) => f.key === key);
      continue;
    }
    return node;
  }
  return node;
}
