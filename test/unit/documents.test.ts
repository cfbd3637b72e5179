import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { findKind } from '../../forms/registry';
import { asciiFileName, contentDisposition, pdfFileName } from '../../functions/documents/file-names';
import { type MarkupError, parseMarkup } from '../../functions/documents/markup';
import { renderDocument, renderDocumentText, renderTree, treeToPdf } from '../../functions/documents/render';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  fullName,
  initials,
  pluralWord,
  renderMarkupSource,
  TemplateError,
} from '../../functions/documents/templating';
import { parseTrueType } from '../../functions/documents/truetype';
import { loadInstance } from '../../infra/instances';
import { pdfText } from '../support/pdf-text';
import { diagnosticsPayload, recordItem, stateOfFixture, withResults } from '../support/records';

const settings = loadInstance('smolensk');
const kind = findKind('diagnostics-request')!;

/** Every embedded TrueType font program of a PDF, parsed back. */
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
    fonts.push({ name, font: parseTrueType(decodePDFRawStream(stream).decode()) });
  }
  return fonts;
}

/** A template given as text, as if it were templates/pdf/test/<name>. */
async function treeOf(source: string, context: object = {}, name = 'pdf/test/check.hbs') {
  return renderTree(name, context, source);
}

async function errorOf(promise: Promise<unknown>): Promise<TemplateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('template helpers for Russian documents', () => {
  it('formats dates and instants in the instance time zone, short and long', () => {
    expect(formatDate('2026-11-22', 'Europe/Moscow')).toBe('22.11.2026');
    expect(formatDate('2026-11-22', 'Europe/Moscow', 'long')).toBe('22 ноября 2026 г.');
    // 23:30 UTC on the 21st is already the 22nd in Moscow.
    expect(formatDate('2026-11-21T23:30:00Z', 'Europe/Moscow')).toBe('22.11.2026');
    expect(formatDate('2026-03-01T20:00:00Z', 'Asia/Yekaterinburg', 'long')).toBe('2 марта 2026 г.');
    expect(formatDateTime('2026-11-21T23:30:00Z', 'Europe/Moscow')).toBe('22.11.2026 02:30');
    expect(formatDateTime('2026-11-21T23:30:00Z', 'Asia/Yekaterinburg')).toBe('22.11.2026 04:30');
  });

  it('writes full names and signature initials', () => {
    const person = { lastName: 'Иванова', firstName: 'мария', middleName: 'Петровна' };
    expect(fullName(person)).toBe('Иванова мария Петровна');
    expect(initials(person)).toBe('М.П. Иванова');
    expect(initials({ lastName: 'Смит', firstName: 'Джон' })).toBe('Д. Смит');
  });

  it('agrees nouns with numbers and writes numbers the Russian way', async () => {
    const forms = ['учитель', 'учителя', 'учителей'] as const;
    expect([1, 2, 5, 11, 12, 21, 22, 25, 101, 111, 0].map((n) => pluralWord(n, ...forms))).toEqual([
      'учитель',
      'учителя',
      'учителей',
      'учителей',
      'учителей',
      'учитель',
      'учителя',
      'учителей',
      'учитель',
      'учителей',
      'учителей',
    ]);
    expect(formatNumber(12345.5)).toBe('12\u00a0345,5');
    expect(formatNumber(3, 2)).toBe('3,00');
    const markup = await renderMarkupSource(
      '<p>{{plural n "учитель" "учителя" "учителей"}}; {{number x 1}}; {{label "level" v}}; {{dateTime at}}</p>',
      'pdf/test/helpers.hbs',
      {
        n: 22,
        x: 0.25,
        v: 'high',
        at: '2026-11-22T07:05:00Z',
        enums: { level: { high: 'высокий' } },
        settings: { timeZone: 'Europe/Moscow' },
      },
    );
    expect(markup).toBe('<p>22 учителя; 0,3; высокий; 22.11.2026 10:05</p>');
  });

  it('escapes values, so a payload cannot inject markup', async () => {
    const tree = await treeOf('<p>{{value}}</p>', { value: '<b>Школа № 5</b> & «Лицей»' });
    expect(tree.body[0]).toMatchObject({
      t: 'p',
      inlines: [{ t: 'text', text: '<b>Школа № 5</b> & «Лицей»', style: 0 }],
    });
  });
});

describe('template errors name the file and the line', () => {
  it('an unknown element', async () => {
    const error = await errorOf(treeOf('<p>один</p>\n\n<blink>два</blink>\n'));
    expect(error.file).toBe('templates/pdf/test/check.hbs');
    expect(error.line).toBe(3);
    expect(error.message).toContain('неизвестный элемент <blink>');
  });

  it('an unknown attribute or class, never dropped silently', async () => {
    const attr = await errorOf(treeOf('<p>\n<td style="x">а</td>\n</p>'));
    expect(attr.line).toBe(2);
    expect((await errorOf(treeOf('<p style="color: red">а</p>'))).message).toContain(
      'неизвестный атрибут «style»',
    );
    expect((await errorOf(treeOf('\n<p class="bold">а</p>'))).message).toMatch(
      /строка 2: неизвестный класс «bold»/,
    );
  });

  it('content inside an element that holds none (a signature, a checkbox), never dropped silently', async () => {
    const inside = await errorOf(
      treeOf('<p>а</p>\n<signature role="Директор" name="И.И. Иванов"><p>подпись</p></signature>'),
    );
    expect(inside.line).toBe(2);
    expect(inside.message).toContain('<p> не может стоять внутри <signature>');
    expect((await errorOf(treeOf('<p><checkbox><b>x</b></checkbox></p>'))).message).toContain(
      '<b> не может стоять внутри <checkbox>',
    );
  });

  it('an unclosed tag, reported where it opens, also when the markup comes from a loop', async () => {
    const source = '<h1>Заголовок</h1>\n{{#each rows}}\n<p>{{this}}\n{{/each}}\n<p>конец</p>\n';
    const error = await errorOf(treeOf(source, { rows: ['а', 'б'] }));
    expect(error.line).toBe(3);
    expect(error.message).toContain('элемент <p> не закрыт');
    expect((await errorOf(treeOf('<p>а</b></p>'))).message).toContain(
      'закрывающий тег </b> без открывающего',
    );
  });

  it('a missing variable printed where a value is required; optional ones go inside {{#if}}', async () => {
    const source = '<p>{{payload.name}}</p>\n<p>{{payload.comment}}</p>\n';
    const error = await errorOf(treeOf(source, { payload: { name: 'Иванова' } }));
    expect(error.line).toBe(2);
    expect(error.message).toContain('значение {{payload.comment}} не задано');
    // Inside {{#if}} and in helper arguments a missing field is simply empty, even a missing parent object.
    const ok = await treeOf('{{#if payload.a.b.c}}<p>x</p>{{/if}}<p>{{fullName payload.missing}}.</p>', {
      payload: {},
    });
    expect(ok.body).toEqual([
      { t: 'p', inlines: [{ t: 'text', text: '.', style: 0 }], align: 'left', small: false, indent: false },
    ]);
  });

  it('a Handlebars syntax error, and a helper called without its arguments', async () => {
    const syntax = await errorOf(treeOf('<p>\n{{#if a}}x\n</p>'));
    expect(syntax.file).toBe('templates/pdf/test/check.hbs');
    expect(syntax.line).toBeGreaterThanOrEqual(2);
    const helper = await errorOf(
      treeOf('{{#each rows}}<p>{{label}}</p>{{/each}}', { rows: [{ label: 'x' }] }),
    );
    expect(helper.message).toContain('{{this.label}}');
  });

  it('a character neither font has, named with its code and the template', async () => {
    const tree = await treeOf('<p>Знак \u4E2D</p>');
    const error = await errorOf(
      treeToPdf(tree, 'pdf/test/check.hbs', { title: 't', author: 'a', subject: 's', created: new Date() }),
    );
    expect(error.file).toBe('templates/pdf/test/check.hbs');
    expect(error.message).toContain('U+4E2D');
  });

  it('markup errors carry the markup line when parsed alone', () => {
    try {
      parseMarkup('<p>а</p>\n<table><tr>текст</tr></table>', 'x.hbs');
      throw new Error('no error');
    } catch (error) {
      expect((error as MarkupError).line).toBe(2);
      expect((error as MarkupError).message).toContain('не допускается непосредственно внутри <tr>');
    }
  });
});

describe('documents of the diagnostics request', () => {
  const record = stateOfFixture(
    recordItem({ stage: 'results-issued', payload: withResults(diagnosticsPayload('m@school.example.ru')) }),
  );

  it('fills the request from the payload with Russian labels', async () => {
    const text = await renderDocumentText(kind, 'request', record, settings);
    expect(text).toContain('ЗАЯВЛЕНИЕ');
    expect(text).toContain('Иванова Мария Петровна');
    expect(text).toContain('на основании стандартизированных оценочных процедур');
    expect(text).toContain('предметный, методический, цифровая грамотность и ИКТ');
    expect(text).toContain('с 23.11.2026 по 04.12.2026');
    expect(text).toContain('Заявитель М.П. Иванова');
    expect(text).not.toMatch(/\{\{|undefined|\[object/);
  });

  it('prints a value with characters no font has (Hangul, CJK, an astral character, a control one) as «�», never failing', async () => {
    const payload = diagnosticsPayload('m@school.example.ru');
    const odd = stateOfFixture(
      recordItem({
        stage: 'results-issued',
        payload: withResults({
          ...payload,
          participant: { ...payload.participant, person: { lastName: 'Ким 김', firstName: 'Мария' } },
          comment: 'Удобно 中 после\u0007обеда 𠮷, 😀',
        }),
      }),
    );
    const text = pdfText(await renderDocument(kind, 'request', odd, settings));
    expect(text).toContain('Ким �');
    expect(text).toContain('Удобно � после�обеда �, 😀');
    // The record itself is not touched: only the paper shows the substitute.
    expect((odd.payload as typeof payload).participant.person.lastName).toBe('Ким 김');
  });

  it('renders every document as a one-page A4 PDF with its properties and extractable text', async () => {
    const before = Date.now() - 1000;
    for (const name of Object.keys(kind.documents)) {
      const pdf = await renderDocument(kind, name, record, settings);
      const doc = await PDFDocument.load(pdf, { updateMetadata: false });
      expect(doc.getPageCount()).toBe(1);
      const { width, height } = doc.getPage(0).getSize();
      expect(width).toBeCloseTo(595.28, 1);
      expect(height).toBeCloseTo(841.89, 1);
      expect(doc.getTitle()).toBe(kind.documents[name]!.title);
      expect(doc.getAuthor()).toBe(settings.institute.short);
      expect(doc.getSubject()).toContain(kind.title);
      // The clock adapter's now (PDF dates have whole seconds).
      expect(doc.getCreationDate()!.getTime()).toBeGreaterThanOrEqual(before);
      expect(doc.getCreationDate()!.getTime()).toBeLessThanOrEqual(Date.now());
      expect(doc.catalog.get(PDFName.of('Lang'))?.toString()).toBe('(ru)');
      // Viewers show the title, not the file name, in their window.
      expect(
        doc.catalog
          .lookup(PDFName.of('ViewerPreferences'), PDFDict)
          .get(PDFName.of('DisplayDocTitle'))
          ?.toString(),
      ).toBe('true');
      expect(doc.getCreator()).toBe('cpd-forms');
      const text = pdfText(pdf);
      expect(text).toContain('Иванова Мария Петровна');
      expect(pdf.length).toBeLessThan(60_000);
    }
    const results = pdfText(await renderDocument(kind, 'results', record, settings));
    expect(results).toContain('Общий уровень профессиональных дефицитов средний');
    expect(results).toContain('М-2 Проектирование уроков с использованием цифровых образовательных ресурсов');
    expect(results).toContain('Посетить открытые уроки коллег');
  });

  it('embeds subsets of PT Serif whose glyphs all have outlines (the loca of every subset is right)', async () => {
    const pdf = await renderDocument(kind, 'results', record, settings);
    const fonts = await embeddedFonts(pdf);
    expect(fonts.map((f) => f.name).join(' ')).toMatch(/\/[A-Z]{6}\+PTSerif-Regular/);
    for (const { font } of fonts) {
      const view = new DataView(font.bytes.buffer, font.bytes.byteOffset, font.bytes.byteLength);
      let blank = 0;
      for (let g = 1; g < font.numGlyphs; g++) {
        const start = font.glyphOffset[g]!;
        const end = font.glyphOffset[g + 1]!;
        if (end === start) {
          blank += 1; // the space
          continue;
        }
        // A real glyph record: a sane contour count and a bounding box inside the font's.
        const contours = view.getInt16(start);
        expect(contours).toBeGreaterThanOrEqual(-1);
        expect(contours).toBeLessThan(200);
        expect(view.getInt16(start + 2)).toBeGreaterThanOrEqual(font.bbox[0]);
        expect(view.getInt16(start + 8)).toBeLessThanOrEqual(font.bbox[3]);
      }
      expect(blank).toBeLessThanOrEqual(2);
    }
  });

  it('writes glyph codes that need escaping in a literal string (ids 10, 13, 40, 41, 92) so they extract as written', async () => {
    // Over a hundred distinct characters of one face: the subset ids pass every byte a literal string escapes.
    // (in words short enough that no line breaks inside one: the extracted text folds line ends into spaces)
    const alphabet = 'АБВГДЕЁЖЗИЙ КЛМНОПРСТУФ ХЦЧШЩЪЫЬЭЮЯ абвгдеёжзий клмнопрстуф хцчшщъыьэюя';
    const latin = 'ABCDEFGHIJKLM NOPQRSTUVWXYZ abcdefghijklm nopqrstuvwxyz 0123456789';
    const text = `${alphabet} ${latin} (скобки) \\ «№ 5» — §`;
    const tree = parseMarkup(`<p>${text}</p>`, 'templates/test.hbs');
    const pdf = await treeToPdf(tree, 'test.hbs', {
      title: 'т',
      author: 'а',
      subject: 'с',
      created: new Date('2026-11-22T09:00:00Z'),
    });
    expect(pdfText(pdf)).toBe(text);
  });
});

describe('file names for download', () => {
  it('keeps the Russian name and gives an ASCII transliteration where a mail client needs one', () => {
    const name = 'Карта ИОМ ИОМ-67-2026-00042 (редакция 2)';
    expect(pdfFileName(name)).toBe('Карта ИОМ ИОМ-67-2026-00042 (редакция 2).pdf');
    expect(asciiFileName(name)).toBe('Karta IOM IOM-67-2026-00042 (redaktsiia 2).pdf');
    expect(asciiFileName('Щука/Ёж: «№ 5»')).toBe("Shchuka Ezh 'N 5'.pdf");
    expect(contentDisposition('Заявление № 12')).toBe(
      `attachment; filename="Zaiavlenie N 12.pdf"; filename*=UTF-8''%D0%97%D0%B0%D1%8F%D0%B2%D0%BB%D0%B5%D0%BD%D0%B8%D0%B5%20%E2%84%96%2012.pdf`,
    );
  });
});
