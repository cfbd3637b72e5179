import { deflateSync } from 'node:zlib';
import type { FontSet } from './fonts';
import type { Box, LaidPage, PageGeometry } from './layout';
import { A4_GOST } from './layout';
import { STYLE_UNDERLINE } from './markup';
import {
  PDFArray,
  PDFContext,
  type PDFContextType,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFRawValue,
  type PDFRef,
  PDFString,
  PDFWriter,
} from './pdf-core';
import { glyphOf, subsetTrueType, type TrueTypeFont } from './truetype';

/**
 * Step 3 of 3: pages of boxes → PDF bytes with pdf-lib's object model and writer (pdf-core.ts): pdf-lib numbers the
 * objects and writes the cross-reference table and trailer; the catalog, page tree and metadata are a few
 * dictionaries made here, as are the page content streams and the font objects (Type0 / CIDFontType2, Identity-H, with a
 * ToUnicode map so text extracts as written) are made here, because going through pdf-lib's per-operator objects
 * and its JavaScript deflate costs more than the whole layout. Streams are compressed with the platform's zlib.
 */

export interface PdfInfo {
  title: string;
  /** The institute (its short name). */
  author: string;
  subject: string;
  /** When the document was made (the clock adapter's now). */
  created: Date;
  /** BCP 47; `ru` for every document here. */
  language?: string;
  keywords?: string[];
}

export interface DrawOptions {
  /** The font subsetter (tests swap in a broken one to prove the visual test can fail). */
  subset?: (font: TrueTypeFont, glyphs: readonly number[]) => Uint8Array;
}

/** A face used by one document: the glyphs it draws, numbered in order of first use. */
class UsedFace {
  /** newGid by original gid; -1 = not used yet. */
  readonly newId: Int32Array;
  readonly order: number[] = [0];
  readonly unicode: string[] = [''];

  constructor(readonly font: TrueTypeFont) {
    this.newId = new Int32Array(font.numGlyphs).fill(-1);
    this.newId[0] = 0;
  }

  /** The subset id of a glyph, assigned on first use. */
  id(gid: number, text: string): number {
    const id = this.newId[gid]!;
    if (id !== -1) return id;
    const next = this.order.length;
    this.newId[gid] = next;
    this.order.push(gid);
    this.unicode.push(text);
    return next;
  }
}

const BACKSLASH = 0x5c;

/**
 * A content stream written as bytes: operators and numbers as ASCII, glyph codes as they go in a string. Built as
 * JavaScript strings (a piece per operator, joined, then encoded as Latin-1), it made most of a document's garbage.
 */
class ContentWriter {
  buf = new Uint8Array(1 << 14);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** ASCII text (operators, names). */
  ascii(text: string): void {
    this.room(text.length);
    for (let i = 0; i < text.length; i++) this.buf[this.len++] = text.charCodeAt(i);
  }

  /**
   * A coordinate with at most two decimals (1/7200 inch is finer than any printer), written as `${r / 100}`
   * would write it.
   */
  num(n: number): void {
    let r = Math.round(n * 100);
    this.room(24);
    if (r < 0) {
      this.buf[this.len++] = 0x2d; // '-'
      r = -r;
    }
    const whole = Math.floor(r / 100);
    const cents = r - whole * 100;
    if (whole === 0) this.buf[this.len++] = 0x30;
    else {
      let digits = 1;
      for (let v = whole; v >= 10; v = Math.floor(v / 10)) digits++;
      let at = this.len + digits;
      this.len = at;
      for (let v = whole; v > 0; v = Math.floor(v / 10)) this.buf[--at] = 0x30 + (v % 10);
    }
    if (cents !== 0) {
      this.buf[this.len++] = 0x2e; // '.'
      this.buf[this.len++] = 0x30 + Math.floor(cents / 10);
      if (cents % 10 !== 0) this.buf[this.len++] = 0x30 + (cents % 10);
    }
  }

  /** A subset glyph id as the two bytes of a code inside a literal string `( )`. */
  code(id: number): void {
    this.room(8);
    this.literalByte(id >> 8);
    this.literalByte(id & 0xff);
  }

  /**
   * One byte inside a literal string (PDF 32000-1, 7.3.4.2): written as itself except the delimiters and the
   * backslash, which are escaped, and end-of-line bytes, which a reader would normalise (as octal `\012`,
   * `\015`) — half the bytes of the `<hex>` form, so less to build and to compress.
   */
  private literalByte(b: number): void {
    if (b === 0x28 || b === 0x29 || b === BACKSLASH) {
      this.buf[this.len++] = BACKSLASH;
      this.buf[this.len++] = b;
    } else if (b === 0x0a || b === 0x0d) {
      this.buf[this.len++] = BACKSLASH;
      this.buf[this.len++] = 0x30;
      this.buf[this.len++] = 0x31;
      this.buf[this.len++] = 0x30 + (b & 7);
    } else this.buf[this.len++] = b;
  }

  append(other: ContentWriter): void {
    this.room(other.len);
    this.buf.set(other.buf.subarray(0, other.len), this.len);
    this.len += other.len;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/**
 * The text object of a page: where the last run started and the font in use. Runs are placed by relative moves
 * (Td) from the start of the previous one, shorter than a matrix per run; a font is set only when it changes.
 */
class TextRuns {
  private lineX = 0;
  private lineY = 0;
  private font = -1;
  private size = -1;
  /**
   * The pen: where the next glyph of the box being written goes (writeTextBox). A field, so adding each glyph's
   * advance updates a number in place; a local passed on to `open` was boxed anew at every glyph. Starts as a
   * fraction so the field is a double from the first write.
   */
  x = 0.5;

  constructor(private readonly out: ContentWriter) {}

  /** Starts a run of `face` at (x, y): `[/Fn size Tf] dx dy Td (` — the codes and `) Tj` follow. */
  open(face: number, size: number, y: number): void {
    const out = this.out;
    const x = this.x;
    if (face !== this.font || size !== this.size) {
      out.ascii('\n/F');
      out.num(face);
      out.ascii(' ');
      out.num(size);
      out.ascii(' Tf');
      this.font = face;
      this.size = size;
    }
    out.ascii('\n');
    out.num(x - this.lineX);
    out.ascii(' ');
    out.num(y - this.lineY);
    out.ascii(' Td (');
    this.lineX = x;
    this.lineY = y;
  }
}

/** The four hex digits of a subset glyph id (in the ToUnicode map). */
function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

function toUnicodeCMap(face: UsedFace): string {
  const lines = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
  ];
  const entries: string[] = [];
  for (let id = 1; id < face.order.length; id++) {
    let utf16 = '';
    const text = face.unicode[id]!;
    for (let k = 0; k < text.length; k++) utf16 += text.charCodeAt(k).toString(16).padStart(4, '0');
    entries.push(`<${hex4(id)}> <${utf16}>`);
  }
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    lines.push(`${block.length} beginbfchar`, ...block, 'endbfchar');
  }
  lines.push('endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end');
  return lines.join('\n');
}

/** Six capital letters naming a subset (PDF 32000-1, 9.6.4), stable for the same glyphs. */
function subsetTag(face: UsedFace, index: number): string {
  let h = 2166136261 ^ index;
  for (const g of face.order) {
    h ^= g;
    h = Math.imul(h, 16777619);
  }
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag += String.fromCharCode(65 + ((h >>> 0) % 26));
    h = Math.imul(h ^ (h >>> 13), 1103515245) + 12345;
  }
  return tag;
}

/**
 * A stream deflated with the platform's zlib (pdf-lib's own deflate is JavaScript) at level 3: page contents and
 * ToUnicode maps are text that shrinks to a third, and higher levels (tried: 1–6) gained little. Synchronously:
 * zlib's asynchronous path cost more main-thread time in its stream machinery than the thread pool saved (bench:
 * 6.4 vs 6.2 ms of CPU per route card).
 */
function stream(ctx: PDFContextType, data: Uint8Array): PDFRef {
  const compressed = deflateSync(data, { level: 3 });
  const dict = ctx.obj({ Filter: 'FlateDecode', Length: compressed.length });
  return ctx.register(PDFRawStream.of(dict, compressed));
}

function embedFace(
  ctx: PDFContextType,
  face: UsedFace,
  index: number,
  serif: boolean,
  subset: NonNullable<DrawOptions['subset']>,
): PDFRef {
  const f = face.font;
  const scale = 1000 / f.unitsPerEm;
  const name = `${subsetTag(face, index)}+${f.postScriptName}`;
  const program = subset(f, face.order);
  // The font program is stored as it is: glyph outlines deflate by only ≈ 30 % (route card: 22.6 → 15.3 KB), and
  // deflating them took ≈ 0.5 ms of a 3.5 ms route card; the document stays far smaller than pdfmake's.
  const fontFile = ctx.register(
    PDFRawStream.of(ctx.obj({ Length: program.length, Length1: program.length }), program),
  );
  const italic = f.italicAngle !== 0;
  const descriptor = ctx.register(
    ctx.obj({
      Type: 'FontDescriptor',
      FontName: name,
      Flags: 4 | (serif ? 2 : 0) | (italic ? 64 : 0),
      FontBBox: f.bbox.map((v) => Math.round(v * scale)),
      ItalicAngle: f.italicAngle,
      Ascent: Math.round(f.ascender * scale),
      Descent: Math.round(f.descender * scale),
      CapHeight: Math.round(f.capHeight * scale),
      StemV: 80,
      FontFile2: fontFile,
    }),
  );
  // W (PDF 32000-1, 9.7.4.3): the widths of the subset's glyphs from id 0, in thousandths of an em.
  let widths = '';
  for (const g of face.order) widths += `${Math.round(f.advance[g]! * scale)} `;
  const w = new PDFRawValue(`[0 [${widths.trimEnd()}]]`);
  const cidFont = ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: name,
      CIDSystemInfo: ctx.obj({
        Registry: PDFString.of('Adobe'),
        Ordering: PDFString.of('Identity'),
        Supplement: 0,
      }),
      FontDescriptor: descriptor,
      W: w,
      CIDToGIDMap: 'Identity',
    }),
  );
  const toUnicode = stream(ctx, Buffer.from(toUnicodeCMap(face), 'latin1'));
  const descendants = PDFArray.withContext(ctx);
  descendants.push(cidFont);
  return ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: name,
      Encoding: 'Identity-H',
      DescendantFonts: descendants,
      ToUnicode: toUnicode,
    }),
  );
}

/** The faces a document draws with, each made a UsedFace at its first glyph. */
class Faces {
  readonly used: Array<UsedFace | undefined> = [];

  constructor(private readonly fonts: FontSet) {}

  face(index: number): UsedFace {
    let u = this.used[index];
    if (!u) {
      u = new UsedFace(this.fonts.face(index));
      this.used[index] = u;
    }
    return u;
  }
}

/**
 * The glyph codes of one text box: runs of one face each, `x y Td (codes) Tj`, a run opened at its first glyph.
 * A function of its own, called for every box, so it is optimised early (inside drawPdf's long body the pen
 * position was a new heap number per glyph: 2 MB of garbage per 300-row consent sheet).
 */
function writeTextBox(
  box: Extract<Box, { t: 'text' }>,
  y: number,
  faces: Faces,
  fonts: FontSet,
  text: ContentWriter,
  runs: TextRuns,
): void {
  const primary = box.style & 3;
  const size = box.size;
  runs.x = box.x;
  let runFace = -1;
  const s = box.text;
  const main = faces.face(primary);
  const mainGlyphs = main.font.bmpGlyph;
  const mainScale = size / main.font.unitsPerEm;
  const mainAdvance = main.font.advance;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    let gid = mainGlyphs[cp]!;
    if (gid !== 0) {
      // The common case: a BMP character of the style's own face.
      if (runFace !== primary) {
        if (runFace !== -1) text.ascii(') Tj');
        runFace = primary;
        runs.open(primary, size, y);
      }
      const id = main.newId[gid]!;
      text.code(id !== -1 ? id : main.id(gid, s[i]!));
      runs.x += mainAdvance[gid]! * mainScale;
      continue;
    }
    let ch = s[i]!;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      cp = s.codePointAt(i)!;
      ch = String.fromCodePoint(cp);
      i += 1;
    }
    let faceIndex = fonts.faceFor(cp, box.style);
    if (faceIndex === -1) faceIndex = primary;
    const face = faces.face(faceIndex);
    gid = glyphOf(face.font, cp);
    if (faceIndex !== runFace) {
      if (runFace !== -1) text.ascii(') Tj');
      runFace = faceIndex;
      runs.open(faceIndex, size, y);
    }
    text.code(face.id(gid, ch));
    runs.x += (face.font.advance[gid]! / face.font.unitsPerEm) * size;
  }
  if (runFace !== -1) text.ascii(') Tj');
}

/** Draw laid-out pages into a PDF. */
export async function drawPdf(
  pages: LaidPage[],
  fonts: FontSet,
  info: PdfInfo,
  options: DrawOptions = {},
  geometry: PageGeometry = A4_GOST,
): Promise<Uint8Array> {
  const ctx = PDFContext.create();
  const faces = new Faces(fonts);
  const H = geometry.height;
  const contents: PDFRef[] = [];

  // Two writers reused page after page: graphics (rules, shading) first, then the text object over them.
  const graphics = new ContentWriter();
  const text = new ContentWriter();
  for (const page of pages) {
    graphics.len = 0;
    text.len = 0;
    text.ascii('BT');
    /** A new graphics operation; operations are separated by line ends. */
    const op = () => {
      if (graphics.len > 0) graphics.ascii('\n');
    };
    let lineWidth = -1;
    const setWidth = (w: number) => {
      if (w !== lineWidth) {
        op();
        graphics.num(w);
        graphics.ascii(' w');
        lineWidth = w;
      }
    };
    const stroke = (x1: number, y1: number, x2: number, y2: number) => {
      op();
      graphics.num(x1);
      graphics.ascii(' ');
      graphics.num(y1);
      graphics.ascii(' m ');
      graphics.num(x2);
      graphics.ascii(' ');
      graphics.num(y2);
      graphics.ascii(' l S');
    };
    const runs = new TextRuns(text);
    for (const box of page.boxes) {
      if (box.t === 'line') {
        setWidth(box.w);
        stroke(box.x1, H - box.y1, box.x2, H - box.y2);
        continue;
      }
      if (box.t === 'rect') {
        op();
        graphics.num(box.gray);
        graphics.ascii(' g ');
        graphics.num(box.x);
        graphics.ascii(' ');
        graphics.num(H - box.y - box.h);
        graphics.ascii(' ');
        graphics.num(box.w);
        graphics.ascii(' ');
        graphics.num(box.h);
        graphics.ascii(' re f 0 g');
        continue;
      }
      writeTextBox(box, H - box.y, faces, fonts, text, runs);
      if (box.style & STYLE_UNDERLINE) {
        const f = faces.face(box.style & 3).font;
        const uy = box.y - (f.underlinePosition / f.unitsPerEm) * box.size;
        setWidth(Math.max(0.4, (f.underlineThickness / f.unitsPerEm) * box.size));
        stroke(box.x, H - uy, box.x + box.w, H - uy);
      }
    }
    text.ascii('\nET');
    graphics.ascii('\n');
    graphics.append(text);
    contents.push(stream(ctx, graphics.bytes()));
  }

  const fontDict = ctx.obj({});
  faces.used.forEach((face, index) => {
    if (face)
      fontDict.set(
        PDFName.of(`F${index}`),
        embedFace(ctx, face, index, index < 4, options.subset ?? subsetTrueType),
      );
  });
  const resources = ctx.register(ctx.obj({ Font: fontDict, ProcSet: ['PDF', 'Text'] }));
  // The page tree (PDF 32000-1, 7.7.3): one level, every page inheriting nothing.
  const pagesRef = ctx.nextRef();
  const kids = contents.map((content) =>
    ctx.register(
      ctx.obj({
        Type: 'Page',
        Parent: pagesRef,
        MediaBox: [0, 0, geometry.width, geometry.height],
        Resources: resources,
        Contents: content,
      }),
    ),
  );
  ctx.assign(pagesRef, ctx.obj({ Type: 'Pages', Kids: kids, Count: kids.length }));
  // Catalog (7.7.2): the language (14.9.2) and the title shown instead of the file name (12.2, DisplayDocTitle).
  ctx.trailerInfo.Root = ctx.register(
    ctx.obj({
      Type: 'Catalog',
      Pages: pagesRef,
      Lang: PDFString.of(info.language ?? 'ru'),
      ViewerPreferences: ctx.obj({ DisplayDocTitle: true }),
    }),
  );
  // Document information (14.3.3); text strings in UTF-16 so Cyrillic reads right in every viewer.
  const created = PDFString.fromDate(info.created);
  ctx.trailerInfo.Info = ctx.register(
    ctx.obj({
      Title: PDFHexString.fromText(info.title),
      Author: PDFHexString.fromText(info.author),
      Subject: PDFHexString.fromText(info.subject),
      ...(info.keywords?.length ? { Keywords: PDFHexString.fromText(info.keywords.join(' ')) } : {}),
      Creator: PDFHexString.fromText('cpd-forms'),
      Producer: PDFHexString.fromText('cpd-forms (pdf-lib)'),
      CreationDate: created,
      ModDate: created,
    }),
  );
  // pdf-lib's writer yields to the event loop (setTimeout 0, ≥ 1 ms) every `objectsPerTick` objects; a document
  // is small and a Lambda renders one at a time, so the yields were only idle time.
  return PDFWriter.forContext(ctx, Number.POSITIVE_INFINITY).serializeToBuffer();
}
