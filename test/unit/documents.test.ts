import fontkit from '@pdf-lib/fontkit';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { findKind } from '../../forms/registry';
import { textToPdf } from '../../functions/documents/pdf';
import { renderDocument, renderDocumentText } from '../../functions/documents/render';
import { formatDate, fullName, initials } from '../../functions/documents/templating';
import {
  A4,
  BODY_SIZE,
  LINE_SPACING,
  layoutText,
  MARGINS,
  pageLabel,
  TEXT_WIDTH,
  wrapParagraph,
} from '../../functions/documents/text-layout';
import { loadInstance } from '../../infra/instances';
import { diagnosticsPayload, recordItem, stateOfFixture, withResults } from '../support/records';

const settings = loadInstance('smolensk');
const kind = findKind('diagnostics-request')!;
const MM = 72 / 25.4;
/** A monospace stand-in for glyph widths: every character 6 pt at 12 pt. */
const mono = (t: string, size: number) => t.length * size * 0.5;

/** Every embedded TrueType font program of a PDF, parsed back with fontkit. */
async function embeddedFonts(pdf: Uint8Array) {
  const doc = await PDFDocument.load(pdf);
  const fonts = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Type'))?.toString() !== '/FontDescriptor')
      continue;
    const file = object.get(PDFName.of('FontFile2'));
    const stream = file instanceof PDFRef ? doc.context.lookup(file) : undefined;
    if (!(stream instanceof PDFRawStream)) continue;
    const name = object.get(PDFName.of('FontName'))?.toString() ?? '';
    fonts.push({ name, font: fontkit.create(Buffer.from(decodePDFRawStream(stream).decode())) });
  }
  return fonts;
}

describe('text layout (pure)', () => {
  it('wraps at word boundaries within the width and breaks words longer than a line', () => {
    const lines = wrapParagraph('один два три четыре пять', 60, (t) => t.length * 6);
    expect(lines).toEqual(['один два', 'три четыре', 'пять']);
    expect(lines.every((l) => l.length * 6 <= 60)).toBe(true);
    expect(wrapParagraph('абвгдежзийклмн', 30, (t) => t.length * 6)).toEqual(['абвгд', 'ежзий', 'клмн']);
  });

  it('keeps GOST R 7.0.97 margins on A4 and starts new pages when the text runs out of room', () => {
    const perPage = Math.floor((A4.height - MARGINS.top - MARGINS.bottom) / (BODY_SIZE * LINE_SPACING));
    const text = Array.from({ length: perPage * 2 + 5 }, (_, i) => `Строка ${i + 1}`).join('\n');
    const pages = layoutText(text, mono);
    expect(pages).toHaveLength(3);
    expect(pages[2]!.lines).toHaveLength(5);
    expect(pages[1]!.lines[0]!.text).toBe(`Строка ${perPage + 1}`);
    for (const line of pages.flatMap((p) => p.lines)) {
      expect(line.x).toBeGreaterThanOrEqual(20 * MM - 0.01);
      expect(line.x + mono(line.text, line.size)).toBeLessThanOrEqual(A4.width - 10 * MM + 0.01);
      expect(line.y).toBeGreaterThan(20 * MM);
      expect(line.y + line.size).toBeLessThanOrEqual(A4.height - 20 * MM + 0.01);
    }
  });

  it('centres headings in bold, right-aligns ">>" lines, and drops markup characters', () => {
    const [page] = layoutText('>> Директору\n# ЗАЯВЛЕНИЕ\n## Раздел\nТекст', mono);
    const [right, heading, section, body] = page!.lines;
    expect(right).toMatchObject({ text: 'Директору', bold: false });
    expect(right!.x + mono('Директору', 12)).toBeCloseTo(MARGINS.left + TEXT_WIDTH, 5);
    expect(heading).toMatchObject({ text: 'ЗАЯВЛЕНИЕ', bold: true, size: 14 });
    expect(heading!.x).toBeCloseTo(MARGINS.left + (TEXT_WIDTH - mono('ЗАЯВЛЕНИЕ', 14)) / 2, 5);
    expect(section).toMatchObject({ text: 'Раздел', bold: true, x: MARGINS.left });
    expect(body).toMatchObject({ text: 'Текст', bold: false, x: MARGINS.left });
  });
});

describe('template helpers', () => {
  it('formats dates and instants in the instance time zone, short and long', () => {
    expect(formatDate('2026-11-22', 'Europe/Moscow')).toBe('22.11.2026');
    expect(formatDate('2026-11-22', 'Europe/Moscow', 'long')).toBe('22 ноября 2026 г.');
    // 23:30 UTC on the 21st is already the 22nd in Moscow.
    expect(formatDate('2026-11-21T23:30:00Z', 'Europe/Moscow')).toBe('22.11.2026');
    expect(formatDate('2026-03-01T20:00:00Z', 'Asia/Yekaterinburg', 'long')).toBe('2 марта 2026 г.');
  });

  it('writes full names and signature initials', () => {
    const person = { lastName: 'Иванова', firstName: 'мария', middleName: 'Петровна' };
    expect(fullName(person)).toBe('Иванова мария Петровна');
    expect(initials(person)).toBe('М.П. Иванова');
    expect(initials({ lastName: 'Смит', firstName: 'Джон' })).toBe('Д. Смит');
  });
});

describe('documents of the diagnostics request', () => {
  const record = stateOfFixture(
    recordItem({ stage: 'results-issued', payload: withResults(diagnosticsPayload('m@school.example.ru')) }),
  );

  it('fills the request from the payload with Russian labels', async () => {
    const text = await renderDocumentText(kind, 'request', record, settings);
    expect(text).toContain('# ЗАЯВЛЕНИЕ');
    expect(text).toContain('Фамилия, имя, отчество: Иванова Мария Петровна');
    expect(text).toContain('Форма диагностики: на основании стандартизированных оценочных процедур');
    expect(text).toContain('Диагностические блоки: предметный, методический, цифровая грамотность и ИКТ');
    expect(text).toContain('Желаемый период: с 23.11.2026 по 04.12.2026');
    expect(text).toContain('>> М.П. Иванова');
    expect(text).not.toMatch(/\{\{|undefined|\[object/);
  });

  it('lists results per block, deficits and recommendations', async () => {
    const text = await renderDocumentText(kind, 'results', record, settings);
    expect(text).toContain('Общий уровень профессиональных дефицитов: средний');
    expect(text).toContain('— цифровая грамотность и ИКТ: уровень дефицитов высокий (баллов: 0 из 20)');
    expect(text).toContain('— М-2. Проектирование уроков');
    expect(text).toContain('— Посетить открытые уроки коллег');
    expect(text).not.toMatch(/\{\{|undefined|\[object/);
  });

  it('renders every document as a loadable A4 PDF with visible Cyrillic glyphs', async () => {
    for (const name of Object.keys(kind.documents)) {
      const pdf = await renderDocument(kind, name, record, settings);
      const doc = await PDFDocument.load(pdf);
      expect(doc.getPageCount()).toBe(1);
      const { width, height } = doc.getPage(0).getSize();
      expect(width).toBeCloseTo(595.28, 1);
      expect(height).toBeCloseTo(841.89, 1);
      expect(doc.getTitle()).toBe(kind.documents[name]!.title);
      // Subsetting must keep the outlines: a blank glyph would print an empty page that still "contains" text.
      const fonts = await embeddedFonts(pdf);
      expect(fonts.map((f) => f.name).join(' ')).toMatch(/DejaVuSans/);
      for (const { font } of fonts) {
        // A subset has no cmap (text is drawn by glyph id): look at every glyph it kept.
        const ids = Array.from({ length: font.numGlyphs - 1 }, (_, i) => i + 1);
        const drawn = ids.filter((id) => font.getGlyph(id).path.toSVG().length > 0);
        expect(ids.length).toBeGreaterThan(20);
        // Only the space (and similar blanks) may be empty.
        expect(drawn.length).toBeGreaterThanOrEqual(ids.length - 2);
      }
      expect(pdf.length).toBeLessThan(80_000);
    }
  });

  it('breaks a long text into as many A4 pages as the layout says, each with its footer', async () => {
    // Short lines never wrap, so the page count does not depend on glyph widths.
    const text = [
      '# Длинный документ',
      ...Array.from({ length: 150 }, (_, i) => `Пункт ${i + 1}. Ёжик в тумане.`),
    ].join('\n');
    const expected = layoutText(text, mono);
    expect(expected).toHaveLength(4);
    const pdf = await textToPdf(text, {
      title: 'Проверка',
      author: 'ЦНППМ',
      date: new Date('2026-11-22T10:00:00Z'),
    });
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(expected.length);
    expect(pageLabel(2, 4)).toBe('стр. 2 из 4');
    // One text object per drawn line plus the footer on every page.
    doc.getPages().forEach((page, i) => {
      const contents = page.node.Contents();
      const stream = contents instanceof PDFArray ? page.node.context.lookup(contents.get(0)) : contents;
      expect(stream).toBeInstanceOf(PDFRawStream);
      const ops = Buffer.from(decodePDFRawStream(stream as PDFRawStream).decode()).toString('latin1');
      expect(ops.match(/\bTj\b/g)?.length).toBe(expected[i]!.lines.length + 1);
    });
  });
});
