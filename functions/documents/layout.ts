import {
  type Align,
  type Block,
  type Cell,
  type DocumentTree,
  type Inline,
  type Row,
  STYLE_BOLD,
  STYLE_ITALIC,
  type StyleBits,
} from './markup';

/**
 * Step 2 of 3: document tree → pages of positioned boxes. Pure: glyph widths come from `Metrics` (the real fonts
 * in production, a fixed-width stand-in in tests); nothing is drawn here.
 *
 * The flow is a list of chunks — a line of text, a table row, a signature — each with a height, spacing, and
 * whether it must stay on the page of the next one. Paragraph lines are chunks of their own (orphan and widow
 * control: the first two and the last two lines of a paragraph stay together), headings keep with what follows,
 * table rows do not split unless taller than a page, and a table's header rows start every page it continues on.
 *
 * Coordinates: points, origin at the top left of the page, y growing down; a text box's y is its baseline.
 */

const MM = 72 / 25.4;

export interface PageGeometry {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

/** A4 with the margins of GOST R 7.0.97-2016, 5.1: left 20 mm, right 10 mm, top and bottom 20 mm. */
export const A4_GOST: PageGeometry = {
  width: 210 * MM,
  height: 297 * MM,
  margin: { top: 20 * MM, right: 10 * MM, bottom: 20 * MM, left: 20 * MM },
};

export interface Metrics {
  /** Width of a text in points, in a style (bits of markup.ts), at a size. */
  width(text: string, style: StyleBits, size: number): number;
  /** Ascent above and descent below the baseline, in ems. */
  readonly ascent: number;
  readonly descent: number;
}

export type Box =
  | { t: 'text'; x: number; y: number; size: number; style: StyleBits; text: string; w: number }
  | { t: 'line'; x1: number; y1: number; x2: number; y2: number; w: number }
  | { t: 'rect'; x: number; y: number; w: number; h: number; gray: number };

export interface LaidPage {
  boxes: Box[];
}

/** Typographic settings (points). */
export const TYPE = {
  body: 12,
  small: 10,
  footer: 9,
  caption: 8,
  heading: { 1: 14, 2: 13, 3: 12 } as Record<1 | 2 | 3, number>,
  leading: 1.2,
  paragraphAfter: 4,
  headingBefore: 10,
  headingAfter: 4,
  indent: 12.5 * MM,
  listIndent: 7 * MM,
  cellPadX: 3,
  cellPadY: 2,
  rule: 0.5,
} as const;

interface Chunk {
  h: number;
  /** Boxes relative to the chunk's top (x absolute). */
  boxes: Box[];
  /** Chunks inside this one (the cells of a row), at offsets from its top; boxes are copied only when placed. */
  kids?: Array<{ dy: number; c: Chunk }>;
  before: number;
  after: number;
  keep: boolean;
  pageBreak?: boolean;
  /** Table header rows repeated when this row starts a page. */
  header?: Chunk[];
  /** Split a chunk taller than a page: the part that fits in `room`, and the rest (undefined if it cannot). */
  split?: (room: number) => [Chunk, Chunk] | undefined;
}

interface Context {
  m: Metrics;
  /** Height of the page body: what a chunk may be at most. */
  pageBody: number;
  pageNumber?: number;
  pageCount?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Inline text: words, lines.

interface Segment {
  text: string;
  style: StyleBits;
  w: number;
}

interface Word {
  segs: Segment[];
  w: number;
  /** Width of the space before this word (0 for the first word of a line or after a break). */
  space: number;
  spaceStyle: StyleBits;
  /** A hard line break before this word. */
  br: boolean;
}

function inlineText(item: Inline, ctx: Context): string | undefined {
  switch (item.t) {
    case 'text':
      return item.text;
    case 'checkbox':
      return item.checked ? '☑' : '☐';
    case 'page-number':
      return String(ctx.pageNumber ?? 1);
    case 'page-count':
      return String(ctx.pageCount ?? 1);
    default:
      return undefined;
  }
}

/** Split inline content into words (runs between spaces, possibly of several styles). */
function words(inlines: Inline[], size: number, extraStyle: StyleBits, ctx: Context): Word[] {
  const out: Word[] = [];
  let current: Word | undefined;
  let pendingSpace = false;
  let pendingBreak = false;
  let spaceStyle = 0;
  for (const item of inlines) {
    if (item.t === 'br') {
      if (current) out.push(current);
      current = undefined;
      pendingSpace = false;
      pendingBreak = true;
      continue;
    }
    const text = inlineText(item, ctx);
    if (text === undefined) continue;
    const style = ('style' in item ? item.style : 0) | extraStyle;
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i < text.length && text.charCodeAt(i) !== 32) continue;
      if (i > start) {
        const piece = text.slice(start, i);
        const seg = { text: piece, style, w: ctx.m.width(piece, style, size) };
        if (!current) {
          current = {
            segs: [seg],
            w: seg.w,
            space: pendingSpace && out.length > 0 && !pendingBreak ? ctx.m.width(' ', spaceStyle, size) : 0,
            spaceStyle,
            br: pendingBreak,
          };
          pendingBreak = false;
          pendingSpace = false;
        } else {
          current.segs.push(seg);
          current.w += seg.w;
        }
      }
      if (i < text.length) {
        if (current) out.push(current);
        current = undefined;
        pendingSpace = true;
        spaceStyle = style;
      }
      start = i + 1;
    }
  }
  if (current) out.push(current);
  if (pendingBreak) out.push({ segs: [], w: 0, space: 0, spaceStyle: 0, br: true });
  return out;
}

/**
 * Break a word wider than the line into pieces that fit: after a hyphen or a slash where one fits
 * ("психолого-" / "педагогический"), else character by character.
 */
function breakWord(word: Word, width: number, size: number, m: Metrics): Word[] {
  const only = word.segs.length === 1 ? word.segs[0]! : undefined;
  if (only) {
    for (let at = only.text.length - 1; at > 0; at--) {
      const ch = only.text[at - 1];
      if (ch !== '-' && ch !== '/') continue;
      const head = only.text.slice(0, at);
      const w = m.width(head, only.style, size);
      if (w > width) continue;
      const restText = only.text.slice(at);
      const rest: Word = {
        segs: [{ text: restText, style: only.style, w: m.width(restText, only.style, size) }],
        w: 0,
        space: 0,
        spaceStyle: 0,
        br: false,
      };
      rest.w = rest.segs[0]!.w;
      const first: Word = { ...word, segs: [{ text: head, style: only.style, w }], w };
      return [first, ...(rest.w > width ? breakWord(rest, width, size, m) : [rest])];
    }
  }
  const pieces: Word[] = [];
  let segs: Segment[] = [];
  let w = 0;
  for (const seg of word.segs) {
    let text = '';
    for (const ch of seg.text) {
      const cw = m.width(ch, seg.style, size);
      if (w + cw > width && (w > 0 || text)) {
        if (text) segs.push({ text, style: seg.style, w: m.width(text, seg.style, size) });
        pieces.push({ segs, w, space: 0, spaceStyle: 0, br: false });
        segs = [];
        w = 0;
        text = '';
      }
      text += ch;
      w += cw;
    }
    if (text) segs.push({ text, style: seg.style, w: m.width(text, seg.style, size) });
  }
  if (segs.length) pieces.push({ segs, w, space: 0, spaceStyle: 0, br: false });
  if (pieces[0]) {
    pieces[0].space = word.space;
    pieces[0].spaceStyle = word.spaceStyle;
    pieces[0].br = word.br;
  }
  return pieces;
}

interface Line {
  words: Word[];
  w: number;
  /** Ends a paragraph or precedes a hard break (not justified). */
  last: boolean;
}

/** Greedy line breaking with the real widths; the first line may be shorter (first-line indent). */
export function breakLines(
  inlines: Inline[],
  width: number,
  size: number,
  ctx: Context,
  firstIndent = 0,
  extraStyle: StyleBits = 0,
): Line[] {
  const lines: Line[] = [];
  let line: Line = { words: [], w: 0, last: false };
  const avail = () => (lines.length === 0 ? width - firstIndent : width);
  const push = (last: boolean) => {
    line.last = last;
    lines.push(line);
    line = { words: [], w: 0, last: false };
  };
  const queue = words(inlines, size, extraStyle, ctx);
  for (let i = 0; i < queue.length; i++) {
    const word = queue[i]!;
    if (word.br && (line.words.length > 0 || lines.length > 0 || i > 0)) push(true);
    if (word.segs.length === 0) continue;
    // The space before a line's first word is not set (lineBoxes starts a line at its first word): words go into
    // lines as they are, not copied.
    const space = line.words.length === 0 ? 0 : word.space;
    if (line.w + space + word.w <= avail() + 0.001) {
      line.words.push(word);
      line.w += space + word.w;
      continue;
    }
    if (line.words.length > 0) push(false);
    if (word.w <= avail() + 0.001) {
      line.words.push(word);
      line.w = word.w;
      continue;
    }
    // A word longer than a whole line: hard breaks.
    const pieces = breakWord(word, avail(), size, ctx.m);
    pieces.forEach((piece, k) => {
      if (k > 0) push(false);
      line.words.push(piece);
      line.w = piece.w;
    });
  }
  if (line.words.length > 0 || lines.length === 0) push(true);
  else if (lines.length > 0) lines[lines.length - 1]!.last = true;
  return lines;
}

/** Boxes of one line at a baseline. Runs of one style become one box (fewer operators, whole-line extraction). */
function lineBoxes(
  line: Line,
  x: number,
  width: number,
  baseline: number,
  size: number,
  align: Align,
  m: Metrics,
): Box[] {
  const boxes: Box[] = [];
  const free = width - line.w;
  const justify = align === 'justify' && !line.last && line.words.length > 1;
  let cursor = x;
  if (align === 'center') cursor += free / 2;
  else if (align === 'right') cursor += free;
  const gap = justify ? free / (line.words.length - 1) : 0;
  // The run being extended is the box itself (pushed when it starts): one object per run. A plain loop: `cursor`
  // captured by a callback would allocate a number at every step.
  let run: Extract<Box, { t: 'text' }> | undefined;
  for (let wi = 0; wi < line.words.length; wi++) {
    const word = line.words[wi]!;
    if (wi > 0) {
      if (justify) {
        run = undefined;
        cursor += word.space + gap;
      } else if (run && run.style === word.segs[0]?.style && word.spaceStyle === run.style) {
        run.text += ' ';
        run.w += word.space;
        cursor += word.space;
      } else {
        run = undefined;
        cursor += word.space;
      }
    }
    for (const seg of word.segs) {
      if (run && run.style === seg.style) {
        run.text += seg.text;
        run.w += seg.w;
      } else {
        run = { t: 'text', x: cursor, y: baseline, size, style: seg.style, text: seg.text, w: seg.w };
        boxes.push(run);
      }
      cursor += seg.w;
    }
  }
  void m;
  return boxes;
}

function lineHeight(size: number): number {
  return size * TYPE.leading;
}

/** Baseline offset from the top of a line box. */
function baselineIn(size: number, m: Metrics): number {
  const lh = lineHeight(size);
  return (lh - (m.ascent + m.descent) * size) / 2 + m.ascent * size;
}

/** A paragraph (or heading) as one chunk per line. */
function textChunks(
  inlines: Inline[],
  x: number,
  width: number,
  size: number,
  align: Align,
  ctx: Context,
  opts: { indent?: boolean; extraStyle?: StyleBits; before: number; after: number; keepAll?: boolean },
): Chunk[] {
  const indent = opts.indent && align !== 'center' && align !== 'right' ? TYPE.indent : 0;
  const lines = breakLines(inlines, width, size, ctx, indent, opts.extraStyle ?? 0);
  const lh = lineHeight(size);
  const base = baselineIn(size, ctx.m);
  const n = lines.length;
  return lines.map((line, i) => {
    const dx = i === 0 ? indent : 0;
    return {
      h: lh,
      boxes: lineBoxes(line, x + dx, width - dx, base, size, align, ctx.m),
      before: i === 0 ? opts.before : 0,
      after: i === n - 1 ? opts.after : 0,
      // Orphans and widows: a paragraph of up to three lines stays whole; a longer one keeps its first two and
      // its last two lines together.
      keep: opts.keepAll === true || (i < n - 1 && (n <= 3 || i === 0 || i === n - 2)),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks.

function sizeOf(small: boolean): number {
  return small ? TYPE.small : TYPE.body;
}

function blockChunks(blocks: Block[], x: number, width: number, ctx: Context): Chunk[] {
  const out: Chunk[] = [];
  for (const b of blocks) {
    switch (b.t) {
      case 'p':
        out.push(
          ...textChunks(b.inlines, x, width, sizeOf(b.small), b.align, ctx, {
            indent: b.indent,
            before: 0,
            after: TYPE.paragraphAfter,
          }),
        );
        break;
      case 'h': {
        const size = b.small ? TYPE.small : TYPE.heading[b.level];
        const align = b.align === 'left' && b.level === 1 ? 'center' : b.align;
        out.push(
          ...textChunks(b.inlines, x, width, size, align, ctx, {
            indent: b.indent,
            extraStyle: STYLE_BOLD | (b.level === 3 ? STYLE_ITALIC : 0),
            before: TYPE.headingBefore,
            after: TYPE.headingAfter,
            keepAll: true,
          }),
        );
        break;
      }
      case 'list':
        out.push(...listChunks(b, x, width, ctx));
        break;
      case 'table':
        out.push(...tableChunks(b.head, b.body, b.plain, x, width, ctx));
        break;
      case 'hr':
        out.push({
          h: 4,
          boxes: [{ t: 'line', x1: x, y1: 2, x2: x + width, y2: 2, w: 0.75 }],
          before: 2,
          after: 6,
          keep: false,
        });
        break;
      case 'page-break':
        out.push({ h: 0, boxes: [], before: 0, after: 0, keep: false, pageBreak: true });
        break;
      case 'signature':
        out.push(signatureChunk(b, x, width, ctx));
        break;
      case 'chart':
        out.push(...chartChunks(b, x, width, ctx));
        break;
    }
  }
  return out;
}

/** A box moved down by dy (a new object: chunks may be placed more than once, e.g. repeated table headers). */
function moved(b: Box, dy: number): Box {
  switch (b.t) {
    case 'text':
      return { t: 'text', x: b.x, y: b.y + dy, size: b.size, style: b.style, text: b.text, w: b.w };
    case 'line':
      return { t: 'line', x1: b.x1, y1: b.y1 + dy, x2: b.x2, y2: b.y2 + dy, w: b.w };
    case 'rect':
      return { t: 'rect', x: b.x, y: b.y + dy, w: b.w, h: b.h, gray: b.gray };
  }
}

/** Every box of a chunk and its kids, moved down by dy, appended to `out`. */
function emit(c: Chunk, dy: number, out: Box[]): void {
  for (const b of c.boxes) out.push(moved(b, dy));
  if (c.kids) for (const k of c.kids) emit(k.c, dy + k.dy, out);
}

function listChunks(list: Extract<Block, { t: 'list' }>, x: number, width: number, ctx: Context): Chunk[] {
  const out: Chunk[] = [];
  const indent = TYPE.listIndent;
  list.items.forEach((item, n) => {
    const chunks = blockChunks(item, x + indent, width - indent, ctx);
    const first = chunks[0];
    if (!first) return;
    const marker = list.ordered ? `${list.start + n}.` : '—';
    const firstText = first.boxes.find((b) => b.t === 'text') as Extract<Box, { t: 'text' }> | undefined;
    const size = firstText?.size ?? TYPE.body;
    const baseline = firstText?.y ?? baselineIn(size, ctx.m);
    const w = ctx.m.width(marker, 0, size);
    first.boxes = [
      { t: 'text', x: x + indent - w - size * 0.4, y: baseline, size, style: 0, text: marker, w },
      ...first.boxes,
    ];
    if (n === 0) first.before = Math.max(first.before, 0);
    const last = chunks[chunks.length - 1]!;
    last.after = Math.max(last.after, n === list.items.length - 1 ? TYPE.paragraphAfter : 1);
    out.push(...chunks);
  });
  return out;
}

/** Stack chunks in a column without pagination (cell contents): each chunk's top, and the height. */
function column(chunks: Chunk[]): { h: number; tops: number[] } {
  const tops: number[] = [];
  let y = 0;
  let prevAfter = 0;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (i > 0) y += Math.max(prevAfter, c.before);
    tops.push(y);
    y += c.h;
    prevAfter = c.after;
  }
  return { h: y, tops };
}

/** Chunks stacked into one (no pagination). */
function stacked(chunks: Chunk[], dy = 0): Chunk {
  const { h, tops } = column(chunks);
  return {
    h,
    boxes: [],
    kids: chunks.map((c, i) => ({ dy: dy + tops[i]!, c })),
    before: 0,
    after: 0,
    keep: false,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Tables.

/** Column widths: the `width` of single-column cells; the rest share what remains by their content. */
export function columnWidths(rows: Row[], total: number, ctx: Context): number[] {
  let count = 0;
  for (const row of rows)
    count = Math.max(
      count,
      row.cells.reduce((n, c) => n + c.colspan, 0),
    );
  const fixed: Array<number | undefined> = new Array(count).fill(undefined);
  for (const row of rows) {
    let col = 0;
    for (const cell of row.cells) {
      if (cell.colspan === 1 && cell.width && fixed[col] === undefined) {
        fixed[col] = 'fraction' in cell.width ? cell.width.fraction * total : cell.width.points;
      }
      col += cell.colspan;
    }
  }
  const free = fixed.map((f, i) => (f === undefined ? i : -1)).filter((i) => i >= 0);
  const used = fixed.reduce<number>((s, f) => s + (f ?? 0), 0);
  const remaining = Math.max(0, total - used);
  if (free.length === 0) {
    // Scale to the table width when the given widths do not add up to it.
    return fixed.map((f) => ((f ?? 0) * total) / (used || 1));
  }
  if (free.length === 1) {
    const widths = fixed.slice() as number[];
    widths[free[0]!] = remaining;
    return widths;
  }
  // Content widths of the free columns: natural (no wrapping) and minimum (longest word).
  const natural = new Array(count).fill(0);
  const minimum = new Array(count).fill(0);
  const pad = 2 * TYPE.cellPadX;
  for (const row of rows) {
    let col = 0;
    for (const cell of row.cells) {
      if (cell.colspan === 1 && fixed[col] === undefined) {
        for (const b of cell.blocks) {
          if (b.t !== 'p' && b.t !== 'h') continue;
          const size = sizeOf(b.small);
          const ws = words(b.inlines, size, cell.header ? STYLE_BOLD : 0, ctx);
          let line = 0;
          for (const w of ws) {
            if (w.br) line = 0;
            line += w.space + w.w;
            natural[col] = Math.max(natural[col], line + pad);
            minimum[col] = Math.max(minimum[col], w.w + pad);
          }
        }
        natural[col] = Math.max(natural[col], 12);
        minimum[col] = Math.max(minimum[col], 12);
      }
      col += cell.colspan;
    }
  }
  const widths = fixed.slice() as number[];
  const sumNatural = free.reduce((s, i) => s + natural[i], 0);
  const sumMin = free.reduce((s, i) => s + minimum[i], 0);
  for (const i of free) {
    if (sumNatural <= remaining)
      widths[i] = natural[i] + ((remaining - sumNatural) * natural[i]) / sumNatural;
    else if (sumMin >= remaining) widths[i] = (remaining * minimum[i]) / sumMin;
    else
      widths[i] =
        minimum[i] + ((remaining - sumMin) * (natural[i] - minimum[i])) / Math.max(1e-9, sumNatural - sumMin);
  }
  return widths;
}

interface LaidCell {
  x: number;
  w: number;
  chunks: Chunk[];
}

function cellChunks(cell: Cell, x: number, w: number, ctx: Context): Chunk[] {
  const inner = w - 2 * TYPE.cellPadX;
  const blocks = cell.header
    ? cell.blocks.map((b) => (b.t === 'p' ? { ...b, inlines: b.inlines } : b))
    : cell.blocks;
  const chunks = blockChunks(blocks, x + TYPE.cellPadX, inner, ctx);
  // No paragraph spacing at the bottom of a cell.
  const last = chunks[chunks.length - 1];
  if (last) last.after = 0;
  return chunks;
}

function rowChunk(cells: LaidCell[], x: number, width: number, plain: boolean, ctx: Context): Chunk {
  const kids: Array<{ dy: number; c: Chunk }> = [];
  let content = lineHeight(TYPE.body) * 0.5;
  for (const cell of cells) {
    const { h, tops } = column(cell.chunks);
    if (h > content) content = h;
    for (let i = 0; i < cell.chunks.length; i++)
      kids.push({ dy: TYPE.cellPadY + tops[i]!, c: cell.chunks[i]! });
  }
  const h = content + 2 * TYPE.cellPadY;
  const boxes: Box[] = [];
  if (!plain) {
    const r = TYPE.rule;
    boxes.push({ t: 'line', x1: x, y1: 0, x2: x + width, y2: 0, w: r });
    boxes.push({ t: 'line', x1: x, y1: h, x2: x + width, y2: h, w: r });
    boxes.push({ t: 'line', x1: x, y1: 0, x2: x, y2: h, w: r });
    for (const c of cells) boxes.push({ t: 'line', x1: c.x + c.w, y1: 0, x2: c.x + c.w, y2: h, w: r });
  }
  return {
    h,
    boxes,
    kids,
    before: 0,
    after: 0,
    keep: false,
    split: (room) => splitRow(cells, x, width, plain, room, ctx),
  };
}

/** Split a row taller than a page: each cell keeps the chunks that fit in `room`; the rest go to the next part. */
function splitRow(
  cells: LaidCell[],
  x: number,
  width: number,
  plain: boolean,
  room: number,
  ctx: Context,
): [Chunk, Chunk] | undefined {
  const avail = room - 2 * TYPE.cellPadY;
  const heads: LaidCell[] = [];
  const tails: LaidCell[] = [];
  let progress = false;
  for (const cell of cells) {
    const { tops } = column(cell.chunks);
    let k = 0;
    while (k < cell.chunks.length && tops[k]! + cell.chunks[k]!.h <= avail) k += 1;
    if (k > 0) progress = true;
    heads.push({ ...cell, chunks: cell.chunks.slice(0, k) });
    const rest = cell.chunks.slice(k);
    if (rest[0]) rest[0] = { ...rest[0], before: 0 };
    tails.push({ ...cell, chunks: rest });
  }
  if (!progress || tails.every((c) => c.chunks.length === 0)) return undefined;
  return [rowChunk(heads, x, width, plain, ctx), rowChunk(tails, x, width, plain, ctx)];
}

function tableChunks(
  head: Row[],
  body: Row[],
  plain: boolean,
  x: number,
  width: number,
  ctx: Context,
): Chunk[] {
  const widths = columnWidths([...head, ...body], width, ctx);
  const lay = (row: Row): Chunk => {
    let col = 0;
    let cx = x;
    const cells: LaidCell[] = [];
    for (const cell of row.cells) {
      let w = 0;
      for (let k = 0; k < cell.colspan; k++) w += widths[col + k] ?? 0;
      cells.push({ x: cx, w, chunks: cellChunks(cell, cx, w, ctx) });
      col += cell.colspan;
      cx += w;
    }
    return rowChunk(cells, x, width, plain, ctx);
  };
  const headChunks = head.map(lay);
  headChunks.forEach((c) => {
    c.keep = true;
  });
  const bodyChunks = body.map((row) => {
    const c = lay(row);
    if (headChunks.length) c.header = headChunks;
    return c;
  });
  const all = [...headChunks, ...bodyChunks];
  if (all[0]) all[0].before = 4;
  if (all[all.length - 1]) all[all.length - 1]!.after = 8;
  return all;
}

// ---------------------------------------------------------------------------------------------------------------
// Signature, chart.

function signatureChunk(
  s: Extract<Block, { t: 'signature' }>,
  x: number,
  width: number,
  ctx: Context,
): Chunk {
  const size = TYPE.body;
  const lh = lineHeight(size);
  const base = baselineIn(size, ctx.m);
  const roleW = width * 0.42;
  const lineX = x + width * 0.45;
  const lineW = width * 0.25;
  const roleLines = breakLines([{ t: 'text', text: s.role, style: 0 }], roleW, size, ctx);
  const boxes: Box[] = [];
  roleLines.forEach((line, i) => {
    boxes.push(...lineBoxes(line, x, roleW, i * lh + base, size, 'left', ctx.m));
  });
  const lastBase = (roleLines.length - 1) * lh + base;
  boxes.push({ t: 'line', x1: lineX, y1: lastBase + 2, x2: lineX + lineW, y2: lastBase + 2, w: 0.5 });
  const caption = '(подпись)';
  const cw = ctx.m.width(caption, 0, TYPE.caption);
  boxes.push({
    t: 'text',
    x: lineX + (lineW - cw) / 2,
    y: lastBase + 2 + TYPE.caption + 1,
    size: TYPE.caption,
    style: 0,
    text: caption,
    w: cw,
  });
  const nameX = lineX + lineW + 6;
  const nameW = x + width - nameX;
  const nameLines = breakLines(
    [{ t: 'text', text: s.name || '________________', style: 0 }],
    nameW,
    size,
    ctx,
  );
  nameLines.forEach((line, i) => {
    boxes.push(...lineBoxes(line, nameX, nameW, lastBase + i * lh, size, 'right', ctx.m));
  });
  let y = lastBase + Math.max(lh, (nameLines.length - 1) * lh + lh) + TYPE.caption + 4;
  const dateText = s.date ?? '«____» ______________ 20____ г.';
  const dw = ctx.m.width(dateText, 0, size);
  boxes.push({ t: 'text', x, y, size, style: 0, text: dateText, w: dw });
  if (s.seal) {
    const mp = 'М.П.';
    boxes.push({ t: 'text', x: lineX, y, size, style: 0, text: mp, w: ctx.m.width(mp, 0, size) });
  }
  y += ctx.m.descent * size + 2;
  return { h: y, boxes, before: 18, after: 8, keep: false };
}

function chartChunks(c: Extract<Block, { t: 'chart' }>, x: number, width: number, ctx: Context): Chunk[] {
  const out: Chunk[] = [];
  const size = TYPE.small;
  if (c.title) {
    out.push(
      ...textChunks([{ t: 'text', text: c.title, style: STYLE_BOLD }], x, width, TYPE.body, 'center', ctx, {
        before: 8,
        after: 4,
        keepAll: true,
      }),
    );
  }
  const max = c.max ?? Math.max(0, ...c.bars.map((b) => b.value));
  const labelW = width * 0.4;
  const barX = x + labelW + 6;
  const valueRoom = ctx.m.width(`${formatValue(max)}${c.unit ? ` ${c.unit}` : ''}`, 0, size) + 8;
  const barMax = Math.max(10, x + width - barX - valueRoom);
  const lh = lineHeight(size);
  const base = baselineIn(size, ctx.m);
  c.bars.forEach((bar, i) => {
    const lines = breakLines([{ t: 'text', text: bar.label, style: 0 }], labelW, size, ctx);
    const boxes: Box[] = [];
    lines.forEach((line, k) => {
      boxes.push(...lineBoxes(line, x, labelW, k * lh + base + 2, size, 'right', ctx.m));
    });
    const h = Math.max(lines.length * lh, lh) + 4;
    const barH = lh * 0.7;
    const w = max > 0 ? (Math.min(bar.value, max) / max) * barMax : 0;
    const top = (h - barH) / 2;
    boxes.push({ t: 'rect', x: barX, y: top, w: Math.max(w, 0.5), h: barH, gray: 0.55 });
    const label = `${formatValue(bar.value)}${c.unit ? ` ${c.unit}` : ''}`;
    boxes.push({
      t: 'text',
      x: barX + w + 4,
      y: top + barH / 2 + (ctx.m.ascent - ctx.m.descent) * size * 0.5,
      size,
      style: 0,
      text: label,
      w: ctx.m.width(label, 0, size),
    });
    boxes.push({ t: 'line', x1: barX, y1: 0, x2: barX, y2: h, w: 0.5 });
    out.push({ h, boxes, before: 0, after: i === c.bars.length - 1 ? 8 : 0, keep: i < c.bars.length - 1 });
  });
  return out;
}

function formatValue(n: number): string {
  return String(Math.round(n * 10) / 10).replace('.', ',');
}

// ---------------------------------------------------------------------------------------------------------------
// Pages.

function place(page: LaidPage, chunk: Chunk, dy: number): void {
  emit(chunk, dy, page.boxes);
}

/** Height of the chain of chunks from `i` that must stay on one page (each keeps with the next). */
function chainHeight(chunks: Chunk[], i: number, limit: number): number {
  let h = chunks[i]!.h;
  let j = i;
  while (chunks[j]!.keep && j + 1 < chunks.length && !chunks[j + 1]!.pageBreak && h <= limit) {
    h += Math.max(chunks[j]!.after, chunks[j + 1]!.before) + chunks[j + 1]!.h;
    j += 1;
  }
  return h;
}

/** Place the flow on pages. */
function paginate(chunks: Chunk[], geometry: PageGeometry, ctx: Context): LaidPage[] {
  const pages: LaidPage[] = [];
  const top = geometry.margin.top;
  const bodyH = ctx.pageBody;
  let page: LaidPage = { boxes: [] };
  pages.push(page);
  let y = 0;
  let empty = true;
  let prevAfter = 0;
  const newPage = () => {
    page = { boxes: [] };
    pages.push(page);
    y = 0;
    empty = true;
    prevAfter = 0;
  };
  const put = (c: Chunk, gap: number) => {
    place(page, c, top + y + gap);
    y += gap + c.h;
    prevAfter = c.after;
    empty = false;
  };
  const headerHeight = (c: Chunk) => (c.header ? column(c.header).h : 0);
  const queue = chunks.slice();
  /** Put the part that fits and queue the rest at `i` for the next page. */
  const splitHere = (i: number, c: Chunk, gap: number, room: number): boolean => {
    const parts = c.split?.(room);
    if (!parts) return false;
    put(parts[0], gap);
    queue[i] = { ...parts[1], header: c.header };
    newPage();
    return true;
  };
  for (let i = 0; i < queue.length; i++) {
    const c = queue[i]!;
    if (c.pageBreak) {
      if (!empty) newPage();
      continue;
    }
    let gap = empty ? 0 : Math.max(prevAfter, c.before);
    if (!empty) {
      const need = chainHeight(queue, i, bodyH);
      if (y + gap + need > bodyH + 0.01 && need + headerHeight(c) <= bodyH + 0.01) {
        // What must stay together fits on a fresh page: start one.
        newPage();
        gap = 0;
      } else if (y + gap + c.h > bodyH + 0.01) {
        // Longer than a page anyway: split here if a fair part of the page is left, else start a fresh one.
        const room = bodyH - y - gap;
        if (room > bodyH / 4 && splitHere(i, c, gap, room)) {
          i -= 1;
          continue;
        }
        newPage();
        gap = 0;
      }
    }
    if (empty && c.header) {
      for (const h of c.header) put(h, 0);
      gap = 0;
    }
    if (y + gap + c.h > bodyH + 0.01 && splitHere(i, c, gap, bodyH - y - gap)) {
      i -= 1;
      continue;
    }
    put(c, gap);
  }
  return pages;
}

/** Running header and footer of one page, laid out with its number. */
function running(tree: DocumentTree, geometry: PageGeometry, m: Metrics, n: number, count: number): Box[] {
  const x = geometry.margin.left;
  const width = geometry.width - geometry.margin.left - geometry.margin.right;
  const ctx: Context = { m, pageBody: Number.POSITIVE_INFINITY, pageNumber: n, pageCount: count };
  const boxes: Box[] = [];
  if (tree.header) {
    const s = stacked(blockChunks(tree.header, x, width, ctx));
    emit(s, Math.max(4, geometry.margin.top - s.h - 6), boxes);
  }
  const footer: Block[] | undefined =
    tree.footer ??
    (count > 1
      ? [
          {
            t: 'p',
            align: 'center',
            small: true,
            indent: false,
            inlines: [
              { t: 'text', text: 'стр. ', style: 0 },
              { t: 'page-number', style: 0 },
              { t: 'text', text: ' из ', style: 0 },
              { t: 'page-count', style: 0 },
            ],
          },
        ]
      : undefined);
  if (footer) {
    const s = stacked(
      blockChunks(footer, x, width, ctx).map((c) =>
        tree.footer
          ? c
          : { ...c, boxes: c.boxes.map((b) => (b.t === 'text' ? { ...b, size: TYPE.footer } : b)) },
      ),
    );
    emit(s, geometry.height - geometry.margin.bottom + 8, boxes);
  }
  return boxes;
}

/**
 * Table rules as few lines as possible: a row's bottom is the next row's top, and the column rules of adjacent rows
 * continue each other. Collinear touching segments of one width merge (fewer operators, smaller files); other
 * boxes keep their order.
 */
export function mergeRules(boxes: Box[]): Box[] {
  const others: Box[] = [];
  const vertical = new Map<string, Array<{ a: number; b: number }>>();
  const horizontal = new Map<string, Array<{ a: number; b: number }>>();
  const r = (n: number) => Math.round(n * 100) / 100;
  for (const box of boxes) {
    if (box.t !== 'line' || (box.x1 !== box.x2 && box.y1 !== box.y2)) {
      others.push(box);
      continue;
    }
    const isVertical = box.x1 === box.x2;
    const key = isVertical ? `${r(box.x1)}|${box.w}` : `${r(box.y1)}|${box.w}`;
    const map = isVertical ? vertical : horizontal;
    const a = isVertical ? Math.min(box.y1, box.y2) : Math.min(box.x1, box.x2);
    const b = isVertical ? Math.max(box.y1, box.y2) : Math.max(box.x1, box.x2);
    const list = map.get(key);
    if (list) list.push({ a, b });
    else map.set(key, [{ a, b }]);
  }
  const out = others;
  const merge = (map: Map<string, Array<{ a: number; b: number }>>, isVertical: boolean) => {
    for (const [key, list] of map) {
      const [pos, w] = key.split('|').map(Number) as [number, number];
      list.sort((p, q) => p.a - q.a);
      let cur = { ...list[0]! };
      const flush = () =>
        out.push(
          isVertical
            ? { t: 'line', x1: pos, y1: cur.a, x2: pos, y2: cur.b, w }
            : { t: 'line', x1: cur.a, y1: pos, x2: cur.b, y2: pos, w },
        );
      for (let i = 1; i < list.length; i++) {
        const seg = list[i]!;
        if (seg.a <= cur.b + 0.01) cur.b = Math.max(cur.b, seg.b);
        else {
          flush();
          cur = { ...seg };
        }
      }
      flush();
    }
  };
  merge(horizontal, false);
  merge(vertical, true);
  return out;
}

/** Lay a document out on pages (at least one). */
export function layoutDocument(tree: DocumentTree, m: Metrics, geometry: PageGeometry = A4_GOST): LaidPage[] {
  const x = geometry.margin.left;
  const width = geometry.width - geometry.margin.left - geometry.margin.right;
  const ctx: Context = { m, pageBody: geometry.height - geometry.margin.top - geometry.margin.bottom };
  const pages = paginate(blockChunks(tree.body, x, width, ctx), geometry, ctx);
  // A page break at the very end leaves an empty last page: drop it.
  while (pages.length > 1 && pages[pages.length - 1]!.boxes.length === 0) pages.pop();
  pages.forEach((page, i) => {
    for (const b of running(tree, geometry, m, i + 1, pages.length)) page.boxes.push(b);
    page.boxes = mergeRules(page.boxes);
  });
  return pages;
}
