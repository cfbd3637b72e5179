/**
 * Plain-text layout for the simple PDF renderer: lines of text → positioned lines on A4 pages. Pure (glyph widths
 * come from a measuring function), so it is testable without a PDF.
 *
 * Markup of the text (one paragraph per line):
 *   `# Title`     heading: bold, larger, centred
 *   `## Section`  subheading: bold, left
 *   `>> text`     right-aligned (the addressee block of an application)
 *   empty line    vertical space
 *   anything else a paragraph, word-wrapped to the text width
 */

const MM = 72 / 25.4;

/** A4 in points (ISO 216: 210 × 297 mm). */
export const A4 = { width: 210 * MM, height: 297 * MM } as const;

/** GOST R 7.0.97-2016, 5.1: margins of at least 20 mm left, 10 mm right, 20 mm top and bottom. */
export const MARGINS = { left: 20 * MM, right: 10 * MM, top: 20 * MM, bottom: 20 * MM } as const;

export const BODY_SIZE = 12;
export const HEADING_SIZE = 14;
export const SUBHEADING_SIZE = 12;
export const FOOTER_SIZE = 9;
/** Line spacing as a multiple of the font size. */
export const LINE_SPACING = 1.25;
/** Space before a heading and after a paragraph, in points. */
const HEADING_SPACE_BEFORE = 6;
const BLANK_LINE = BODY_SIZE * 0.75;

export type Style = 'body' | 'heading' | 'subheading';
export type Align = 'left' | 'center' | 'right';

export interface PlacedLine {
  text: string;
  /** Baseline position in PDF points (origin bottom left). */
  x: number;
  y: number;
  size: number;
  bold: boolean;
}

export interface LaidOutPage {
  lines: PlacedLine[];
}

/** Width of a text at a size, in points, in the regular or bold face. */
export type Measure = (text: string, size: number, bold: boolean) => number;

export const TEXT_WIDTH = A4.width - MARGINS.left - MARGINS.right;

/** Split one paragraph into lines no wider than `width`; a word longer than a line is broken by characters. */
export function wrapParagraph(text: string, width: number, measure: (t: string) => number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  const pushWord = (word: string) => {
    const candidate = current ? `${current} ${word}` : word;
    if (measure(candidate) <= width) {
      current = candidate;
      return;
    }
    if (current) lines.push(current);
    current = '';
    if (measure(word) <= width) {
      current = word;
      return;
    }
    // A word wider than the line (a long URL or number): break it where it no longer fits.
    let piece = '';
    for (const ch of word) {
      if (piece && measure(piece + ch) > width) {
        lines.push(piece);
        piece = '';
      }
      piece += ch;
    }
    current = piece;
  };
  for (const word of words) pushWord(word);
  if (current) lines.push(current);
  return lines;
}

function parseLine(raw: string): { style: Style; align: Align; text: string } {
  if (raw.startsWith('# ')) return { style: 'heading', align: 'center', text: raw.slice(2).trim() };
  if (raw.startsWith('## ')) return { style: 'subheading', align: 'left', text: raw.slice(3).trim() };
  if (raw.startsWith('>> ')) return { style: 'body', align: 'right', text: raw.slice(3).trim() };
  return { style: 'body', align: 'left', text: raw.trim() };
}

const SIZE: Record<Style, number> = { body: BODY_SIZE, heading: HEADING_SIZE, subheading: SUBHEADING_SIZE };

/** Lay the text out on as many A4 pages as it needs (at least one). */
export function layoutText(text: string, measure: Measure): LaidOutPage[] {
  const pages: LaidOutPage[] = [{ lines: [] }];
  const top = A4.height - MARGINS.top;
  let y = top;
  let page = pages[0]!;
  const newPage = () => {
    page = { lines: [] };
    pages.push(page);
    y = top;
  };
  // Consecutive blank lines collapse; blank lines at the top of a page are dropped.
  let pendingSpace = 0;
  let previous: Style | undefined;
  const rawLines = text.replace(/\t/g, '    ').split('\n');
  for (const raw of rawLines) {
    if (raw.trim() === '') {
      pendingSpace = Math.max(pendingSpace, BLANK_LINE);
      continue;
    }
    const { style, align, text: content } = parseLine(raw);
    const size = SIZE[style];
    const bold = style !== 'body';
    const lineHeight = size * LINE_SPACING;
    const wrapped = wrapParagraph(content, TEXT_WIDTH, (t) => measure(t, size, bold));
    // A heading gets space before it, except right under another heading (a two-line title).
    let space = pendingSpace + (style === 'body' || previous === style ? 0 : HEADING_SPACE_BEFORE);
    pendingSpace = 0;
    previous = style;
    // Keep a heading with at least the first line after it: move it to the next page if it would end one.
    const keep = style === 'body' ? lineHeight : lineHeight + BODY_SIZE * LINE_SPACING;
    if (y !== top && y - space - keep < MARGINS.bottom) newPage();
    if (y === top) space = 0;
    y -= space;
    for (const line of wrapped) {
      if (y - lineHeight < MARGINS.bottom) newPage();
      y -= lineHeight;
      const width = measure(line, size, bold);
      const x =
        align === 'center'
          ? MARGINS.left + (TEXT_WIDTH - width) / 2
          : align === 'right'
            ? MARGINS.left + TEXT_WIDTH - width
            : MARGINS.left;
      // The baseline leaves one font size above it for the ascent (capitals with accents: Й, Ё) and the rest
      // of the line below it for the descent.
      page.lines.push({ text: line, x, y: y + lineHeight - size, size, bold });
    }
  }
  return pages;
}

/** "стр. N из M" */
export function pageLabel(n: number, total: number): string {
  return `стр. ${n} из ${total}`;
}
