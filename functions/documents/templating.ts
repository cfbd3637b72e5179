import Handlebars from 'handlebars';
import { localDate } from '../core/working-days';
import { readTemplate } from './assets';

/**
 * Handlebars for documents and mail: one isolated environment with the helpers templates use. Templates produce
 * plain text (no HTML escaping: the PDF draws characters, and the mail's HTML part is escaped separately).
 *
 * Helpers:
 *   {{date value}}          22.11.2026           (value: `YYYY-MM-DD` or an ISO instant, read in the instance's zone)
 *   {{date value "long"}}   22 ноября 2026 г.
 *   {{fullName person}}     Иванова Мария Петровна
 *   {{initials person}}     М.П. Иванова         (signature lines)
 *   {{label "enum" value}}  the Russian label of an enumeration value from the kind's `enums`
 *   {{labels "enum" list}}  labels of several values, joined with ", "
 *   {{join list}}           values joined with ", "
 *   (eq a b)                equality, for {{#if}}
 * The root context must carry `settings` (instance settings; its time zone for instants) and `enums`.
 */

const MONTHS_GENITIVE = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];

export interface PersonName {
  lastName: string;
  firstName: string;
  middleName?: string;
}

/** `YYYY-MM-DD` of a date or an instant; instants are read in the time zone (a deadline at 23:59 Moscow is that day). */
function toLocalDate(value: unknown, timeZone: string): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return localDate(value, timeZone);
}

export function formatDate(value: unknown, timeZone: string, style: 'short' | 'long' = 'short'): string {
  const date = toLocalDate(value, timeZone);
  if (!date) return '';
  const [y, m, d] = date.split('-');
  if (style === 'long') return `${Number(d)} ${MONTHS_GENITIVE[Number(m) - 1]} ${y} г.`;
  return `${d}.${m}.${y}`;
}

export function fullName(person: PersonName | undefined): string {
  if (!person) return '';
  return [person.lastName, person.firstName, person.middleName].filter(Boolean).join(' ');
}

/** "И.О. Фамилия" — how Russian documents sign (GOST R 7.0.97-2016, 5.23). */
export function initials(person: PersonName | undefined): string {
  if (!person) return '';
  const letters = [person.firstName, person.middleName]
    .filter((p): p is string => Boolean(p))
    .map((p) => `${p.trim().charAt(0).toUpperCase()}.`)
    .join('');
  return `${letters} ${person.lastName}`.trim();
}

interface RootData {
  settings?: { timeZone?: string };
  enums?: Record<string, Record<string, string>>;
}

function root(options: Handlebars.HelperOptions): RootData {
  return (options.data?.root ?? {}) as RootData;
}

function labelOf(options: Handlebars.HelperOptions, enumName: unknown, value: unknown): string {
  const labels = root(options).enums?.[String(enumName)];
  const key = String(value ?? '');
  return labels?.[key] ?? key;
}

const env = Handlebars.create();

env.registerHelper('date', (value: unknown, ...rest: unknown[]) => {
  const options = rest.pop() as Handlebars.HelperOptions;
  const style = rest[0] === 'long' ? 'long' : 'short';
  return formatDate(value, root(options).settings?.timeZone ?? 'Europe/Moscow', style);
});
env.registerHelper('fullName', (person: PersonName | undefined) => fullName(person));
env.registerHelper('initials', (person: PersonName | undefined) => initials(person));
env.registerHelper('label', (enumName: unknown, value: unknown, options: Handlebars.HelperOptions) =>
  labelOf(options, enumName, value),
);
env.registerHelper('labels', (enumName: unknown, values: unknown, options: Handlebars.HelperOptions) =>
  (Array.isArray(values) ? values : []).map((v) => labelOf(options, enumName, v)).join(', '),
);
env.registerHelper('join', (values: unknown) => (Array.isArray(values) ? values.join(', ') : ''));
env.registerHelper('eq', (a: unknown, b: unknown) => a === b);

const compiled = new Map<string, Promise<Handlebars.TemplateDelegate>>();

async function template(relative: string): Promise<Handlebars.TemplateDelegate> {
  let t = compiled.get(relative);
  if (!t) {
    t = readTemplate(relative).then((source) => env.compile(source, { noEscape: true, strict: false }));
    t.catch(() => compiled.delete(relative));
    compiled.set(relative, t);
  }
  return t;
}

let partialsLoaded: Promise<void> | undefined;

/** Partials shared by the mail templates (`{{> signature}}`). */
function loadPartials(): Promise<void> {
  partialsLoaded ??= readTemplate('email/partials/signature.hbs').then((source) => {
    env.registerPartial('signature', source);
  });
  partialsLoaded.catch(() => {
    partialsLoaded = undefined;
  });
  return partialsLoaded;
}

/** Render `templates/<relative>` to plain text with the given context. */
export async function renderTemplate(relative: string, context: object): Promise<string> {
  await loadPartials();
  const t = await template(relative);
  return t(context).replace(/\r\n?/g, '\n');
}
