import { readFont } from './assets';
import { glyphOf, parseTrueType, type TrueTypeFont } from './truetype';

/**
 * The fonts of every document, parsed once per process and shared by all documents a warm Lambda renders:
 * PT Serif (ParaType's public font for Russian official documents) in four faces, and DejaVu Sans for the few
 * characters PT Serif lacks (☐ ☑ and other symbols). Widths come from per-code-point tables, so measuring a word
 * is a loop over its characters — no shaping.
 */

/** Face index: the low two style bits (1 bold, 2 italic). Fallback faces follow. */
export const FACE_COUNT = 6;
const FALLBACK_REGULAR = 4;
const FALLBACK_BOLD = 5;

const FACE_FILES = ['regular', 'bold', 'italic', 'boldItalic', 'fallback', 'fallbackBold'] as const;
export type FaceFile = (typeof FACE_FILES)[number];

/** What an unprintable character of a value is drawn as (DejaVu Sans has it). */
const REPLACEMENT = '\ufffd';

export class MissingGlyphError extends Error {
  constructor(readonly char: string) {
    const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    super(`Символ «${char}» (U+${code}) отсутствует в шрифтах документа`);
    this.name = 'MissingGlyphError';
  }
}

export class FontSet {
  private readonly parsed: Array<TrueTypeFont | undefined> = new Array(FACE_COUNT);

  constructor(private readonly files: readonly Uint8Array[]) {}

  /** The parsed face (parsed on first use). */
  face(index: number): TrueTypeFont {
    let font = this.parsed[index];
    if (!font) {
      font = parseTrueType(this.files[index]!);
      this.parsed[index] = font;
    }
    return font;
  }

  /** Which face draws a code point in a style: the style's face, else the fallback; -1 if none has it. */
  faceFor(codePoint: number, style: number): number {
    const primary = style & 3;
    if (glyphOf(this.face(primary), codePoint) !== 0) return primary;
    const fallback = style & 1 ? FALLBACK_BOLD : FALLBACK_REGULAR;
    if (glyphOf(this.face(fallback), codePoint) !== 0) return fallback;
    return -1;
  }

  /** Width of a text in points (style bits: 1 bold, 2 italic; others ignored). */
  width(text: string, style: number, size: number): number {
    const face = this.face(style & 3);
    const widths = face.bmpWidthEm;
    const glyphs = face.bmpGlyph;
    let em = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const w = widths[c]!;
      if (w !== 0 || glyphs[c] !== 0) {
        em += w;
        continue;
      }
      em += this.slowWidth(text, i, style);
      if (c >= 0xd800 && c <= 0xdbff) i += 1;
    }
    return em * size;
  }

  private slowWidth(text: string, i: number, style: number): number {
    const cp = text.codePointAt(i)!;
    const index = this.faceFor(cp, style);
    if (index === -1) throw new MissingGlyphError(String.fromCodePoint(cp));
    const f = this.face(index);
    return f.advance[glyphOf(f, cp)]! / f.unitsPerEm;
  }

  /** The first character no face can draw, if any. */
  missing(text: string, style: number): string | undefined {
    const glyphs = this.face(style & 3).bmpGlyph;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (glyphs[c] !== 0) continue;
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i += 1;
      if (cp < 0x20 || this.faceFor(cp, style) !== -1) continue;
      return String.fromCodePoint(cp);
    }
    return undefined;
  }

  /** Per BMP code point: 0 not known yet, 1 drawn in every style, 2 not (see `printable`). */
  private readonly printableBmp = new Uint8Array(0x10000);

  /** Whether every style (regular, bold, italic, bold italic) can draw the code point, itself or by fallback. */
  printable(codePoint: number): boolean {
    if (codePoint < 0x10000) {
      const known = this.printableBmp[codePoint]!;
      if (known !== 0) return known === 1;
    }
    let ok = true;
    for (let style = 0; style < 4 && ok; style++) ok = this.faceFor(codePoint, style) !== -1;
    if (codePoint < 0x10000) this.printableBmp[codePoint] = ok ? 1 : 2;
    return ok;
  }

  /**
   * A value from a record as the documents can print it: each character no style can draw (a Hangul name, an
   * emoji) becomes U+FFFD «�». The stored value keeps the original; only the paper shows the substitute — a valid
   * record must always get its documents (a template's own missing character stays an error: `missing`).
   */
  printableText(text: string): string {
    let out: string | undefined;
    const known = this.printableBmp;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // The common case: a character already known to print, nothing replaced so far.
      if (out === undefined && known[c] === 1 && c >= 0x20 && (c < 0xd800 || c > 0xdfff)) continue;
      const cp = c >= 0xd800 && c <= 0xdbff ? (text.codePointAt(i) ?? c) : c;
      const wide = cp > 0xffff;
      // Tab and line breaks become spaces in the markup; other control characters have no glyph anywhere.
      const ok = cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && this.printable(cp));
      if (!ok && out === undefined) out = text.slice(0, i);
      if (out !== undefined) out += ok ? text.slice(i, wide ? i + 2 : i + 1) : REPLACEMENT;
      if (wide) i += 1;
    }
    return out ?? text;
  }

  /** Ascent and descent of the body face, in ems (for placing baselines in a line). */
  get ascent(): number {
    const f = this.face(0);
    return f.ascender / f.unitsPerEm;
  }

  get descent(): number {
    const f = this.face(0);
    return -f.descender / f.unitsPerEm;
  }
}

let fontSet: Promise<FontSet> | undefined;

/** The process-wide font set (files read once; faces parsed on first use). */
export function documentFonts(): Promise<FontSet> {
  fontSet ??= Promise.all(FACE_FILES.map((name) => readFont(name))).then((files) => new FontSet(files));
  fontSet.catch(() => {
    fontSet = undefined;
  });
  return fontSet;
}
