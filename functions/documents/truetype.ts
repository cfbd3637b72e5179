/**
 * A TrueType (glyf) font: the tables a PDF needs, parsed once per process, and a subsetter that writes correct
 * subsets.
 *
 * Why not fontkit's subsetter (as used by pdf-lib): it lays glyph records end to end and picks the short `loca`
 * format when the subset is small, storing offsets / 2 — so every glyph after an odd-length record points one
 * byte off, and viewers draw nothing. PT Serif and PT Sans have ~200 odd-length glyph records; text extraction
 * still reads every word, so only a picture shows it (test/unit/documents-visual.test.ts). This subsetter always
 * writes the long `loca` format, pads every record to four bytes, drops hinting instructions (no `fpgm`, `prep`,
 * `cvt`; smaller files, and a PDF rasteriser does not need them), and renumbers composite glyphs' components.
 */

export interface TrueTypeFont {
  /** PostScript name (`name` table id 6), e.g. `PTSerif-Regular`. */
  postScriptName: string;
  unitsPerEm: number;
  /** In font units. */
  ascender: number;
  descender: number;
  lineGap: number;
  capHeight: number;
  bbox: [number, number, number, number];
  italicAngle: number;
  underlinePosition: number;
  underlineThickness: number;
  numGlyphs: number;
  /** Glyph id of each BMP code point (0 = not in the font). */
  bmpGlyph: Uint16Array;
  /** Glyph ids of code points above U+FFFF. */
  astralGlyph: Map<number, number>;
  /** Advance width of each glyph, in font units. */
  advance: Uint16Array;
  /** Advance of each BMP code point in ems (advance / unitsPerEm); 0 where the font lacks the character. */
  bmpWidthEm: Float32Array;
  /** Internal: the file and where things are in it. */
  bytes: Uint8Array;
  tables: Map<string, { offset: number; length: number }>;
  glyphOffset: Uint32Array;
  leftSideBearing: Int16Array;
  /** Glyph records without instructions, made on first use and kept (a warm process reuses them). */
  strippedGlyphs: Array<Uint8Array | undefined>;
  /** Component glyph ids of composite glyphs, made with strippedGlyphs. */
  components: Array<Uint16Array | undefined>;
}

export class FontFormatError extends Error {}

function tag(view: DataView, at: number): string {
  return String.fromCharCode(
    view.getUint8(at),
    view.getUint8(at + 1),
    view.getUint8(at + 2),
    view.getUint8(at + 3),
  );
}

export function glyphOf(font: TrueTypeFont, codePoint: number): number {
  return codePoint <= 0xffff ? font.bmpGlyph[codePoint]! : (font.astralGlyph.get(codePoint) ?? 0);
}

/** Parse what a PDF needs of a TrueType font: metrics, the Unicode cmap, advances and the glyph locations. */
export function parseTrueType(bytes: Uint8Array): TrueTypeFont {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0);
  if (version !== 0x00010000 && version !== 0x74727565)
    throw new FontFormatError('Not a TrueType font with glyf outlines');
  const numTables = view.getUint16(4);
  const tables = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < numTables; i++) {
    const at = 12 + i * 16;
    tables.set(tag(view, at), { offset: view.getUint32(at + 8), length: view.getUint32(at + 12) });
  }
  const table = (name: string) => {
    const t = tables.get(name);
    if (!t) throw new FontFormatError(`The font has no ${name} table`);
    return t;
  };

  const head = table('head').offset;
  const unitsPerEm = view.getUint16(head + 18);
  const bbox: [number, number, number, number] = [
    view.getInt16(head + 36),
    view.getInt16(head + 38),
    view.getInt16(head + 40),
    view.getInt16(head + 42),
  ];
  const longLoca = view.getInt16(head + 50) === 1;

  const hhea = table('hhea').offset;
  const numberOfHMetrics = view.getUint16(hhea + 34);
  const numGlyphs = view.getUint16(table('maxp').offset + 4);

  let ascender = view.getInt16(hhea + 4);
  let descender = view.getInt16(hhea + 6);
  let lineGap = view.getInt16(hhea + 8);
  let capHeight = Math.round(ascender * 0.7);
  const os2 = tables.get('OS/2');
  if (os2) {
    const o = os2.offset;
    const useTypo = (view.getUint16(o + 62) & 0x80) !== 0;
    if (useTypo) {
      ascender = view.getInt16(o + 68);
      descender = view.getInt16(o + 70);
      lineGap = view.getInt16(o + 72);
    }
    if (view.getUint16(o) >= 2 && os2.length >= 90) capHeight = view.getInt16(o + 88);
  }

  const post = tables.get('post');
  const italicAngle = post ? view.getInt32(post.offset + 4) / 65536 : 0;
  const underlinePosition = post ? view.getInt16(post.offset + 8) : -Math.round(unitsPerEm * 0.1);
  const underlineThickness = post ? view.getInt16(post.offset + 10) : Math.round(unitsPerEm * 0.05);

  // Advances and left side bearings.
  const hmtx = table('hmtx').offset;
  const advance = new Uint16Array(numGlyphs);
  const leftSideBearing = new Int16Array(numGlyphs);
  let lastAdvance = 0;
  for (let g = 0; g < numGlyphs; g++) {
    if (g < numberOfHMetrics) {
      lastAdvance = view.getUint16(hmtx + g * 4);
      leftSideBearing[g] = view.getInt16(hmtx + g * 4 + 2);
    } else {
      leftSideBearing[g] = view.getInt16(hmtx + numberOfHMetrics * 4 + (g - numberOfHMetrics) * 2);
    }
    advance[g] = lastAdvance;
  }

  // Glyph locations.
  const loca = table('loca').offset;
  const glyf = table('glyf').offset;
  const glyphOffset = new Uint32Array(numGlyphs + 1);
  for (let g = 0; g <= numGlyphs; g++) {
    glyphOffset[g] = glyf + (longLoca ? view.getUint32(loca + g * 4) : view.getUint16(loca + g * 2) * 2);
  }

  // The Unicode cmap: format 12 (full range) if present, else format 4 (BMP).
  const bmpGlyph = new Uint16Array(0x10000);
  const astralGlyph = new Map<number, number>();
  // A subset made for a PDF has no cmap (text is drawn by glyph id): then the font maps no characters.
  const cmapTable = tables.get('cmap');
  const cmap = cmapTable?.offset ?? 0;
  const subtables = cmapTable ? view.getUint16(cmap + 2) : 0;
  let best4 = -1;
  let best12 = -1;
  for (let i = 0; i < subtables; i++) {
    const platform = view.getUint16(cmap + 4 + i * 8);
    const encoding = view.getUint16(cmap + 6 + i * 8);
    const at = cmap + view.getUint32(cmap + 8 + i * 8);
    const format = view.getUint16(at);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 4 && best4 === -1) best4 = at;
    if (format === 12 && best12 === -1) best12 = at;
  }
  if (best12 !== -1) {
    const groups = view.getUint32(best12 + 12);
    for (let i = 0; i < groups; i++) {
      const at = best12 + 16 + i * 12;
      const start = view.getUint32(at);
      const end = view.getUint32(at + 4);
      const startGlyph = view.getUint32(at + 8);
      for (let c = start; c <= end; c++) {
        const g = startGlyph + (c - start);
        if (g >= numGlyphs) continue;
        if (c <= 0xffff) bmpGlyph[c] = g;
        else astralGlyph.set(c, g);
      }
    }
  } else if (best4 !== -1) {
    const segX2 = view.getUint16(best4 + 6);
    const ends = best4 + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const rangeOffsets = deltas + segX2;
    for (let s = 0; s < segX2; s += 2) {
      const end = view.getUint16(ends + s);
      const start = view.getUint16(starts + s);
      const delta = view.getInt16(deltas + s);
      const rangeOffset = view.getUint16(rangeOffsets + s);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let g: number;
        if (rangeOffset === 0) g = (c + delta) & 0xffff;
        else {
          g = view.getUint16(rangeOffsets + s + rangeOffset + (c - start) * 2);
          if (g !== 0) g = (g + delta) & 0xffff;
        }
        if (g < numGlyphs) bmpGlyph[c] = g;
      }
    }
  } else if (cmapTable) {
    throw new FontFormatError('The font has no Unicode cmap');
  }

  const bmpWidthEm = new Float32Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const g = bmpGlyph[c]!;
    if (g !== 0) bmpWidthEm[c] = advance[g]! / unitsPerEm;
  }

  // PostScript name from the name table.
  let postScriptName = 'Font';
  const name = tables.get('name');
  if (name) {
    const count = view.getUint16(name.offset + 2);
    const strings = name.offset + view.getUint16(name.offset + 4);
    for (let i = 0; i < count; i++) {
      const at = name.offset + 6 + i * 12;
      if (view.getUint16(at + 6) !== 6) continue;
      const platform = view.getUint16(at);
      const length = view.getUint16(at + 8);
      const offset = strings + view.getUint16(at + 10);
      let s = '';
      if (platform === 3 || platform === 0) {
        for (let k = 0; k < length; k += 2) s += String.fromCharCode(view.getUint16(offset + k));
      } else {
        for (let k = 0; k < length; k++) s += String.fromCharCode(view.getUint8(offset + k));
      }
      if (s) {
        postScriptName = s.replace(/[^\x21-\x7e]|[[\](){}<>/%#]/g, '');
        break;
      }
    }
  }

  return {
    postScriptName,
    unitsPerEm,
    ascender,
    descender,
    lineGap,
    capHeight,
    bbox,
    italicAngle,
    underlinePosition,
    underlineThickness,
    numGlyphs,
    bmpGlyph,
    astralGlyph,
    advance,
    bmpWidthEm,
    bytes,
    tables,
    glyphOffset,
    leftSideBearing,
    strippedGlyphs: new Array(numGlyphs),
    components: new Array(numGlyphs),
  };
}

const EMPTY = new Uint8Array(0);
const EMPTY_COMPONENTS = new Uint16Array(0);

/** A glyph record without hinting instructions, and the glyph ids of its components (composite glyphs). */
function strippedGlyph(font: TrueTypeFont, gid: number): Uint8Array {
  const cached = font.strippedGlyphs[gid];
  if (cached) return cached;
  const start = font.glyphOffset[gid]!;
  const end = font.glyphOffset[gid + 1]!;
  let out: Uint8Array;
  let components = EMPTY_COMPONENTS;
  if (end <= start) {
    out = EMPTY;
  } else {
    const src = font.bytes.subarray(start, end);
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const contours = view.getInt16(0);
    if (contours >= 0) {
      const instrAt = 10 + contours * 2;
      const instrLength = view.getUint16(instrAt);
      out = new Uint8Array(src.length - instrLength);
      out.set(src.subarray(0, instrAt), 0);
      // instructionLength = 0 (already zero in the new array)
      out.set(src.subarray(instrAt + 2 + instrLength), instrAt + 2);
    } else {
      const list: number[] = [];
      let at = 10;
      let flags: number;
      do {
        flags = view.getUint16(at);
        list.push(view.getUint16(at + 2));
        at += 4 + (flags & 0x0001 ? 4 : 2);
        if (flags & 0x0008) at += 2;
        else if (flags & 0x0040) at += 4;
        else if (flags & 0x0080) at += 8;
      } while (flags & 0x0020);
      out = src.slice(0, at);
      // Clear WE_HAVE_INSTRUCTIONS on every component (the instructions after the last one are dropped).
      const outView = new DataView(out.buffer);
      let p = 10;
      let f: number;
      do {
        f = outView.getUint16(p);
        outView.setUint16(p, f & ~0x0100);
        p += 4 + (f & 0x0001 ? 4 : 2);
        if (f & 0x0008) p += 2;
        else if (f & 0x0040) p += 4;
        else if (f & 0x0080) p += 8;
      } while (f & 0x0020);
      components = Uint16Array.from(list);
    }
  }
  font.strippedGlyphs[gid] = out;
  font.components[gid] = components;
  return out;
}

function checksum(data: Uint8Array): number {
  let sum = 0;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const whole = data.length & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  if (whole < data.length) {
    let last = 0;
    for (let i = whole; i < whole + 4; i++) last = (last << 8) | (i < data.length ? data[i]! : 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * A TrueType font with only the given glyphs, renumbered in the given order (`glyphs[newId] = oldId`;
 * `glyphs[0]` must be 0, .notdef). Components of composite glyphs are appended after them.
 */
export function subsetTrueType(font: TrueTypeFont, glyphs: readonly number[]): Uint8Array {
  if (glyphs[0] !== 0) throw new Error('The first glyph of a subset must be .notdef (0)');
  const order = [...glyphs];
  const newId = new Map<number, number>();
  order.forEach((g, i) => {
    newId.set(g, i);
  });
  // Add components (recursively: a component may be composite itself).
  for (let i = 0; i < order.length; i++) {
    strippedGlyph(font, order[i]!);
    for (const c of font.components[order[i]!]!) {
      if (!newId.has(c)) {
        newId.set(c, order.length);
        order.push(c);
      }
    }
  }

  // glyf and loca (long format).
  const records: Uint8Array[] = [];
  let glyfLength = 0;
  for (const g of order) {
    let record = strippedGlyph(font, g);
    const components = font.components[g]!;
    if (components.length > 0) {
      record = record.slice();
      const view = new DataView(record.buffer);
      let at = 10;
      let flags: number;
      do {
        flags = view.getUint16(at);
        view.setUint16(at + 2, newId.get(view.getUint16(at + 2))!);
        at += 4 + (flags & 0x0001 ? 4 : 2);
        if (flags & 0x0008) at += 2;
        else if (flags & 0x0040) at += 4;
        else if (flags & 0x0080) at += 8;
      } while (flags & 0x0020);
    }
    records.push(record);
    glyfLength += pad4(record.length);
  }
  const glyf = new Uint8Array(glyfLength);
  const loca = new Uint8Array((order.length + 1) * 4);
  const locaView = new DataView(loca.buffer);
  let offset = 0;
  records.forEach((record, i) => {
    locaView.setUint32(i * 4, offset);
    glyf.set(record, offset);
    offset += pad4(record.length);
  });
  locaView.setUint32(order.length * 4, offset);

  // hmtx: a full metric for every glyph.
  const hmtx = new Uint8Array(order.length * 4);
  const hmtxView = new DataView(hmtx.buffer);
  order.forEach((g, i) => {
    hmtxView.setUint16(i * 4, font.advance[g]!);
    hmtxView.setInt16(i * 4 + 2, font.leftSideBearing[g]!);
  });

  const copy = (name: string) => {
    const t = font.tables.get(name)!;
    return font.bytes.slice(t.offset, t.offset + t.length);
  };
  const head = copy('head');
  const headView = new DataView(head.buffer);
  headView.setUint32(8, 0); // checkSumAdjustment, set below
  headView.setInt16(50, 1); // indexToLocFormat: long
  const hhea = copy('hhea');
  new DataView(hhea.buffer).setUint16(34, order.length);
  const maxp = copy('maxp');
  const maxpView = new DataView(maxp.buffer);
  maxpView.setUint16(4, order.length);
  if (maxp.length >= 32) maxpView.setUint16(26, 0); // maxSizeOfInstructions

  return writeTrueType([
    ['glyf', glyf],
    ['head', head],
    ['hhea', hhea],
    ['hmtx', hmtx],
    ['loca', loca],
    ['maxp', maxp],
  ]);
}

/** A TrueType file of the given tables (tags in ascending order), with checksums and head.checkSumAdjustment. */
export function writeTrueType(out: Array<[string, Uint8Array]>): Uint8Array {
  const numTables = out.length;
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= numTables) entrySelector += 1;
  const searchRange = (1 << entrySelector) * 16;
  let size = 12 + numTables * 16;
  for (const [, data] of out) size += pad4(data.length);
  const file = new Uint8Array(size);
  const fileView = new DataView(file.buffer);
  fileView.setUint32(0, 0x00010000);
  fileView.setUint16(4, numTables);
  fileView.setUint16(6, searchRange);
  fileView.setUint16(8, entrySelector);
  fileView.setUint16(10, numTables * 16 - searchRange);
  let at = 12 + numTables * 16;
  let headAt = -1;
  out.forEach(([name, data], i) => {
    const entry = 12 + i * 16;
    for (let k = 0; k < 4; k++) fileView.setUint8(entry + k, name.charCodeAt(k));
    fileView.setUint32(entry + 4, checksum(data));
    fileView.setUint32(entry + 8, at);
    fileView.setUint32(entry + 12, data.length);
    file.set(data, at);
    if (name === 'head') headAt = at;
    at += pad4(data.length);
  });
  if (headAt >= 0) {
    fileView.setUint32(headAt + 8, 0);
    fileView.setUint32(headAt + 8, (0xb1b0afba - checksum(file)) >>> 0);
  }
  return file;
}
