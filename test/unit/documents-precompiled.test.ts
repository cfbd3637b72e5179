import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKind } from '../../forms/registry';
import { provideRuntimeEnv } from '../../functions/config';
import { templateContext } from '../../functions/documents/render';
import {
  mailTemplates,
  pdfTemplates,
  renderMarkupText,
  renderTemplate,
  TemplateError,
  type TemplateFamily,
} from '../../functions/documents/templating';
import { renderFragment, webTemplates } from '../../functions/web/pages';
import {
  TEMPLATE_FAMILIES,
  templateFiles,
  writePrecompiledTemplates,
} from '../../infra/constructs/precompiled-templates';
import { loadInstance } from '../../infra/instances';
import { contextOf, DOCS } from '../bench/documents';
import { diagnosticsPayload, recordItem, stateOfFixture, withResults } from '../support/records';

/**
 * Bundles carry every template precompiled (infra/constructs/precompiled-templates.ts) and run them with
 * Handlebars' runtime alone; from the repository they are compiled from the .hbs. Both must give what Handlebars'
 * own `compile` gave before the runtime split — the same text and the same errors — with each family's options:
 * mail unescaped, web pages and PDF escaped, PDF strict where a value is printed.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const source = (relative: string) => readFileSync(join(ROOT, 'templates', relative), 'utf8');
const settings = loadInstance('smolensk');

/** The options each family was compiled with before templates were precompiled (the reference). */
const OPTIONS_BEFORE: Record<string, CompileOptions> = {
  pdf: { strict: false, noEscape: false, preventIndent: true },
  email: { noEscape: true, strict: false },
  web: { strict: false },
};

let precompiledDir: string;

beforeAll(async () => {
  // Pages print dates in the instance's zone (functions/config.ts).
  provideRuntimeEnv({
    INSTANCE_ID: 'smolensk',
    TABLE_NAME: 'records',
    BUCKET_NAME: 'documents',
    AWS_REGION: 'eu-central-1',
  });
  precompiledDir = mkdtempSync(join(tmpdir(), 'cpd-precompiled-test-'));
  writePrecompiledTemplates(precompiledDir);
  // Partials registered in the families' own (runtime) environments, as the renderers do.
  await Promise.all(TEMPLATE_FAMILIES.map((family) => family.loadPartials()));
});

afterAll(() => rmSync(precompiledDir, { recursive: true, force: true }));

/** A template as a bundle runs it: the file infra/constructs/precompiled-templates.ts wrote, in the family's runtime. */
function precompiled(family: TemplateFamily, relative: string): Handlebars.TemplateDelegate {
  return family.fromPrecompiled(readFileSync(join(precompiledDir, `${relative}.js`), 'utf8'));
}

/**
 * The same template as Handlebars' `compile` made it before: the full package, the family's helpers, the
 * partials registered as their text (compiled on first use with the caller's options), and the PDF code
 * generator.
 */
function compiledAsBefore(family: TemplateFamily, relative: string): Handlebars.TemplateDelegate {
  const env = Handlebars.create();
  for (const [name, helper] of Object.entries(family.env.helpers)) env.registerHelper(name, helper);
  for (const [name, file] of family.partialFiles) env.registerPartial(name, source(file));
  if (family.profile.codeGenerator) {
    const withGenerator = env as unknown as { JavaScriptCompiler: unknown };
    withGenerator.JavaScriptCompiler = family.profile.codeGenerator(withGenerator.JavaScriptCompiler);
  }
  return env.compile(source(relative), OPTIONS_BEFORE[family.folder]);
}

/** What a render gives: its text, or its error's message (both ways must fail alike). */
function outcome(t: Handlebars.TemplateDelegate, context: object): { text: string } | { error: string } {
  try {
    return { text: t(context) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

// --- Contexts made from a template's own expressions -------------------------------------------------------------

/** Printed values carry every character HTML escaping changes. */
const TEXT = `<b>«Школа» & 'Лицей' "№ 5"</b>`;
/** Helper arguments: a date and an instant at once, so {{date}} and {{dateTime}} print something. */
const ARGUMENT = '2026-11-22T10:15:00.000Z';

type Scope = Record<string, unknown>;

/** Set `parts` under `scope` unless present; `x.length` makes `x` a list of two items. Returns the value there. */
function ensure(scope: Scope, parts: string[], value: () => unknown): unknown {
  let at = scope;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (i === parts.length - 2 && parts[i + 1] === 'length') {
      if (!Array.isArray(at[part])) at[part] = [{}, {}];
      return at[part];
    }
    if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
    at = at[part] as Scope;
  }
  const last = parts[parts.length - 1]!;
  if (at[last] === undefined) at[last] = value();
  return at[last];
}

function pathIn(node: hbs.AST.Expression, scope: Scope, value: () => unknown): unknown {
  if (node.type === 'SubExpression') {
    fill(node as hbs.AST.SubExpression, scope);
    return undefined;
  }
  const path = node as hbs.AST.PathExpression;
  // @data, ../parent and `this` are the template's business, not the context's.
  if (node.type !== 'PathExpression' || path.data || path.depth > 0 || path.parts.length === 0)
    return undefined;
  return ensure(scope, path.parts, value);
}

/**
 * Fill `scope` so that every printed path has a value, every `{{#each}}` two items, every `{{#if}}` a truthy
 * value: the render then goes through each block's content; the context without them goes through the `else`s.
 */
function fill(node: hbs.AST.Node, scope: Scope): void {
  switch (node.type) {
    case 'Program':
      for (const statement of (node as hbs.AST.Program).body) fill(statement, scope);
      return;
    case 'MustacheStatement':
    case 'SubExpression': {
      const call = node as hbs.AST.MustacheStatement;
      const args = [...call.params, ...(call.hash?.pairs.map((p) => p.value) ?? [])];
      if (args.length === 0) pathIn(call.path as hbs.AST.Expression, scope, () => TEXT);
      for (const arg of args) pathIn(arg, scope, () => ARGUMENT);
      return;
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      const helper = (block.path as hbs.AST.PathExpression).original;
      const first = block.params[0];
      if ((helper === 'each' || helper === 'with') && first) {
        const value = pathIn(first, scope, () => (helper === 'each' ? [{}, {}] : {}));
        const items = Array.isArray(value) ? value : [value];
        for (const item of items) if (item && typeof item === 'object') fill(block.program, item as Scope);
      } else {
        for (const param of block.params) pathIn(param, scope, () => ARGUMENT);
        fill(block.program, scope);
      }
      if (block.inverse) fill(block.inverse, scope);
      return;
    }
    default:
      return;
  }
}

function filledContext(relative: string, base: Scope): Scope {
  const context = structuredClone(base);
  fill(Handlebars.parse(source(relative)), context);
  return context;
}

const BASE = { settings, enums: {} };

describe('precompiled templates', () => {
  it('precompiles every template of the project, each folder with its family (a syntax error fails the synth)', () => {
    const everyHbs = readdirSync(join(ROOT, 'templates'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => f.split('\\').join('/'))
      .sort();
    const precompiledFiles = readdirSync(precompiledDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.hbs.js'))
      .map((f) => f.split('\\').join('/').slice(0, -3))
      .sort();
    expect(precompiledFiles).toEqual(everyHbs);
    expect(TEMPLATE_FAMILIES.map((f) => f.folder).sort()).toEqual(['email', 'pdf', 'web']);
    for (const expected of [
      'pdf/route/route-card.hbs',
      'pdf/partials/letterhead.hbs',
      'email/partials/signature.hbs',
      'email/diagnostics-request/received.hbs',
      'web/layout.hbs',
      'web/reports/diagnostics.hbs',
    ])
      expect(everyHbs).toContain(expected);
    for (const relative of everyHbs)
      expect(readFileSync(join(precompiledDir, `${relative}.js`), 'utf8')).toMatch(/"main":/);
  });

  describe.each(['email', 'web', 'pdf'])('%s: every template renders as Handlebars compiled it', (folder) => {
    const family = TEMPLATE_FAMILIES.find((f) => f.folder === folder)!;
    it.each(templateFiles(folder))('%s', (relative) => {
      const filled = filledContext(relative, BASE);
      const now = precompiled(family, relative);
      const before = compiledAsBefore(family, relative);
      const full = outcome(now, filled);
      expect(full).toEqual(outcome(before, filled));
      // The filled context renders; without it the PDF templates fail alike on their first missing value.
      expect(full).toHaveProperty('text');
      expect(outcome(now, BASE)).toEqual(outcome(before, BASE));
      // PDF: strict where a value is printed.
      if (folder === 'pdf')
        expect(outcome(now, {})).toEqual({ error: expect.stringMatching(/" not defined in/) });
    });
  });

  it('keeps each family escaping as before: mail raw, web pages and PDF escaped', () => {
    const mail = outcome(precompiled(mailTemplates, 'email/partials/signature.hbs'), {
      settings: { ...settings, centre: { full: TEXT } },
    });
    expect(mail).toEqual({ text: expect.stringContaining(TEXT) });
    const escaped = Handlebars.escapeExpression(TEXT);
    const letterhead = outcome(precompiled(pdfTemplates, 'pdf/partials/letterhead.hbs'), {
      settings: { ...settings, institute: { ...settings.institute, full: TEXT } },
    });
    expect(letterhead).toEqual({ text: expect.stringContaining(escaped) });
    const page = outcome(precompiled(webTemplates, 'web/error.hbs'), filledContext('web/error.hbs', BASE));
    expect(page).toEqual({ text: expect.stringContaining(escaped) });
    expect(page).not.toEqual({ text: expect.stringContaining(TEXT) });
    const layout = precompiled(
      webTemplates,
      'web/layout.hbs',
    )({
      ...BASE,
      title: TEXT,
      body: new Handlebars.SafeString('<p>Тело страницы</p>'),
    });
    expect(layout).toContain(`<title>${escaped} — `);
    expect(layout).toContain('<main id="main" class="wrap" tabindex="-1">\n<p>Тело страницы</p>\n</main>');
  });

  it('gives the same mails as before from real contexts, signature included', async () => {
    const kind = findKind('diagnostics-request')!;
    const record = recordItem({
      stage: 'submitted',
      payload: {
        ...withResults(diagnosticsPayload('m.ivanova@school.example.ru')),
        rejection: { reason: 'A & <B>' },
      },
      at: new Date('2026-11-20T08:00:00Z'),
      dueAt: '2026-11-25T20:59:59.999Z',
    });
    const context = {
      ...templateContext(kind, stateOfFixture(record), settings),
      link: 'https://forms.example/l/token',
      linkValidUntil: '2026-12-20T08:00:00Z',
    };
    const mails = [...templateFiles('email/diagnostics-request'), ...templateFiles('email/common')];
    expect(mails.length).toBeGreaterThan(5);
    for (const relative of mails) {
      const text = precompiled(mailTemplates, relative)(context);
      expect(text, relative).toBe(compiledAsBefore(mailTemplates, relative)(context));
      // The repository's path (compiled from the .hbs) is the same code.
      expect((await renderTemplate(relative, context)).trimEnd(), relative).toBe(
        text.replace(/\r\n?/g, '\n').trimEnd(),
      );
      expect(text, relative).toContain(settings.institute.full);
    }
  });

  it('gives the same page fragments as before from the repository path', async () => {
    const context = filledContext('web/reports/diagnostics.hbs', BASE);
    const fragment = await renderFragment('reports/diagnostics', context);
    expect(fragment.toHTML()).toBe(compiledAsBefore(webTemplates, 'web/reports/diagnostics.hbs')(context));
    expect(fragment.toHTML()).toContain('22 ноября 2026 г.');
  });

  it.each(DOCS)('gives the same markup as the compiled template: %s', async (doc) => {
    const context = contextOf(doc);
    const relative =
      doc === 'route-card'
        ? 'pdf/route/route-card.hbs'
        : 'pdf/collective-diagnostics-request/consent-sheet.hbs';
    const compiled = await renderMarkupText(relative, context);
    expect(precompiled(pdfTemplates, relative)(context)).toBe(compiled);
    expect(compiledAsBefore(pdfTemplates, relative)(context)).toBe(compiled);
    expect(compiled.length).toBeGreaterThan(1000);
  });

  it('keeps the line of a missing printed value, and reports a syntax error with its file and line', () => {
    const t = pdfTemplates.fromPrecompiled(
      pdfTemplates.precompile(Handlebars, 'pdf/x.hbs', '<p>{{payload.a}}</p>\n<p>{{payload.b}}</p>'),
    );
    expect(() => t({ payload: { a: 'есть' } })).toThrow(expect.objectContaining({ lineNumber: 2 }));
    for (const family of TEMPLATE_FAMILIES) {
      const relative = `${family.folder}/broken.hbs`;
      let error: unknown;
      try {
        family.precompile(Handlebars, relative, '<p>\n{{#if a}}x\n</p>');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TemplateError);
      expect(error).toMatchObject({ file: `templates/${relative}`, line: 3 });
    }
  });
});
