import type { FieldIssue } from '../core/errors';
import { type Raw, type RawObject, rowsOf } from './form-data';
import type { FieldNode, ListNode, ObjectNode, Option, UnionNode } from './form-model';
import { attr, flag, html, joinHtml, type SafeHtml } from './html';

/**
 * The fields of a form as HTML, from its model (form-model.ts): labels tied to inputs, hints and errors tied by
 * aria-describedby, `aria-invalid` on what is wrong, repeatable groups with add/remove buttons that work without
 * scripts (they post the form back with `_op`), and a `<template>` of an empty row for the script to clone.
 */

export interface RenderInput {
  /** Prefix of element ids, unique per form on the page. */
  idPrefix: string;
  raw: RawObject;
  errors: Map<string, string[]>;
  /** The personal-data consent text when the kind gives none. */
  defaultConsentText?: string;
  /** The label of a field by its root-relative path (for notes that name another field). */
  labelOf?: (path: string) => string | undefined;
}

/** Rows shown for a repeatable group: what was typed, else its minimum (one empty line for a list of strings). */
function rowCount(node: ListNode, raw: Raw): number {
  const primitive = node.item.type !== 'object' && node.item.type !== 'union';
  return Math.max(rowsOf(raw).length, node.min, primitive ? 1 : 0);
}

function child(raw: Raw, key: string): Raw {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? raw[key] : undefined;
}

/**
 * Every field path the form shows for these values, so an issue can be placed at the nearest one. Hidden and
 * constant fields show nothing: an issue of theirs (a consent text changed since the page was opened, a row id or
 * an edition number tampered with) goes to the nearest group shown, or to the top of the form — a 400 page must
 * say what is wrong.
 */
export function fieldPaths(node: FieldNode, raw: Raw, path: string[], out: Set<string>): Set<string> {
  if (path.length && node.type !== 'hidden' && node.type !== 'const') out.add(path.join('.'));
  if (node.type === 'object') {
    for (const f of node.fields) fieldPaths(f, child(raw, f.key), [...path, f.key], out);
  } else if (node.type === 'list') {
    const rows = rowsOf(raw);
    for (let i = 0; i < rowCount(node, raw); i++) fieldPaths(node.item, rows[i], [...path, String(i)], out);
  } else if (node.type === 'union') {
    out.add([...path, node.discriminator].join('.'));
    for (const v of node.variants)
      for (const f of v.fields) fieldPaths(f, child(raw, f.key), [...path, f.key], out);
  }
  return out;
}

/** Issues by the field that shows them; those of no shown field go to the top of the form. */
export function placeIssues(
  model: ObjectNode,
  raw: RawObject,
  issues: FieldIssue[],
): { byPath: Map<string, string[]>; general: string[] } {
  const known = fieldPaths(model, raw, [], new Set());
  const byPath = new Map<string, string[]>();
  const general: string[] = [];
  for (const issue of issues) {
    const parts = issue.path ? issue.path.split('.') : [];
    let placed: string | undefined;
    for (let n = parts.length; n > 0; n--) {
      const candidate = parts.slice(0, n).join('.');
      if (known.has(candidate)) {
        placed = candidate;
        break;
      }
    }
    if (placed === undefined) general.push(issue.message);
    else byPath.set(placed, [...(byPath.get(placed) ?? []), issue.message]);
  }
  return { byPath, general };
}

function text(raw: Raw): string {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) return raw[raw.length - 1] ?? '';
  return '';
}

function listOf(raw: Raw): string[] {
  if (Array.isArray(raw)) return raw;
  return typeof raw === 'string' ? [raw] : [];
}

const RADIO_LIMIT = 4;

export class FormRenderer {
  /** Id of the first control with an error, for the summary's first link and `autofocus`. */
  firstErrorId?: string;
  /** Errors in page order, with the control they belong to. */
  readonly summary: { id: string; message: string }[] = [];

  constructor(private readonly input: RenderInput) {}

  render(model: ObjectNode): SafeHtml {
    return joinHtml(model.fields.map((f) => this.node(f, [f.key], child(this.input.raw, f.key), false)));
  }

  private id(path: string[]): string {
    return `${this.input.idPrefix}${path.join('-')}`;
  }

  private errors(path: string[], template: boolean, controlId: string): string[] {
    if (template) return [];
    const found = this.input.errors.get(path.join('.')) ?? [];
    if (found.length) {
      this.firstErrorId ??= controlId;
      for (const message of found) this.summary.push({ id: controlId, message });
    }
    return found;
  }

  private errorBlock(id: string, messages: string[]): SafeHtml {
    if (!messages.length) return html``;
    return html`<p class="error" id="${id}-error"><span class="visually-hidden">Ошибка: </span>${messages.join(' ')}</p>`;
  }

  private hintBlock(id: string, hint: string | undefined): SafeHtml {
    return hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : html``;
  }

  private describedBy(
    id: string,
    hint: string | undefined,
    errors: string[],
    extra?: string,
  ): string | undefined {
    const ids = [extra, hint ? `${id}-hint` : undefined, errors.length ? `${id}-error` : undefined].filter(
      Boolean,
    );
    return ids.length ? ids.join(' ') : undefined;
  }

  private optional(node: FieldNode): SafeHtml {
    if (node.required || /необязательно|при наличии/i.test(node.label)) return html``;
    return html`<span class="optional"> (необязательно)</span>`;
  }

  private node(node: FieldNode, path: string[], raw: Raw, template: boolean): SafeHtml {
    switch (node.type) {
      case 'object':
        return this.object(node, path, raw, template);
      case 'list':
        return this.list(node, path, raw, template);
      case 'multi':
        return this.choices(node, path, listOf(raw), template, 'checkbox');
      case 'enum':
        return node.options.length <= RADIO_LIMIT && !node.options.some((o) => o.when)
          ? this.choices(node, path, [text(raw)], template, 'radio')
          : this.select(node, path, text(raw), template);
      case 'boolean':
        return this.checkbox(node, path, text(raw), template);
      case 'const':
        return html`<input type="hidden" name="${path.join('.')}" value="${node.value}">`;
      case 'hidden':
        return html`<input type="hidden" name="${path.join('.')}" value="${raw === undefined ? node.value : text(raw)}">`;
      case 'union':
        return this.union(node, path, raw, template);
      case 'input':
        return this.field(node, path, text(raw), template);
    }
  }

  private object(node: ObjectNode, path: string[], raw: Raw, template: boolean): SafeHtml {
    const id = this.id(path);
    const errors = this.errors(path, template, id);
    const compact = node.fields.length <= 4 && node.fields.every((f) => f.type === 'input');
    return html`<fieldset class="group${compact ? ' compact' : ''}${errors.length ? ' invalid' : ''}" id="${id}" data-field="${path.join('.')}"${attr('aria-describedby', this.describedBy(id, node.hint, errors))}>
<legend>${node.label}${this.optional(node)}</legend>
${this.hintBlock(id, node.hint)}${this.errorBlock(id, errors)}<div class="fields">${node.fields.map((f) => this.node(f, [...path, f.key], child(raw, f.key), template))}</div>
</fieldset>
`;
  }

  private list(node: ListNode, path: string[], raw: Raw, template: boolean): SafeHtml {
    const id = this.id(path);
    const errors = this.errors(path, template, id);
    const name = path.join('.');
    const depth = (node.pattern.match(/\*/g) ?? []).length;
    const rows = rowsOf(raw);
    const count = template ? Math.max(node.min, node.item.type === 'object' ? 0 : 1) : rowCount(node, raw);
    const rendered = Array.from({ length: count }, (_, i) =>
      this.row(node, [...path, String(i)], String(i + 1), rows[i], template, count > node.min),
    );
    const placeholder = this.row(node, [...path, `__i${depth}__`], `__n${depth}__`, undefined, true, true);
    const canAdd = node.max === undefined || count < node.max;
    return html`<fieldset class="list${errors.length ? ' invalid' : ''}" id="${id}" data-field="${name}" data-list="${name}" data-depth="${depth}" data-min="${node.min}"${attr('data-max', node.max)}${attr('aria-describedby', this.describedBy(id, node.hint, errors))}>
<legend>${node.label}${this.optional(node)}</legend>
${this.hintBlock(id, node.hint)}${this.errorBlock(id, errors)}<div class="rows" data-rows>${rendered}</div>
<template data-row-template>${placeholder}</template>
<button type="submit" class="secondary add" name="_op" value="add:${name}" formnovalidate data-op="add"${flag('hidden', !canAdd)}>Добавить: ${node.rowLabel.toLowerCase()}</button>
</fieldset>
`;
  }

  private row(
    node: ListNode,
    path: string[],
    number: string,
    raw: Raw,
    template: boolean,
    removable: boolean,
  ): SafeHtml {
    const name = path.join('.');
    const title = html`${node.rowLabel} № <span data-row-number>${number}</span>`;
    const remove = html`<button type="submit" class="link remove" name="_op" value="remove:${name}" formnovalidate data-op="remove"${flag('hidden', !removable)}>Удалить<span class="visually-hidden">: ${node.rowLabel.toLowerCase()} № <span data-row-number>${number}</span></span></button>`;
    if (node.item.type === 'object' || node.item.type === 'union') {
      const id = this.id(path);
      const errors = this.errors(path, template, id);
      const fields =
        node.item.type === 'object'
          ? node.item.fields.map((f) => this.node(f, [...path, f.key], child(raw, f.key), template))
          : [this.unionBody(node.item, path, raw, template)];
      return html`<fieldset class="row${errors.length ? ' invalid' : ''}" id="${id}" data-row data-field="${name}">
<legend>${title}</legend>
${this.errorBlock(id, errors)}<div class="fields">${fields}</div>
${remove}
</fieldset>
`;
    }
    const item = { ...node.item, label: `${node.rowLabel} № ${number}` };
    return html`<div class="row inline" data-row>${this.node(item, path, raw, template)}${remove}</div>
`;
  }

  private field(
    node: Extract<FieldNode, { type: 'input' }>,
    path: string[],
    value: string,
    template: boolean,
  ): SafeHtml {
    const id = this.id(path);
    const errors = this.errors(path, template, id);
    const describedBy = this.describedBy(id, node.hint, errors);
    const common = html` id="${id}" name="${path.join('.')}"${attr('aria-describedby', describedBy)}${flag('required', node.required)}${errors.length ? html` aria-invalid="true"` : ''}${flag('autofocus', !template && this.firstErrorId === id && errors.length > 0)}${attr('maxlength', node.maxLength)}${attr('autocomplete', node.autocomplete)}`;
    let control: SafeHtml;
    if (node.input === 'textarea') {
      control = html`<textarea rows="4"${common}>${value}</textarea>`;
    } else {
      const type = { integer: 'text', number: 'text', text: 'text' }[node.input as string] ?? node.input;
      const inputmode =
        node.input === 'integer' ? 'numeric' : node.input === 'number' ? 'decimal' : undefined;
      control = html`<input type="${type}"${common}${attr('inputmode', inputmode)} value="${value}">`;
    }
    return html`<div class="field${errors.length ? ' invalid' : ''}${node.input === 'textarea' ? ' wide' : ''}" data-field="${path.join('.')}">
<label for="${id}">${node.label}${this.optional(node)}</label>
${this.hintBlock(id, node.hint)}${this.errorBlock(id, errors)}${control}
</div>
`;
  }

  /** Choices that follow another field: until it is answered, say which (the script shows and hides the note). */
  private waitingNote(options: Option[]): SafeHtml {
    const field = options.find((o) => o.when)?.when?.field;
    if (!field) return html``;
    const label = this.input.labelOf?.(field) ?? field;
    return html`<p class="hint" data-choices-waiting hidden>Варианты появятся, когда будет заполнено поле «${label}».</p>`;
  }

  private whenAttrs(option: Option): SafeHtml {
    return option.when
      ? html` data-when-field="${option.when.field}" data-when-equals="${option.when.equals}"`
      : html``;
  }

  private choices(
    node: Extract<FieldNode, { type: 'multi' | 'enum' }>,
    path: string[],
    selected: string[],
    template: boolean,
    type: 'checkbox' | 'radio',
  ): SafeHtml {
    const id = this.id(path);
    const first = `${id}-0`;
    const errors = this.errors(path, template, first);
    const name = path.join('.');
    const invalid = errors.length > 0;
    const options = node.options.map(
      (o, i) =>
        html`<div class="option"${this.whenAttrs(o)}><input type="${type}" id="${id}-${i}" name="${name}" value="${o.value}"${flag('checked', selected.includes(o.value))}${type === 'checkbox' && invalid ? html` aria-invalid="true"` : ''}${flag('autofocus', i === 0 && invalid && this.firstErrorId === first)}><label for="${id}-${i}">${o.label}</label></div>`,
    );
    const role =
      type === 'radio'
        ? html` role="radiogroup"${invalid ? html` aria-invalid="true"` : ''}${node.required ? html` aria-required="true"` : ''}`
        : html``;
    return html`<fieldset class="field choices${invalid ? ' invalid' : ''}" id="${id}" data-field="${name}"${role}${attr('aria-describedby', this.describedBy(id, node.hint, errors))}>
<legend>${node.label}${this.optional(node)}</legend>
${this.hintBlock(id, node.hint)}${this.errorBlock(id, errors)}<div class="options">${options}</div>
${this.waitingNote(node.options)}</fieldset>
`;
  }

  private select(
    node: Extract<FieldNode, { type: 'enum' }>,
    path: string[],
    value: string,
    template: boolean,
  ): SafeHtml {
    const id = this.id(path);
    const errors = this.errors(path, template, id);
    const options = node.options.map(
      (o) =>
        html`<option value="${o.value}"${flag('selected', o.value === value)}${this.whenAttrs(o)}>${o.label}</option>`,
    );
    return html`<div class="field${errors.length ? ' invalid' : ''}" data-field="${path.join('.')}">
<label for="${id}">${node.label}${this.optional(node)}</label>
${this.hintBlock(id, node.hint)}${this.errorBlock(id, errors)}<select id="${id}" name="${path.join('.')}"${attr('aria-describedby', this.describedBy(id, node.hint, errors))}${flag('required', node.required)}${errors.length ? html` aria-invalid="true"` : ''}${flag('autofocus', !template && errors.length > 0 && this.firstErrorId === id)}>
<option value="">— выберите —</option>${options}</select>
</div>
`;
  }

  private checkbox(
    node: Extract<FieldNode, { type: 'boolean' }>,
    path: string[],
    value: string,
    template: boolean,
  ): SafeHtml {
    const id = this.id(path);
    const errors = this.errors(path, template, id);
    const consent =
      node.consentText !== undefined ? node.consentText || this.input.defaultConsentText : undefined;
    const textId = consent ? `${id}-text` : undefined;
    const paragraphs = (consent ?? '').split(/\n{2,}/).filter(Boolean);
    return html`<div class="field checkbox${consent ? ' consent' : ''}${errors.length ? ' invalid' : ''}" data-field="${path.join('.')}">
${consent ? html`<div class="consent-text" id="${textId}">${paragraphs.map((p) => html`<p>${p}</p>`)}</div>` : ''}${this.hintBlock(id, node.hint)}${this.errorBlock(id, errors)}<div class="option"><input type="checkbox" id="${id}" name="${path.join('.')}" value="on"${flag('checked', value === 'on' || value === 'true')}${attr('aria-describedby', this.describedBy(id, node.hint, errors, textId))}${flag('required', node.required)}${errors.length ? html` aria-invalid="true"` : ''}${flag('autofocus', !template && errors.length > 0 && this.firstErrorId === id)}><label for="${id}">${node.label}</label></div>
</div>
`;
  }

  private union(node: UnionNode, path: string[], raw: Raw, template: boolean): SafeHtml {
    const id = this.id(path);
    const errors = this.errors(path, template, `${id}-${node.discriminator}-0`);
    return html`<fieldset class="group union${errors.length ? ' invalid' : ''}" id="${id}" data-field="${path.join('.')}"${attr('aria-describedby', this.describedBy(id, node.hint, errors))}>
<legend>${node.label}${this.optional(node)}</legend>
${this.hintBlock(id, node.hint)}${this.errorBlock(id, errors)}${this.unionBody(node, path, raw, template)}
</fieldset>
`;
  }

  private unionBody(node: UnionNode, path: string[], raw: Raw, template: boolean): SafeHtml {
    const discPath = [...path, node.discriminator];
    const chosen = text(child(raw, node.discriminator));
    const selector = this.choices(
      {
        key: node.discriminator,
        pattern: `${node.pattern}.${node.discriminator}`,
        label: 'Выберите вариант',
        required: node.required,
        type: 'enum',
        options: node.variants.map((v) => ({ value: v.value, label: v.label })),
      },
      discPath,
      [chosen],
      template,
      'radio',
    );
    const variants = node.variants
      .filter((v) => v.fields.length > 0)
      .map(
        (v) => html`<div class="variant" data-variant-for="${discPath.join('.')}" data-variant="${v.value}">
<p class="variant-title">Если выбрано «${v.label}»:</p>
<div class="fields">${v.fields.map((f) => this.node(f, [...path, f.key], child(raw, f.key), template))}</div>
</div>
`,
      );
    return html`${selector}${variants}`;
  }
}

/** Errors above the form: what is wrong and links to each field (keyboard users jump straight to it). */
export function errorSummary(general: string[], summary: { id: string; message: string }[]): SafeHtml {
  if (!general.length && !summary.length) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" data-error-summary>
<h2>Проверьте, пожалуйста, заполнение</h2>
<ul>${general.map((m) => html`<li>${m}</li>`)}${summary.map((s) => html`<li><a href="#${s.id}">${s.message}</a></li>`)}</ul>
</div>
`;
}
