import { Parser } from 'htmlparser2';

/**
 * Step 1 of 3: the HTML subset a PDF template produces → a document tree. Pure; no fonts, no geometry.
 *
 * Elements (anything else is an error naming the file and line, never dropped):
 *   blocks   h1 h2 h3 p ul ol li table thead tbody tr th td hr <page-break/> <signature/> <bar-chart> <bar/>
 *            <header> <footer> (running, on every page; the footer defaults to "стр. N из M")
 *   inline   strong b em i u br <checkbox checked/> <page-number/> <page-count/> (the last two in header/footer)
 * Attributes: `class` on blocks and cells — `left|center|right|justify` (alignment), `small` (10 pt), `indent`
 * (first-line indent 1.25 cm), `plain` on a table (no rules); `colspan` and `width` (`30%`, `25mm`, `40pt`) on
 * th/td; `start` on ol; `role`, `name`, `date`, `seal` on signature; `title`, `unit`, `max` on bar-chart;
 * `label`, `value` on bar; `checked` on checkbox.
 * Every tag except br and hr is closed explicitly (`</p>`) or self-closed (`<page-break/>`).
 */

export const STYLE_BOLD = 1;
export const STYLE_ITALIC = 2;
export const STYLE_UNDERLINE = 4;
/** Bit set of STYLE_*: 0 regular, 1 bold, 2 italic, 3 bold italic; 4 adds an underline. */
export type StyleBits = number;

export type Align = 'left' | 'center' | 'right' | 'justify';

export type Inline =
  | { t: 'text'; text: string; style: StyleBits }
  | { t: 'br' }
  | { t: 'checkbox'; checked: boolean; style: StyleBits }
  | { t: 'page-number'; style: StyleBits }
  | { t: 'page-count'; style: StyleBits };

export interface BlockOptions {
  align: Align;
  small: boolean;
  indent: boolean;
}

/** A column width: a fraction of the table (`30%` → 0.3) or points. */
export type Width = { fraction: number } | { points: number };

export interface Cell {
  header: boolean;
  colspan: number;
  width?: Width;
  opts: BlockOptions;
  blocks: Block[];
}

export interface Row {
  cells: Cell[];
}

export type Block =
  | ({ t: 'p'; inlines: Inline[] } & BlockOptions)
  | ({ t: 'h'; level: 1 | 2 | 3; inlines: Inline[] } & BlockOptions)
  | { t: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { t: 'table'; plain: boolean; head: Row[]; body: Row[] }
  | { t: 'hr' }
  | { t: 'page-break' }
  | { t: 'signature'; role: string; name: string; date?: string; seal: boolean }
  | { t: 'chart'; title?: string; unit: string; max?: number; bars: Array<{ label: string; value: number }> };

export interface DocumentTree {
  header?: Block[];
  footer?: Block[];
  body: Block[];
}

/** A template error: what is wrong, in which file, on which line. */
export class MarkupError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}, строка ${line}: ${reason}`);
    this.name = 'MarkupError';
  }
}

/** Maps a position in the markup to a file and line (the template's own lines when the markup is instrumented). */
export type Locate = (offset: number) => { file: string; line: number };

export function locateByLines(file: string, source: string): Locate {
  return (offset) => {
    let line = 1;
    for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line += 1;
    return { file, line };
  };
}

const ALIGN_CLASSES = new Set(['left', 'center', 'right', 'justify']);
const BLOCK_CLASSES = new Set([...ALIGN_CLASSES, 'small', 'indent']);

/** Allowed attributes per element; `class` values are checked separately. */
const ELEMENTS: Record<string, readonly string[]> = {
  h1: ['class'],
  h2: ['class'],
  h3: ['class'],
  p: ['class'],
  ul: [],
  ol: ['start'],
  li: ['class'],
  table: ['class'],
  thead: [],
  tbody: [],
  tr: [],
  th: ['class', 'colspan', 'width'],
  td: ['class', 'colspan', 'width'],
  hr: [],
  'page-break': [],
  signature: ['role', 'name', 'date', 'seal'],
  'bar-chart': ['title', 'unit', 'max'],
  bar: ['label', 'value'],
  header: ['class'],
  footer: ['class'],
  strong: [],
  b: [],
  em: [],
  i: [],
  u: [],
  br: [],
  checkbox: ['checked'],
  'page-number': [],
  'page-count': [],
};

const VOID = new Set(['br', 'hr']);
const INLINE_STYLE: Record<string, StyleBits> = {
  strong: STYLE_BOLD,
  b: STYLE_BOLD,
  em: STYLE_ITALIC,
  i: STYLE_ITALIC,
  u: STYLE_UNDERLINE,
};
/** Elements whose content is a sequence of blocks (bare text and inline elements become a paragraph). */
const BLOCK_CONTAINERS = new Set(['#root', 'li', 'th', 'td', 'header', 'footer']);
const INLINE_CONTAINERS = new Set(['p', 'h1', 'h2', 'h3']);
const TEXT_TARGETS = new Set([...INLINE_CONTAINERS, ...BLOCK_CONTAINERS]);
const BLOCK_ELEMENTS = new Set([
  'h1',
  'h2',
  'h3',
  'p',
  'ul',
  'ol',
  'table',
  'hr',
  'page-break',
  'signature',
  'bar-chart',
  'header',
  'footer',
]);

/** The shared list of a frame that collects nothing of that sort. */
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** Elements that hold nothing: no element may stand inside them. */
const EMPTY_ELEMENTS = new Set([
  'hr',
  'br',
  'page-break',
  'signature',
  'bar',
  'checkbox',
  'page-number',
  'page-count',
]);

interface Frame {
  name: string;
  /** Written `<x/>`. */
  selfClosed: boolean;
  offset: number;
  attrs: Record<string, string>;
  /** Block content (block containers). */
  blocks: Block[];
  /** Inline content being collected (inline containers, or loose inline content of a block container). */
  inlines: Inline[];
  style: StyleBits;
  opts: BlockOptions;
  items: Block[][];
  rows: Row[];
  head: Row[];
  cells: Cell[];
  bars: Array<{ label: string; value: number }>;
}

const DEFAULT_OPTS: BlockOptions = { align: 'left', small: false, indent: false };
/** Header cells are centred unless a class says otherwise. */
const TH_OPTS: BlockOptions = { align: 'center', small: false, indent: false };

function parseWidth(value: string): Width | undefined {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*(%|mm|pt)\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]!.replace(',', '.'));
  if (m[2] === '%') return n > 0 && n <= 100 ? { fraction: n / 100 } : undefined;
  if (!(n > 0)) return undefined;
  return { points: m[2] === 'mm' ? (n * 72) / 25.4 : n };
}

function collapse(text: string): string {
  return text.replace(/[ \t\r\n\f]+/g, ' ');
}

/** Trim the inline run of a block: leading/trailing spaces and spaces around line breaks. */
function tidy(inlines: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const item of inlines) {
    if (item.t === 'text') {
      const prev = out[out.length - 1];
      let text = item.text;
      if (
        (!prev || prev.t === 'br' || (prev.t === 'text' && prev.text.endsWith(' '))) &&
        text.startsWith(' ')
      )
        text = text.slice(1);
      if (!text) continue;
      if (prev?.t === 'text' && prev.style === item.style) {
        out[out.length - 1] = { t: 'text', text: prev.text + text, style: prev.style };
        continue;
      }
      out.push({ t: 'text', text, style: item.style });
    } else {
      if (item.t === 'br') {
        const prev = out[out.length - 1];
        if (prev?.t === 'text' && prev.text.endsWith(' ')) {
          const trimmed = prev.text.slice(0, -1);
          if (trimmed) out[out.length - 1] = { ...prev, text: trimmed };
          else out.pop();
        }
      }
      out.push(item);
    }
  }
  const last = out[out.length - 1];
  if (last?.t === 'text' && last.text.endsWith(' ')) {
    const trimmed = last.text.slice(0, -1);
    if (trimmed) out[out.length - 1] = { ...last, text: trimmed };
    else out.pop();
  }
  return out;
}

function hasContent(inlines: Inline[]): boolean {
  return inlines.some((i) => i.t !== 'text' || i.text.trim() !== '');
}

/**
 * Parse the markup into a document tree. `locate` turns an offset into a file and line for errors (by default
 * the markup's own lines under `file`).
 */
export function parseMarkup(
  markup: string,
  file: string,
  locate: Locate = locateByLines(file, markup),
): DocumentTree {
  const fail = (offset: number, reason: string): never => {
    const where = locate(offset);
    throw new MarkupError(where.file, where.line, reason);
  };
  const tree: DocumentTree = { body: [] };
  // Each frame gets the lists its element collects into; the others share one frozen empty list (a push there
  // would be a parser bug, and throws). Seven fresh arrays per element were most of the parser's garbage.
  const frame = (name: string, offset: number, attrs: Record<string, string>, parent?: Frame): Frame => {
    const container = BLOCK_CONTAINERS.has(name);
    return {
      name,
      offset,
      attrs,
      blocks: container ? [] : NONE,
      inlines: container || INLINE_CONTAINERS.has(name) ? [] : NONE,
      style: parent?.style ?? 0,
      opts: DEFAULT_OPTS,
      items: name === 'ul' || name === 'ol' ? [] : NONE,
      rows: name === 'table' || name === 'tbody' ? [] : NONE,
      head: name === 'table' || name === 'thead' ? [] : NONE,
      cells: name === 'tr' ? [] : NONE,
      bars: name === 'bar-chart' ? [] : NONE,
      selfClosed: false,
    };
  };
  const stack: Frame[] = [frame('#root', 0, {})];
  const top = (): Frame => stack[stack.length - 1]!;

  /** Loose inline content of a block container becomes a paragraph when a block starts or the container ends. */
  const flushLoose = (f: Frame) => {
    if (!BLOCK_CONTAINERS.has(f.name)) return;
    if (hasContent(f.inlines)) f.blocks.push({ t: 'p', inlines: tidy(f.inlines), ...f.opts });
    f.inlines = [];
  };

  const inInline = (): boolean => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const n = stack[i]!.name;
      if (INLINE_CONTAINERS.has(n)) return true;
      if (BLOCK_CONTAINERS.has(n)) return false;
    }
    return false;
  };
  const nearest = (names: Set<string>): Frame | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) if (names.has(stack[i]!.name)) return stack[i];
    return undefined;
  };
  const inlineTarget = (): Frame => nearest(TEXT_TARGETS)!;
  const inRunning = (): boolean => stack.some((f) => f.name === 'header' || f.name === 'footer');

  const blockOpts = (
    attrs: Record<string, string>,
    offset: number,
    name: string,
    inherited: BlockOptions,
  ) => {
    if (attrs.class === undefined) return inherited;
    const opts: BlockOptions = { ...inherited };
    for (const cls of attrs.class.split(/\s+/).filter(Boolean)) {
      if (ALIGN_CLASSES.has(cls)) opts.align = cls as Align;
      else if (cls === 'small') opts.small = true;
      else if (cls === 'indent') opts.indent = true;
      else if (!(name === 'table' && cls === 'plain'))
        fail(
          offset,
          `неизвестный класс «${cls}» у элемента <${name}>; допустимы: ${[...BLOCK_CLASSES].join(', ')}`,
        );
    }
    return opts;
  };

  let source = markup;
  const parser = new Parser(
    {
      onopentag(name, attrs, implied) {
        const offset = parser.startIndex;
        if (implied) fail(offset, `закрывающий тег </${name}> без открывающего`);
        const allowed = ELEMENTS[name];
        if (!allowed) fail(offset, `неизвестный элемент <${name}>`);
        for (const attr in attrs) {
          if (!allowed!.includes(attr)) fail(offset, `неизвестный атрибут «${attr}» у элемента <${name}>`);
        }
        const parent = top();
        const f = frame(name, offset, attrs, parent);
        // `/>` (spaces allowed before the `>`), read in place.
        let end = parser.endIndex - 1;
        while (end > offset && /\s/.test(source[end]!)) end -= 1;
        f.selfClosed = source.charCodeAt(end) === 0x2f;

        // Where the element may stand.
        const p = parent.name;
        const isBlock = BLOCK_ELEMENTS.has(name);
        if (EMPTY_ELEMENTS.has(p)) {
          fail(offset, `<${name}> не может стоять внутри <${p}>: у <${p}> нет содержимого`);
        } else if (name === 'header' || name === 'footer') {
          if (p !== '#root') fail(offset, `<${name}> допускается только на верхнем уровне документа`);
          if (tree[name]) fail(offset, `<${name}> встречается в документе дважды`);
        } else if (name === 'li') {
          if (p !== 'ul' && p !== 'ol') fail(offset, '<li> допускается только внутри <ul> или <ol>');
        } else if (name === 'thead' || name === 'tbody') {
          if (p !== 'table') fail(offset, `<${name}> допускается только внутри <table>`);
        } else if (name === 'tr') {
          if (p !== 'table' && p !== 'thead' && p !== 'tbody')
            fail(offset, '<tr> допускается только внутри <table>, <thead> или <tbody>');
        } else if (name === 'td' || name === 'th') {
          if (p !== 'tr') fail(offset, `<${name}> допускается только внутри <tr>`);
        } else if (name === 'bar') {
          if (p !== 'bar-chart') fail(offset, '<bar> допускается только внутри <bar-chart>');
        } else if (['ul', 'ol', 'table', 'tr', 'thead', 'tbody', 'bar-chart'].includes(p)) {
          fail(offset, `<${name}> не может стоять непосредственно внутри <${p}>`);
        } else if (isBlock && (inInline() || INLINE_STYLE[p] !== undefined)) {
          fail(
            offset,
            `блочный элемент <${name}> не может стоять внутри <${nearest(INLINE_CONTAINERS)?.name ?? p}>`,
          );
        } else if ((name === 'page-number' || name === 'page-count') && !inRunning()) {
          fail(offset, `<${name}/> допускается только в <header> или <footer>`);
        }
        if (isBlock) flushLoose(parent);

        if (INLINE_STYLE[name] !== undefined) f.style = parent.style | INLINE_STYLE[name]!;
        if (INLINE_CONTAINERS.has(name) || name === 'li' || name === 'td' || name === 'th') {
          const base = name === 'th' ? TH_OPTS : name === 'td' ? DEFAULT_OPTS : parent.opts;
          f.opts = blockOpts(attrs, offset, name, base);
          f.style = name === 'th' ? STYLE_BOLD : INLINE_CONTAINERS.has(name) ? parent.style : 0;
        } else if (name === 'header' || name === 'footer') {
          f.opts = blockOpts(attrs, offset, name, DEFAULT_OPTS);
        } else if (name === 'table') {
          blockOpts(attrs, offset, name, DEFAULT_OPTS);
        } else if (attrs.class !== undefined) {
          fail(offset, `атрибут «class» не допускается у элемента <${name}>`);
        }
        stack.push(f);
      },
      ontext(text) {
        const f = top();
        if (
          BLOCK_CONTAINERS.has(f.name) ||
          INLINE_STYLE[f.name] !== undefined ||
          INLINE_CONTAINERS.has(f.name)
        ) {
          const target = inlineTarget();
          target.inlines.push({ t: 'text', text: collapse(text), style: f.style });
          return;
        }
        if (text.trim() !== '')
          fail(
            parser.startIndex,
            `текст «${text.trim().slice(0, 40)}» не допускается непосредственно внутри <${f.name}>`,
          );
      },
      onclosetag(name, implied) {
        const f = top();
        if (f.name !== name) return; // void elements reported by htmlparser2 without a frame
        if (implied && !f.selfClosed && !VOID.has(name))
          fail(f.offset, `элемент <${name}> не закрыт (нет </${name}>)`);
        stack.pop();
        const parent = top();
        const attrs = f.attrs;
        switch (name) {
          case 'h1':
          case 'h2':
          case 'h3':
            parent.blocks.push({
              t: 'h',
              level: Number(name[1]) as 1 | 2 | 3,
              inlines: tidy(f.inlines),
              ...f.opts,
            });
            break;
          case 'p':
            parent.blocks.push({ t: 'p', inlines: tidy(f.inlines), ...f.opts });
            break;
          case 'li':
            flushLoose(f);
            parent.items.push(f.blocks);
            break;
          case 'ul':
          case 'ol': {
            let start = 1;
            if (attrs.start !== undefined) {
              start = Number(attrs.start);
              if (!Number.isInteger(start))
                fail(f.offset, `атрибут start="${attrs.start}" должен быть целым числом`);
            }
            parent.blocks.push({ t: 'list', ordered: name === 'ol', start, items: f.items });
            break;
          }
          case 'td':
          case 'th': {
            flushLoose(f);
            let colspan = 1;
            if (attrs.colspan !== undefined) {
              colspan = Number(attrs.colspan);
              if (!Number.isInteger(colspan) || colspan < 1 || colspan > 50)
                fail(f.offset, `атрибут colspan="${attrs.colspan}" должен быть целым числом от 1`);
            }
            let width: Width | undefined;
            if (attrs.width !== undefined) {
              width = parseWidth(attrs.width);
              if (!width)
                fail(f.offset, `атрибут width="${attrs.width}": ожидается «30%», «25mm» или «40pt»`);
            }
            parent.cells.push({ header: name === 'th', colspan, width, opts: f.opts, blocks: f.blocks });
            break;
          }
          case 'tr':
            if (f.cells.length === 0) fail(f.offset, 'строка таблицы <tr> без ячеек');
            (parent.name === 'thead' ? parent.head : parent.rows).push({ cells: f.cells });
            break;
          case 'thead':
            parent.head.push(...f.head);
            break;
          case 'tbody':
            parent.rows.push(...f.rows);
            break;
          case 'table':
            if (f.head.length + f.rows.length === 0) fail(f.offset, 'таблица <table> без строк');
            parent.blocks.push({
              t: 'table',
              plain: /\bplain\b/.test(attrs.class ?? ''),
              head: f.head,
              body: f.rows,
            });
            break;
          case 'hr':
            parent.blocks.push({ t: 'hr' });
            break;
          case 'page-break':
            if (stack.length !== 1)
              fail(f.offset, '<page-break/> допускается только на верхнем уровне документа');
            parent.blocks.push({ t: 'page-break' });
            break;
          case 'signature': {
            if (!attrs.role?.trim()) fail(f.offset, 'у <signature> не задан атрибут role (должность)');
            if (attrs.name === undefined)
              fail(f.offset, 'у <signature> не задан атрибут name («И.О. Фамилия»)');
            const date = attrs.date?.trim();
            parent.blocks.push({
              t: 'signature',
              role: collapse(attrs.role!).trim(),
              name: collapse(attrs.name!).trim(),
              ...(date ? { date } : {}),
              seal: attrs.seal !== undefined && attrs.seal !== 'false',
            });
            break;
          }
          case 'bar': {
            const value = Number(String(attrs.value ?? '').replace(',', '.'));
            if (
              attrs.value === undefined ||
              attrs.value.trim() === '' ||
              !Number.isFinite(value) ||
              value < 0
            )
              fail(
                f.offset,
                `у <bar> атрибут value="${attrs.value ?? ''}" должен быть неотрицательным числом`,
              );
            parent.bars.push({ label: collapse(attrs.label ?? '').trim(), value });
            break;
          }
          case 'bar-chart': {
            let max: number | undefined;
            if (attrs.max !== undefined) {
              max = Number(attrs.max.replace(',', '.'));
              if (!(max > 0))
                fail(f.offset, `у <bar-chart> атрибут max="${attrs.max}" должен быть положительным числом`);
            }
            parent.blocks.push({
              t: 'chart',
              ...(attrs.title ? { title: collapse(attrs.title).trim() } : {}),
              unit: attrs.unit ?? '',
              ...(max !== undefined ? { max } : {}),
              bars: f.bars,
            });
            break;
          }
          case 'header':
          case 'footer':
            flushLoose(f);
            tree[name] = f.blocks;
            break;
          case 'br':
            inlineTarget().inlines.push({ t: 'br' });
            break;
          case 'checkbox':
            inlineTarget().inlines.push({
              t: 'checkbox',
              checked: attrs.checked !== undefined && attrs.checked !== 'false',
              style: f.style,
            });
            break;
          case 'page-number':
          case 'page-count':
            inlineTarget().inlines.push({ t: name, style: f.style });
            break;
          default:
            // strong/b/em/i/u: their text went to the enclosing container with the style bits.
            break;
        }
      },
      oncomment() {},
      onprocessinginstruction(name) {
        fail(parser.startIndex, `конструкция <${name}> не допускается`);
      },
    },
    { recognizeSelfClosing: true, lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  // A closing tag with no open element is ignored by htmlparser2 (except </p> and </br>): catch it here.
  const internal = parser as unknown as { stack: string[]; onclosetag(start: number, end: number): void };
  const original = internal.onclosetag.bind(parser);
  internal.onclosetag = (start: number, end: number) => {
    const name = source.slice(start, end).toLowerCase();
    if (!VOID.has(name) && name !== 'p' && !internal.stack.includes(name))
      fail(start, `закрывающий тег </${name}> без открывающего`);
    original(start, end);
  };
  source = markup;
  parser.end(markup);
  const root = stack[0]!;
  flushLoose(root);
  tree.body = root.blocks;
  return tree;
}
