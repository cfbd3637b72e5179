import { commonLabels } from '../../forms/common/labels';
import type { FieldNode, ObjectNode } from './form-model';
import { html, type SafeHtml } from './html';

/**
 * A record's payload as a readable list (the staff record page, a party's page): the form's labels and the
 * Russian names of enumeration values; dates as ДД.ММ.ГГГГ. Fields the workflow adds beyond the form (a schedule,
 * a decision) are shown with the kind's or the common labels.
 */

export interface ViewVocabulary {
  labels: Record<string, string>;
  enums: Record<string, Record<string, string>>;
}

/** Identities and references between records (`id`, `participantId`): for the system, not for reading. */
const TECHNICAL = /^(id|\w+Id|key)$/;
/** Longer texts (a consent's wording) fold away behind their first words. */
const LONG_TEXT = 300;

function longText(value: string): SafeHtml {
  const paragraphs = value.split(/\n{2,}/).filter(Boolean);
  return html`<details class="long-text"><summary>${value.slice(0, 80)}…</summary>${paragraphs.map((p) => html`<p>${p}</p>`)}</details>`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function scalar(value: unknown, timeZone: string): string {
  if (value === true) return 'да';
  if (value === false) return 'нет';
  if (typeof value === 'string') {
    const d = ISO_DATE.exec(value);
    if (d) return `${d[3]}.${d[2]}.${d[1]}`;
    if (ISO_INSTANT.test(value)) {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime()))
        return date.toLocaleString('ru-RU', { timeZone, dateStyle: 'short', timeStyle: 'short' });
    }
    return value;
  }
  return String(value);
}

/** The common types of DOMAIN.md read as one line: a person "Фамилия Имя Отчество", a period "с … по …". */
function commonShape(value: Record<string, unknown>, timeZone: string): string | undefined {
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  const only = (allowed: string[]) => keys.every((k) => allowed.includes(k));
  if (typeof value.lastName === 'string' && only(['lastName', 'firstName', 'middleName'])) {
    return [value.lastName, value.firstName, value.middleName].filter(Boolean).join(' ');
  }
  if (typeof value.from === 'string' && typeof value.to === 'string' && only(['from', 'to'])) {
    return `с ${scalar(value.from, timeZone)} по ${scalar(value.to, timeZone)}`;
  }
  return undefined;
}

export class PayloadView {
  constructor(
    private readonly vocab: ViewVocabulary,
    private readonly timeZone: string,
  ) {}

  render(model: ObjectNode, payload: unknown): SafeHtml {
    return this.object(model.fields, payload, []);
  }

  private object(fields: FieldNode[], value: unknown, plain: string[]): SafeHtml {
    if (!value || typeof value !== 'object') return html`<p>—</p>`;
    const record = value as Record<string, unknown>;
    const short = commonShape(record, this.timeZone);
    if (short !== undefined) return html`${short}`;
    const known = new Set(fields.map((f) => f.key));
    const rows = fields
      .filter(
        (f) =>
          record[f.key] !== undefined && f.type !== 'const' && f.type !== 'hidden' && !TECHNICAL.test(f.key),
      )
      .map((f) => html`<dt>${f.label}</dt><dd>${this.node(f, record[f.key], [...plain, f.key])}</dd>`);
    const extra = Object.entries(record)
      .filter(([k, v]) => !known.has(k) && v !== undefined && !TECHNICAL.test(k))
      .map(([k, v]) => html`<dt>${this.labelOf([...plain, k])}</dt><dd>${this.any(v, [...plain, k])}</dd>`);
    return html`<dl class="payload">${rows}${extra}</dl>`;
  }

  private node(node: FieldNode, value: unknown, plain: string[]): SafeHtml {
    switch (node.type) {
      case 'object':
        return this.object(node.fields, value, plain);
      case 'union': {
        const v = value as Record<string, unknown>;
        const variant = node.variants.find((x) => x.value === v?.[node.discriminator]);
        if (!variant) return this.any(value, plain);
        return html`<p>${variant.label}</p>${variant.fields.length ? this.object(variant.fields, v, plain) : ''}`;
      }
      case 'list':
        if (!Array.isArray(value) || value.length === 0) return html`—`;
        if (
          node.item.type === 'input' &&
          value.every((v) => typeof v !== 'object' && String(v).length <= 60)
        ) {
          return html`${value.map((v) => scalar(v, this.timeZone)).join(', ')}`;
        }
        return html`<ol>${value.map((item) => html`<li>${this.node(node.item, item, plain)}</li>`)}</ol>`;
      case 'multi':
        if (!Array.isArray(value)) return this.any(value, plain);
        return html`${value.map((v) => node.options.find((o) => o.value === v)?.label ?? String(v)).join('; ')}`;
      case 'enum':
        return html`${node.options.find((o) => o.value === value)?.label ?? scalar(value, this.timeZone)}`;
      default:
        if (typeof value === 'string' && value.length > LONG_TEXT) return longText(value);
        return html`${scalar(value, this.timeZone)}`;
    }
  }

  private labelOf(plain: string[]): string {
    for (let i = 0; i < plain.length; i++) {
      const found = this.vocab.labels[plain.slice(i).join('.')];
      if (found) return found;
    }
    const key = plain[plain.length - 1] ?? '';
    return commonLabels[key] ?? key;
  }

  /** A value outside the form: nested lists and objects as they come, enumeration values by their label. */
  private any(value: unknown, plain: string[]): SafeHtml {
    if (Array.isArray(value)) {
      if (value.length === 0) return html`—`;
      return html`<ol>${value.map((v) => html`<li>${this.any(v, plain)}</li>`)}</ol>`;
    }
    if (value && typeof value === 'object') {
      const short = commonShape(value as Record<string, unknown>, this.timeZone);
      if (short !== undefined) return html`${short}`;
      return html`<dl class="payload">${Object.entries(value as Record<string, unknown>)
        .filter(([k, v]) => v !== undefined && !TECHNICAL.test(k))
        .map(
          ([k, v]) => html`<dt>${this.labelOf([...plain, k])}</dt><dd>${this.any(v, [...plain, k])}</dd>`,
        )}</dl>`;
    }
    if (typeof value === 'string') {
      const key = plain[plain.length - 1] ?? '';
      const named = this.vocab.enums[key]?.[value];
      if (named) return html`${named}`;
      if (value.length > LONG_TEXT) return longText(value);
    }
    return html`${scalar(value, this.timeZone)}`;
  }
}
