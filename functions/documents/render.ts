import { now } from '../adapters/clock';
import type { InstanceSettings } from '../core/instance-settings';
import type { KindDefinition, RecordState } from '../core/kind';
import { type DrawOptions, drawPdf, type PdfInfo } from './draw';
import { documentFonts, type FontSet, MissingGlyphError } from './fonts';
import { type LaidPage, layoutDocument } from './layout';
import { type Block, type DocumentTree, type Inline, MarkupError, parseMarkup } from './markup';
import { locateInTemplate, renderMarkupSource, renderMarkupText, TemplateError } from './templating';

/**
 * Documents of a record: `templates/pdf/<kind>/<template>.hbs` → Handlebars → HTML-subset markup → document
 * tree (markup.ts) → pages of boxes (layout.ts) → PDF (draw.ts). A4 with GOST R 7.0.97-2016 margins, PT Serif.
 * Every template problem is a TemplateError naming the file and line.
 */

/** How a document refers to its record when the kind has no registration number. */
export function recordReference(record: Pick<RecordState, 'id' | 'number'>): string {
  return record.number ?? record.id.slice(0, 8);
}

/** What every template sees: the record, its payload, the kind's labels and enumerations, the instance. */
export function templateContext(
  kind: KindDefinition<unknown>,
  record: RecordState<unknown>,
  settings: InstanceSettings,
) {
  return {
    record,
    payload: record.payload,
    ref: recordReference(record),
    kind: { kind: kind.kind, title: kind.title },
    stageTitle: kind.stages[record.stage]?.title ?? record.stage,
    settings,
    labels: kind.labels ?? {},
    enums: kind.enums ?? {},
    /** The kind's own computed values (KindDefinition.templateData). */
    data: kind.templateData?.(record, settings) ?? {},
  };
}

/** Markup of a template → document tree; a markup error names the template line that produced it. */
export async function renderTree(template: string, context: object, source?: string): Promise<DocumentTree> {
  const markup =
    source === undefined
      ? await renderMarkupText(template, context)
      : await renderMarkupSource(source, template, context);
  try {
    return parseMarkup(markup, `templates/${template}`);
  } catch (error) {
    if (!(error instanceof MarkupError)) throw error;
    // Find the template line: render again with line markers (only on this error path).
    try {
      await locateInTemplate(
        template,
        context,
        (text, locate) => parseMarkup(text, `templates/${template}`, locate),
        source,
      );
    } catch (located) {
      if (located instanceof MarkupError) throw new TemplateError(located.file, located.line, located.reason);
      throw located;
    }
    throw new TemplateError(error.file, undefined, error.reason);
  }
}

function documentTemplate(kind: KindDefinition<unknown>, docName: string): string {
  const definition = kind.documents[docName];
  if (!definition) throw new Error(`Document ${docName} is not declared by ${kind.kind}`);
  return `pdf/${kind.kind}/${definition.template}.hbs`;
}

function documentContext(
  kind: KindDefinition<unknown>,
  docName: string,
  record: RecordState<unknown>,
  settings: InstanceSettings,
) {
  return {
    ...templateContext(kind, record, settings),
    document: {
      name: docName,
      title: kind.documents[docName]?.title ?? docName,
      // One template for several documents (passport-1..3 of an internship application): kind.ts `params`.
      params: kind.documents[docName]?.params ?? {},
    },
  };
}

/** Tree → PDF bytes; a character no font has is a template error naming it and the template. */
export async function treeToPdf(
  tree: DocumentTree,
  template: string,
  info: PdfInfo,
  options: DrawOptions = {},
): Promise<Uint8Array> {
  const fonts = await documentFonts();
  let pages: LaidPage[];
  try {
    pages = layoutDocument(tree, fonts);
  } catch (error) {
    // Every character is measured in layout: one that neither PT Serif nor DejaVu Sans has is a template error.
    if (error instanceof MissingGlyphError)
      throw new TemplateError(`templates/${template}`, undefined, `${error.message} (PT Serif, DejaVu Sans)`);
    throw error;
  }
  return drawPdf(pages, fonts, info, options);
}

/**
 * The context with every string value as the fonts can print it (FontSet.printableText); objects are copied only
 * along the paths where something changed, and an object met twice (the record and its payload) is walked once.
 */
export function printableContext<T>(value: T, fonts: FontSet, seen = new Map<object, unknown>()): T {
  if (typeof value === 'string') return fonts.printableText(value) as T;
  if (!value || typeof value !== 'object') return value;
  const done = seen.get(value);
  if (done !== undefined) return done as T;
  let result: unknown = value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = printableContext(value[i], fonts, seen);
      if (next !== value[i]) {
        copy ??= value.slice();
        copy[i] = next;
      }
    }
    result = copy ?? value;
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key in record) {
      const next = printableContext(record[key], fonts, seen);
      if (next !== record[key]) {
        copy ??= { ...record };
        copy[key] = next;
      }
    }
    result = copy ?? value;
  }
  seen.set(value, result);
  return result as T;
}

/**
 * The parts of a template context that are the same objects render after render (templateContext): the instance's
 * settings and the kind's labels and enums. Their printable form is kept, so a warm function walks only the
 * record and the kind's computed data (the static parts were ≈ 30 % of the walk).
 */
const STATIC_CONTEXT_KEYS = ['settings', 'labels', 'enums'] as const;
const printableStatic = new WeakMap<object, unknown>();

/** Template → PDF bytes; values a record holds are printed as the fonts can (printableContext). */
export async function renderPdf(template: string, context: object, info: PdfInfo): Promise<Uint8Array> {
  const fonts = await documentFonts();
  const seen = new Map<object, unknown>();
  for (const key of STATIC_CONTEXT_KEYS) {
    const part = (context as Record<string, unknown>)[key];
    if (!part || typeof part !== 'object') continue;
    let printable = printableStatic.get(part);
    if (printable === undefined) {
      printable = printableContext(part, fonts);
      printableStatic.set(part, printable);
    }
    seen.set(part, printable);
  }
  const printable = printableContext(context, fonts, seen);
  return treeToPdf(await renderTree(template, printable), template, info);
}

/** The plain text of a document tree, block by block (for tests and previews). */
export function treeText(tree: DocumentTree): string {
  const out: string[] = [];
  const inline = (list: Inline[]) =>
    list
      .map((i) =>
        i.t === 'text' ? i.text : i.t === 'br' ? '\n' : i.t === 'checkbox' ? (i.checked ? '☑' : '☐') : '',
      )
      .join('');
  const walk = (blocks: Block[]) => {
    for (const b of blocks) {
      if (b.t === 'p' || b.t === 'h') out.push(inline(b.inlines));
      else if (b.t === 'list') for (const item of b.items) walk(item);
      else if (b.t === 'table')
        for (const row of [...b.head, ...b.body]) for (const cell of row.cells) walk(cell.blocks);
      else if (b.t === 'signature') out.push(`${b.role} ${b.name}${b.date ? ` ${b.date}` : ''}`);
      else if (b.t === 'chart') {
        if (b.title) out.push(b.title);
        for (const bar of b.bars) out.push(`${bar.label} ${bar.value}`);
      }
    }
  };
  walk(tree.body);
  return out.join('\n');
}

/** The text of a document, before layout (exposed for tests and previews). */
export async function renderDocumentText(
  kind: KindDefinition<unknown>,
  docName: string,
  record: RecordState<unknown>,
  settings: InstanceSettings,
): Promise<string> {
  const template = documentTemplate(kind, docName);
  return treeText(await renderTree(template, documentContext(kind, docName, record, settings)));
}

/**
 * A PDF from any template under templates/ and a context of the caller's making (a public register is not one
 * record's document). Same engine as record documents.
 */
export async function renderTemplateToPdf(
  template: string,
  context: object,
  meta: { title: string; author: string; date: Date; subject?: string },
): Promise<Uint8Array> {
  return renderPdf(template, context, {
    title: meta.title,
    author: meta.author,
    subject: meta.subject ?? meta.title,
    created: meta.date,
    language: 'ru',
  });
}

export async function renderDocument(
  kind: KindDefinition<unknown>,
  docName: string,
  record: RecordState<unknown>,
  settings: InstanceSettings,
): Promise<Uint8Array> {
  const template = documentTemplate(kind, docName);
  const title = kind.documents[docName]?.title ?? docName;
  return renderPdf(template, documentContext(kind, docName, record, settings), {
    title,
    author: settings.institute.short,
    subject: `${kind.title}, № ${recordReference(record)}`,
    created: now(),
    language: 'ru',
  });
}
