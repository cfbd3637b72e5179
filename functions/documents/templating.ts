import Handlebars from 'handlebars/runtime';
import { MONTHS_GENITIVE } from '../core/ru-text';
import { localDate } from '../core/working-days';
import { listTemplates, readPrecompiled, readTemplate } from './assets';
import {
  type CodeGenerator,
  type CompileProfile,
  type HandlebarsCompiler,
  loadCompiler,
  parseTemplate,
  precompileTemplate,
} from './handlebars-compiler';
import type { Locate } from './markup';

/**
 * Handlebars for documents, mail and pages: three families of templates (`TemplateFamily`), each with its own
 * environment and compile options, all run by Handlebars' runtime. A deployment carries every template
 * precompiled (infra/constructs/precompiled-templates.ts); from the repository they are compiled from their .hbs
 * through handlebars-compiler.ts, the only way to Handlebars' compiler.
 *   - Mail (`renderTemplate`): plain text, no HTML escaping (the mail's HTML part is escaped separately);
 *     partials from `templates/email/partials/*.hbs` (`{{> signature}}`).
 *   - PDF (`renderMarkup`): the HTML subset of markup.ts; values are HTML-escaped, so a payload cannot inject
 *     markup; `{{path}}` printing a field the context lacks is an error with the file and line (inside `{{#if}}`
 *     and helper arguments a missing field is simply empty); partials from `templates/pdf/partials/*.hbs`
 *     (`{{> letterhead}}`, `{{> signature-block role="…" name=(initials person)}}`).
 *   - Web pages: functions/web/pages.ts, its own family and helpers.
 *
 * Helpers of mail and PDF:
 *   {{date value}}          22.11.2026           (value: `YYYY-MM-DD` or an ISO instant, read in the instance's zone)
 *   {{date value "long"}}   22 ноября 2026 г.
 *   {{fullName person}}     Иванова Мария Петровна
 *   {{initials person}}     М.П. Иванова         (signature lines)
 *   {{label "enum" value}}  the Russian label of an enumeration value from the kind's `enums`
 *   {{labels "enum" list}}  labels of several values, joined with ", "
 *   {{join list}}           values joined with ", "
 *   {{plural n "учитель" "учителя" "учителей"}}   1 учитель, 2 учителя, 5 учителей (the number, then the word)
 *   {{pluralWord n "учитель" "учителя" "учителей"}}   the word alone
 *   {{number x}}            12 345,5 (Russian grouping and decimal comma); {{number x 2}} with two decimals
 *   {{dateTime value}}      22.11.2026 14:05     (an instant, in the instance's zone)
 *   {{inc @index}}          @index + 1 (row numbers)
 *   (eq a b) (ne a b) (and a b) (or a b) (not a) (gt a b) (lt a b)   for {{#if}}
 * The root context must carry `settings` (instance settings; its time zone for instants) and `enums`.
 */

/**
 * What `handlebars/runtime` has: Handlebars without its compiler. The package types the runtime as the whole
 * of Handlebars, so `compile` would typecheck here and fail in a deployment; this type leaves it out.
 */
export type HandlebarsRuntime = Omit<
  typeof Handlebars,
  'compile' | 'precompile' | 'parse' | 'parseWithoutProcessing' | 'create'
> & { create(): HandlebarsRuntime };

const runtime: HandlebarsRuntime = Handlebars;

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

/** The plural form of a count in Russian: 1 учитель, 2–4 учителя, 5–20 учителей, 21 учитель, 1,5 учителя. */
export function pluralWord(n: number, one: string, few: string, many: string): string {
  if (!Number.isInteger(n)) return few;
  const abs = Math.abs(n);
  const mod10 = abs % 10;
  const mod100 = abs % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

const numberFormats = new Map<number, Intl.NumberFormat>();

/** 12 345,5 — Russian grouping (a no-break space) and decimal comma; `digits` fixes the decimals. */
export function formatNumber(value: unknown, digits?: number): string {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === undefined || value === null || value === '' || !Number.isFinite(n)) return '';
  const key = digits ?? -1;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(
      'ru-RU',
      digits === undefined
        ? { maximumFractionDigits: 2 }
        : { minimumFractionDigits: digits, maximumFractionDigits: digits },
    );
    numberFormats.set(key, format);
  }
  // ICU groups with U+202F (narrow no-break space) in some versions; the fonts have U+00A0 for sure.
  return format.format(n).replace(/\u202f/g, '\u00a0');
}

/** `{{label}}` with no arguments is the helper, not a field named `label`: say so instead of failing obscurely. */
function needsArguments(name: string, args: unknown[]): void {
  if (args.length <= 1)
    throw new Error(
      `помощник {{${name}}} вызван без аргументов; поле с таким именем выводите как {{this.${name}}}`,
    );
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** The zone's UTC offset in minutes during the half hour of `ms` (zones change offset on whole or half hours). */
function offsetMinutes(ms: number, timeZone: string): number {
  const hour = Math.floor(ms / 1_800_000);
  const key = `${timeZone}|${hour}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    let format = offsetFormats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      });
      offsetFormats.set(timeZone, format);
    }
    const at = hour * 1_800_000;
    const p = Object.fromEntries(format.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
    const wall = Date.UTC(
      Number(p.year),
      Number(p.month) - 1,
      Number(p.day),
      Number(p.hour),
      Number(p.minute),
    );
    offset = Math.round((wall - at) / 60_000);
    if (offsets.size > 10_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** "22.11.2026 14:05" of an instant in the instance's time zone. */
export function formatDateTime(value: unknown, timeZone: string): string {
  if (typeof value !== 'string' || value === '') return '';
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return '';
  const local = new Date(ms + offsetMinutes(ms, timeZone) * 60_000).toISOString();
  return `${local.slice(8, 10)}.${local.slice(5, 7)}.${local.slice(0, 4)} ${local.slice(11, 16)}`;
}

function registerHelpers(env: HandlebarsRuntime): void {
  // Helpers that need an argument refuse to run without one (`{{label}}` inside a row with a `label` field).
  const helper = (name: string, fn: (...args: unknown[]) => unknown) =>
    env.registerHelper(name, (...args: unknown[]) => {
      needsArguments(name, args);
      return fn(...args);
    });
  const zone = (options: unknown) =>
    root(options as Handlebars.HelperOptions).settings?.timeZone ?? 'Europe/Moscow';
  helper('date', (value: unknown, ...rest: unknown[]) => {
    const options = rest.pop();
    const style = rest[0] === 'long' ? 'long' : 'short';
    return formatDate(value, zone(options), style);
  });
  helper('dateTime', (value: unknown, options: unknown) => formatDateTime(value, zone(options)));
  helper('fullName', (person: unknown) => fullName(person as PersonName | undefined));
  helper('initials', (person: unknown) => initials(person as PersonName | undefined));
  helper('label', (enumName: unknown, value: unknown, options: unknown) =>
    labelOf(options as Handlebars.HelperOptions, enumName, value),
  );
  helper('labels', (enumName: unknown, values: unknown, options: unknown) =>
    (Array.isArray(values) ? values : [])
      .map((v) => labelOf(options as Handlebars.HelperOptions, enumName, v))
      .join(', '),
  );
  helper('join', (values: unknown) => (Array.isArray(values) ? values.join(', ') : ''));
  helper('plural', (n: unknown, one: unknown, few: unknown, many: unknown) => {
    const count = Number(n);
    return `${formatNumber(count)} ${pluralWord(count, String(one), String(few), String(many))}`;
  });
  helper('pluralWord', (n: unknown, one: unknown, few: unknown, many: unknown) =>
    pluralWord(Number(n), String(one), String(few), String(many)),
  );
  helper('number', (value: unknown, ...rest: unknown[]) => {
    rest.pop();
    return formatNumber(value, typeof rest[0] === 'number' ? rest[0] : undefined);
  });
  helper('inc', (value: unknown) => Number(value) + 1);
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  env.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  env.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  env.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  env.registerHelper('not', (a: unknown) => !a);
  env.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  env.registerHelper('lt', (a: unknown, b: unknown) => Number(a) < Number(b));
}

// ---------------------------------------------------------------------------------------------------------------
// Families of templates.

/** A template error: the file under templates/ and the line. */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`Ошибка шаблона ${file}${line ? `, строка ${line}` : ''}: ${reason}`);
    this.name = 'TemplateError';
  }
}

interface HandlebarsException {
  message: string;
  lineNumber?: number;
  column?: number;
  /** Set by the partial wrapper: the partial the error came from. */
  templateFile?: string;
}

/** Errors inside a partial name the partial's file. */
function wrapPartial(file: string, t: Handlebars.TemplateDelegate): Handlebars.TemplateDelegate {
  return (context, options) => {
    try {
      return t(context, options);
    } catch (error) {
      const e = error as HandlebarsException;
      if (e && typeof e === 'object' && !e.templateFile) e.templateFile = file;
      throw error;
    }
  };
}

/**
 * The templates of one folder under templates/, compiled with one profile and run in one environment (helpers,
 * partials) of Handlebars' runtime. In a bundle each template is loaded precompiled (assets.ts
 * `readPrecompiled`; infra/constructs/precompiled-templates.ts writes every family's folder with its profile);
 * from the repository it is compiled from its .hbs into the same JavaScript a bundle carries and evaluated, so
 * both run the same code.
 */
export class TemplateFamily {
  /** The family's helpers and partials. */
  readonly env: HandlebarsRuntime = runtime.create();
  /** Partial name → its file under templates/ (sources are read again only on the error paths). */
  readonly partialFiles = new Map<string, string>();
  private readonly templates = new Map<string, Promise<Handlebars.TemplateDelegate>>();
  private partialsLoaded: Promise<void> | undefined;

  constructor(
    /** Its folder under templates/: `pdf`, `email` or `web`. */
    readonly folder: string,
    readonly profile: CompileProfile,
    /** A folder under templates/ whose `<name>.hbs` files are the partials `{{> name}}`. */
    private readonly partialsDir?: string,
  ) {}

  /** `templates/<relative>`, loaded once per process. */
  template(relative: string): Promise<Handlebars.TemplateDelegate> {
    let t = this.templates.get(relative);
    if (!t) {
      t = this.load(relative);
      t.catch(() => this.templates.delete(relative));
      this.templates.set(relative, t);
    }
    return t;
  }

  private async load(relative: string): Promise<Handlebars.TemplateDelegate> {
    // In a bundle a template without its precompiled form is an error there (a deployment fault), named.
    const spec = await readPrecompiled(relative);
    if (spec !== undefined) return this.fromPrecompiled(spec);
    return this.compile(relative, await readTemplate(relative));
  }

  /** A template from its text, named `templates/<relative>` in errors; needs Handlebars' compiler. */
  async compile(relative: string, source: string): Promise<Handlebars.TemplateDelegate> {
    const hb = await loadCompiler();
    if (!hb)
      throw new Error(
        `templates/${relative} is not precompiled, and Handlebars' compiler is not installed here: ` +
          'a deployment runs precompiled templates only (infra/constructs/precompiled-templates.ts)',
      );
    return this.fromPrecompiled(this.precompile(hb, relative, source));
  }

  /**
   * A template as the JavaScript source of its spec, compiled with this family's profile (what a bundle
   * carries). A syntax error is a TemplateError with the file and line, and fails the bundling.
   */
  precompile(hb: HandlebarsCompiler, relative: string, source: string): string {
    let program: hbs.AST.Program;
    try {
      // Parsed first, so a syntax error names its file and line rather than surfacing at the first render.
      program = parseTemplate(hb, source);
    } catch (error) {
      const e = error as HandlebarsException;
      const line = e.lineNumber ?? Number(/on line (\d+)/.exec(e.message)?.[1] ?? Number.NaN);
      throw new TemplateError(`templates/${relative}`, Number.isNaN(line) ? undefined : line, e.message);
    }
    return precompileTemplate(hb, this.profile, program);
  }

  /** A template from `precompile`'s output. */
  fromPrecompiled(spec: string): Handlebars.TemplateDelegate {
    // The spec is the precompiler's output (the bundle's own assets, or made just now from a .hbs), never user
    // input.
    const templateSpec = new Function(`return ${spec};`)() as TemplateSpecification;
    return this.env.template(templateSpec);
  }

  /** Register the partials (once; again after a failure). */
  loadPartials(): Promise<void> {
    const dir = this.partialsDir;
    if (dir === undefined) return Promise.resolve();
    this.partialsLoaded ??= (async () => {
      for (const name of await listTemplates(dir)) {
        if (!name.endsWith('.hbs')) continue;
        const relative = `${dir}/${name}`;
        const partial = name.slice(0, -4);
        // Registered as templates: the runtime cannot compile a partial given as text.
        this.env.registerPartial(
          partial,
          wrapPartial(`templates/${relative}`, await this.template(relative)),
        );
        this.partialFiles.set(partial, relative);
      }
    })();
    this.partialsLoaded.catch(() => {
      this.partialsLoaded = undefined;
    });
    return this.partialsLoaded;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Mail: plain text, lenient.

export const mailTemplates = new TemplateFamily(
  'email',
  { options: { noEscape: true, strict: false } },
  'email/partials',
);
registerHelpers(mailTemplates.env);

/** Render `templates/<relative>` to plain text with the given context. */
export async function renderTemplate(relative: string, context: object): Promise<string> {
  await mailTemplates.loadPartials();
  const t = await mailTemplates.template(relative);
  return t(context).replace(/\r\n?/g, '\n');
}

// ---------------------------------------------------------------------------------------------------------------
// PDF: HTML-subset markup, escaped, strict where a value is printed.

interface CompilerInternals {
  resolvePath(type: string, parts: string[], start: number, falsy: boolean, strict: boolean): void;
  popStack(): unknown;
  push(expr: unknown): void;
  aliasable(name: string): unknown;
  quotedString(s: string): unknown;
  nameLookup(parent: unknown, name: string, type: string): unknown;
  source: { currentLocation?: unknown };
  options: { strict?: boolean };
}

/**
 * A code generator that is strict only where a value is printed (`{{payload.x}}`): intermediate objects may be
 * missing everywhere (helpers and `{{#if}}` get undefined, as without strict mode), but the last name of a
 * printed path must exist — otherwise Handlebars throws '"x" not defined' with the line and column.
 */
function printStrictCompiler(base: CodeGenerator): CodeGenerator {
  const Compiler = function (this: unknown) {
    // biome-ignore lint/complexity/noArguments: the Handlebars compiler is an ES5 constructor
    (base as unknown as (...a: unknown[]) => void).apply(this, arguments as unknown as unknown[]);
  } as unknown as CodeGenerator;
  Compiler.prototype = Object.create(base.prototype) as CodeGenerator['prototype'];
  const proto = Compiler.prototype as unknown as CompilerInternals & { compiler: unknown };
  proto.compiler = Compiler;
  const original = (base.prototype as unknown as CompilerInternals).resolvePath;
  proto.resolvePath = function (this: CompilerInternals, type, parts, start, falsy, strict) {
    if (!strict || type !== 'context' || parts.length <= start) {
      original.call(this, type, parts, start, falsy, false);
      return;
    }
    original.call(this, type, parts.slice(0, -1), start, falsy, false);
    const last = parts[parts.length - 1]!;
    const loc = this.source.currentLocation ? JSON.stringify(this.source.currentLocation) : 'undefined';
    const current = this.popStack();
    this.push([
      this.aliasable('container.strict'),
      '(',
      current,
      ', ',
      this.quotedString(last),
      ', ',
      loc,
      ')',
    ]);
  };
  return Compiler;
}

export const pdfTemplates = new TemplateFamily(
  'pdf',
  {
    options: { strict: false, noEscape: false, preventIndent: true },
    codeGenerator: printStrictCompiler,
  },
  'pdf/partials',
);
registerHelpers(pdfTemplates.env);

/** Run a PDF template to markup (no parsing); errors become TemplateError with the file and line. */
export async function renderMarkupText(relative: string, context: object): Promise<string> {
  await pdfTemplates.loadPartials();
  return runPdf(await pdfTemplates.template(relative), relative, context, () => readTemplate(relative));
}

/**
 * Run a PDF template given as text (tests, previews); `relative` names it in errors as if it were under
 * templates/. It is compiled here, so it needs Handlebars' compiler (the repository, not a deployment).
 */
export async function renderMarkupSource(source: string, relative: string, context: object): Promise<string> {
  await pdfTemplates.loadPartials();
  return runPdf(await pdfTemplates.compile(relative, source), relative, context, async () => source);
}

async function runPdf(
  t: Handlebars.TemplateDelegate,
  relative: string,
  context: object,
  source: () => Promise<string>,
): Promise<string> {
  try {
    return t(context);
  } catch (error) {
    const e = error as HandlebarsException;
    if (error instanceof TemplateError) throw error;
    const file = e.templateFile ?? `templates/${relative}`;
    const missing = /^"(.+)" not defined in/.exec(e.message ?? '');
    let reason = e.message ?? String(error);
    if (missing) {
      const text = file === `templates/${relative}` ? await source() : await readPartialSource(file);
      const expression = expressionAt(text, e.lineNumber, e.column) ?? missing[1];
      reason = `значение {{${expression}}} не задано (необязательное поле выводите внутри {{#if}})`;
    }
    throw new TemplateError(file, e.lineNumber, reason);
  }
}

async function readPartialSource(file: string): Promise<string | undefined> {
  const relative = [...pdfTemplates.partialFiles.values()].find((rel) => `templates/${rel}` === file);
  return relative === undefined ? undefined : readTemplate(relative);
}

/** The `{{…}}` expression at a line and column of a template, for error messages. */
function expressionAt(source: string | undefined, line?: number, column?: number): string | undefined {
  const text = source?.split('\n')[(line ?? 0) - 1];
  if (text === undefined || column === undefined) return undefined;
  const open = text.lastIndexOf('{{', column);
  const close = text.indexOf('}}', column);
  if (open === -1 || close === -1) return undefined;
  return text.slice(open + 2, close).trim();
}

// Instrumented rendering, only after a markup error: every template line starts with a marker naming its file
// and line, so a position in the output maps back to the template (and partial) that produced it.
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARKER = /\uE000(\d+):(\d+)\uE001/g;

/** Insert a line marker at the start of every line that does not begin inside a `{{…}}`. */
export function instrument(source: string, fileId: number): string {
  let out = `${MARK_OPEN}${fileId}:1${MARK_CLOSE}`;
  let depth = 0;
  let line = 1;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '{' && source[i + 1] === '{') {
      depth += 1;
      out += '{{';
      i += 1;
      continue;
    }
    if (ch === '}' && source[i + 1] === '}' && depth > 0) {
      depth -= 1;
      out += '}}';
      i += 1;
      continue;
    }
    out += ch;
    if (ch === '\n') {
      line += 1;
      if (depth === 0) out += `${MARK_OPEN}${fileId}:${line}${MARK_CLOSE}`;
    }
  }
  return out;
}

/** Output without markers, and where each marker stood in it. */
export function stripMarkers(text: string): {
  text: string;
  marks: Array<{ at: number; file: number; line: number }>;
} {
  const marks: Array<{ at: number; file: number; line: number }> = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    out += text.slice(last, m.index);
    marks.push({ at: out.length, file: Number(m[1]), line: Number(m[2]) });
    last = m.index + m[0].length;
  }
  out += text.slice(last);
  return { text: out, marks };
}

/**
 * Render again with line markers to find which template line produced a markup error at `offset`. The
 * instrumented text is compiled here, so this needs Handlebars' compiler: where it is absent (a deployment) this
 * returns without calling `parse`, and the caller reports the error with the template's file and no line.
 */
export async function locateInTemplate(
  relative: string,
  context: object,
  parse: (markup: string, locate: Locate) => unknown,
  source?: string,
): Promise<void> {
  const hb = await loadCompiler();
  if (!hb) return;
  const files = [`templates/${relative}`];
  const traceEnv = hb.create();
  registerHelpers(traceEnv);
  const withGenerator = traceEnv as unknown as { JavaScriptCompiler: CodeGenerator };
  withGenerator.JavaScriptCompiler = printStrictCompiler(withGenerator.JavaScriptCompiler);
  for (const [name, rel] of pdfTemplates.partialFiles) {
    files.push(`templates/${rel}`);
    traceEnv.registerPartial(name, instrument(await readTemplate(rel), files.length - 1));
  }
  const main = traceEnv.compile(instrument(source ?? (await readTemplate(relative)), 0), {
    preventIndent: true,
  });
  const { text, marks } = stripMarkers(main(context));
  parse(text, (offset) => {
    let best = { file: 0, line: 1 };
    for (const m of marks) {
      if (m.at > offset) break;
      best = m;
    }
    return { file: files[best.file] ?? files[0]!, line: best.line };
  });
}
