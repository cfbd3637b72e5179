import { describe, expect, it } from 'vitest';
import {
  A4_GOST,
  type Box,
  breakLines,
  type LaidPage,
  layoutDocument,
  mergeRules,
  TYPE,
} from '../../functions/documents/layout';
import { type DocumentTree, parseMarkup } from '../../functions/documents/markup';

/** Step 2 alone: layout with a fixed-width stand-in for glyph widths (every character half its size wide). */
const mono = {
  width: (t: string, _style: number, size: number) => t.length * size * 0.5,
  ascent: 0.8,
  descent: 0.2,
};
const MM = 72 / 25.4;
const BODY_W = A4_GOST.width - A4_GOST.margin.left - A4_GOST.margin.right;
const BODY_H = A4_GOST.height - A4_GOST.margin.top - A4_GOST.margin.bottom;

const lay = (markup: string) => layoutDocument(parseMarkup(markup, 't.hbs'), mono);
const texts = (page: LaidPage) => page.boxes.filter((b): b is Extract<Box, { t: 'text' }> => b.t === 'text');
const bodyTexts = (page: LaidPage) => texts(page).filter((b) => b.y < A4_GOST.height - A4_GOST.margin.bottom);
const ctx = { m: mono, pageBody: BODY_H };

describe('layout: lines', () => {
  it('wraps at spaces within the width and breaks a word longer than a line by characters', () => {
    const inline = [{ t: 'text' as const, text: 'один два три четыре пять', style: 0 }];
    // 12 pt: 6 pt per character; 60 pt hold 10 characters.
    const lines = breakLines(inline, 60, 12, ctx).map((l) =>
      l.words.map((w) => w.segs.map((s) => s.text).join('')).join(' '),
    );
    expect(lines).toEqual(['один два', 'три четыре', 'пять']);
    const long = breakLines([{ t: 'text', text: 'абвгдежзийклмнопрст', style: 0 }], 30, 12, ctx);
    expect(long.map((l) => l.words[0]!.segs.map((s) => s.text).join(''))).toEqual([
      'абвгд',
      'ежзий',
      'клмно',
      'прст',
    ]);
  });

  it('keeps GOST R 7.0.97 margins on A4: left 20 mm, right 10 mm, top and bottom 20 mm', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `слово${i}`).join(' ');
    const pages = lay(`<p class="justify">${words}</p>`);
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) {
      for (const b of bodyTexts(page)) {
        expect(b.x).toBeGreaterThanOrEqual(20 * MM - 0.01);
        expect(b.x + b.w).toBeLessThanOrEqual(A4_GOST.width - 10 * MM + 0.01);
        expect(b.y - mono.ascent * b.size).toBeGreaterThanOrEqual(20 * MM - 0.01);
        expect(b.y).toBeLessThanOrEqual(A4_GOST.height - 20 * MM + 0.01);
      }
    }
    // Justified lines end at the right margin, except the last.
    const first = pages[0]!;
    const lineEnds = new Map<number, number>();
    for (const b of bodyTexts(first)) lineEnds.set(b.y, Math.max(lineEnds.get(b.y) ?? 0, b.x + b.w));
    expect([...lineEnds.values()][0]).toBeCloseTo(A4_GOST.margin.left + BODY_W, 1);
  });

  it('aligns center and right, indents the first line, and merges a line of one style into one box', () => {
    const [page] = lay(
      '<p class="center">Центр</p><p class="right">Справа</p><p class="indent">Абзац с отступом</p>',
    );
    const [center, right, indented] = bodyTexts(page!);
    expect(center!.x + center!.w / 2).toBeCloseTo(A4_GOST.margin.left + BODY_W / 2, 5);
    expect(right!.x + right!.w).toBeCloseTo(A4_GOST.margin.left + BODY_W, 5);
    expect(indented!.x).toBeCloseTo(A4_GOST.margin.left + TYPE.indent, 5);
    expect(indented!.text).toBe('Абзац с отступом');
  });

  it('draws bold, italic and underlined runs as separate boxes with their style bits', () => {
    const [page] = lay('<p>обычный <b>жирный</b> <i>курсив</i> <u>подчёркнутый</u></p>');
    const styles = bodyTexts(page!).map((b) => [b.text, b.style]);
    expect(styles).toEqual([
      ['обычный', 0],
      ['жирный', 1],
      ['курсив', 2],
      ['подчёркнутый', 4],
    ]);
    // The spaces between them are gaps of a space's width.
    const [a, b] = bodyTexts(page!);
    expect(b!.x - (a!.x + a!.w)).toBeCloseTo(6, 5);
  });
});

describe('layout: pages', () => {
  it('keeps a heading with what follows it', () => {
    // Fill the page so that only the heading would still fit at the bottom.
    const lineH = TYPE.body * TYPE.leading;
    const fill = Math.floor((BODY_H - 20) / (lineH + TYPE.paragraphAfter));
    const paragraphs = Array.from({ length: fill }, (_, i) => `<p>Строка ${i}</p>`).join('');
    const pages = lay(`${paragraphs}<h2>Раздел</h2><p>Текст раздела</p>`);
    expect(pages).toHaveLength(2);
    expect(bodyTexts(pages[1]!)[0]!.text).toBe('Раздел');
  });

  it('leaves no single line of a paragraph at the bottom or the top of a page (orphans, widows)', () => {
    const lineH = TYPE.body * TYPE.leading;
    const room = Math.floor(BODY_H / lineH);
    // A paragraph of 6 lines after room − 1 lines of filler: only one of its lines would fit.
    const filler = Array.from({ length: room - 1 }, () => 'x').join('<br>');
    const para = Array.from({ length: 6 }, (_, i) => `строка${i}`).join('<br>');
    const pages = lay(`<p>${filler}</p><p>${para}</p>`);
    const firstOfPara = pages.findIndex((p) => bodyTexts(p).some((b) => b.text === 'строка0'));
    const page = pages[firstOfPara]!;
    // строка0 went to the next page together with строка1.
    expect(bodyTexts(page).some((b) => b.text === 'строка1')).toBe(true);
    // And the last two lines are together.
    const lastPage = pages.find((p) => bodyTexts(p).some((b) => b.text === 'строка5'))!;
    expect(bodyTexts(lastPage).some((b) => b.text === 'строка4')).toBe(true);
  });

  it('repeats table header rows on every page and never splits a row that fits on a page', () => {
    const rows = Array.from(
      { length: 120 },
      (_, i) => `<tr><td>${i + 1}</td><td>Фамилия${i}<br>вторая строка</td></tr>`,
    ).join('');
    const pages = lay(
      `<table><thead><tr><th width="10%">№</th><th>Ф.И.О.</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) {
      const body = bodyTexts(page);
      expect(body[0]!.text).toBe('№');
      expect(body[1]!.text).toBe('Ф.И.О.');
      // Both lines of a row are on the same page.
      const names = body.filter((b) => b.text.startsWith('Фамилия')).length;
      const seconds = body.filter((b) => b.text === 'вторая строка').length;
      expect(seconds).toBe(names);
    }
    // Every row is there once.
    const all = pages.flatMap((p) => bodyTexts(p).filter((b) => b.text.startsWith('Фамилия')));
    expect(all).toHaveLength(120);
  });

  it('splits a row taller than a page between pages, repeating the header', () => {
    const lines = Array.from({ length: 90 }, (_, i) => `строка ${i}`).join('<br>');
    const pages = lay(
      `<table><thead><tr><th>Заголовок</th></tr></thead><tbody><tr><td>${lines}</td></tr></tbody></table>`,
    );
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages) expect(bodyTexts(page)[0]!.text).toBe('Заголовок');
    const all = pages.flatMap((p) => bodyTexts(p).map((b) => b.text)).filter((t) => t.startsWith('строка'));
    expect(all).toHaveLength(90);
  });

  it('gives columns their widths, wraps text inside cells and spans columns', () => {
    const [page] = lay(
      '<table><tr><td width="25%">а</td><td>б</td></tr><tr><td colspan="2">широкая ячейка на две колонки</td></tr></table>',
    );
    const body = bodyTexts(page!);
    const a = body.find((b) => b.text === 'а')!;
    const b = body.find((x) => x.text === 'б')!;
    expect(b.x - a.x).toBeCloseTo(BODY_W * 0.25, 5);
    const wide = body.find((x) => x.text.startsWith('широкая'))!;
    expect(wide.x).toBeCloseTo(a.x, 5);
    const narrow = lay(`<table><tr><td width="10%">${'слово '.repeat(20)}</td><td>б</td></tr></table>`)[0]!;
    const cellLines = new Set(
      bodyTexts(narrow)
        .filter((x) => x.text.startsWith('слово'))
        .map((x) => x.y),
    );
    expect(cellLines.size).toBeGreaterThan(3);
  });

  it('starts a new page at <page-break/> and numbers pages in the footer', () => {
    const pages = lay('<p>Один</p><page-break/><p>Два</p>');
    expect(pages).toHaveLength(2);
    const footer = texts(pages[1]!).filter((b) => b.y > A4_GOST.height - A4_GOST.margin.bottom);
    expect(footer.map((b) => b.text).join('')).toBe('стр. 2 из 2');
    const custom = lay('<footer class="right">Лист <page-number/> из <page-count/></footer><p>x</p>');
    const f = texts(custom[0]!).filter((b) => b.y > A4_GOST.height - A4_GOST.margin.bottom);
    expect(f.map((b) => b.text).join('')).toBe('Лист 1 из 1');
  });

  it('lays out signatures with a seal place, checkboxes and bar charts', () => {
    const [page] = lay(
      '<signature role="Руководитель" name="А.Н. Белоусов" seal/><p><checkbox checked/> да <checkbox/> нет</p>' +
        '<bar-chart title="Дефициты" unit="%" max="100"><bar label="Предметный" value="40"/><bar label="Методический" value="80"/></bar-chart>',
    );
    const all = bodyTexts(page!).map((b) => b.text);
    expect(all).toEqual(
      expect.arrayContaining([
        'Руководитель',
        'А.Н. Белоусов',
        'М.П.',
        '(подпись)',
        '☑ да ☐ нет',
        '40 %',
        '80 %',
      ]),
    );
    const bars = page!.boxes.filter((b): b is Extract<Box, { t: 'rect' }> => b.t === 'rect');
    expect(bars).toHaveLength(2);
    expect(bars[1]!.w / bars[0]!.w).toBeCloseTo(2, 5);
  });

  it('merges touching table rules into long lines', () => {
    const merged = mergeRules([
      { t: 'line', x1: 10, y1: 0, x2: 10, y2: 10, w: 0.5 },
      { t: 'line', x1: 10, y1: 10, x2: 10, y2: 20, w: 0.5 },
      { t: 'line', x1: 0, y1: 10, x2: 50, y2: 10, w: 0.5 },
      { t: 'line', x1: 0, y1: 10, x2: 50, y2: 10, w: 0.5 },
    ]);
    expect(merged).toHaveLength(2);
    expect(merged).toContainEqual({ t: 'line', x1: 10, y1: 0, x2: 10, y2: 20, w: 0.5 });
  });

  it('lays out an empty document as one page', () => {
    const tree: DocumentTree = { body: [] };
    expect(layoutDocument(tree, mono)).toHaveLength(1);
  });
});
