import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findKind } from '../../forms/registry';
import { renderTree, templateContext, treeToPdf } from '../../functions/documents/render';
import { subsetTrueType, type TrueTypeFont, writeTrueType } from '../../functions/documents/truetype';
import { settings } from '../bench/documents';
import { routeRecord } from '../bench/fixtures';
import { compare, goldenPath, renderPages } from '../support/golden';
import { pdfText } from '../support/pdf-text';
import { GOLDEN_DOCUMENTS } from './golden/documents';

/**
 * What a person sees: pages rendered by poppler at 50 dpi, compared with committed pictures (test/unit/golden;
 * `npx tsx test/unit/golden/update.ts` rewrites them after an intended change). Up to 1 % of the pixels may
 * differ (antialiasing); a blank or shifted glyph changes far more.
 */
const TOLERANCE = 0.01;

/**
 * The defect of @pdf-lib/fontkit's subsetter, reproduced: glyph records laid end to end at their odd lengths and
 * a short `loca` storing offset / 2, so every glyph after an odd record starts one byte early.
 */
function fontkitLikeSubset(font: TrueTypeFont, glyphs: readonly number[]): Uint8Array {
  const good = subsetTrueType(font, glyphs);
  const view = new DataView(good.buffer);
  const tables = new Map<string, Uint8Array>();
  for (let i = 0; i < view.getUint16(4); i++) {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(...good.subarray(at, at + 4));
    tables.set(tag, good.slice(view.getUint32(at + 8), view.getUint32(at + 8) + view.getUint32(at + 12)));
  }
  const records = glyphs.map((g) => font.bytes.subarray(font.glyphOffset[g]!, font.glyphOffset[g + 1]!));
  const glyf = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  const loca = new Uint8Array((glyphs.length + 1) * 2);
  const locaView = new DataView(loca.buffer);
  let offset = 0;
  records.forEach((r, i) => {
    locaView.setUint16(i * 2, offset >>> 1);
    glyf.set(r, offset);
    offset += r.length;
  });
  locaView.setUint16(glyphs.length * 2, offset >>> 1);
  const head = tables.get('head')!;
  new DataView(head.buffer).setInt16(50, 0);
  const hhea = tables.get('hhea')!;
  new DataView(hhea.buffer).setUint16(34, glyphs.length);
  const maxp = tables.get('maxp')!;
  new DataView(maxp.buffer).setUint16(4, glyphs.length);
  const hmtx = tables.get('hmtx')!.slice(0, glyphs.length * 4);
  return writeTrueType([
    ['glyf', glyf],
    ['head', head],
    ['hhea', hhea],
    ['hmtx', hmtx],
    ['loca', loca],
    ['maxp', maxp],
  ]);
}

describe('golden pictures of the benchmark documents', () => {
  for (const doc of GOLDEN_DOCUMENTS) {
    it(`${doc.name}: the pages look as committed`, async () => {
      const pdf = await doc.render();
      const wanted = await doc.pages(pdf);
      const pictures = renderPages(
        pdf,
        wanted.map((w) => w.page),
      );
      for (const { page, label } of wanted) {
        const file = goldenPath(`${doc.name}-${label}`);
        expect(existsSync(file), `${file} (npx tsx test/unit/golden/update.ts)`).toBe(true);
        const diff = compare(pictures.get(page)!, readFileSync(file));
        expect(diff.sameSize, `${label}: page size`).toBe(true);
        expect(diff.share, `${label}: share of differing pixels`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }

  it('fails on a broken font subset that still extracts as text (the test can fail)', async () => {
    const kind = findKind('route')!;
    const record = routeRecord();
    const context = {
      ...templateContext(kind, record, settings),
      document: { name: 'route-card', title: 'Карта' },
    };
    const tree = await renderTree('pdf/route/route-card.hbs', context);
    const info = { title: 'Карта', author: settings.institute.short, subject: 'ИОМ', created: new Date() };
    const broken = await treeToPdf(tree, 'pdf/route/route-card.hbs', info, { subset: fontkitLikeSubset });
    // Text extraction cannot tell: every word is still there.
    expect(pdfText(broken)).toContain('Корнилова Екатерина Владимировна');
    expect(pdfText(broken)).toContain('Дорожная карта по устранению выявленных дефицитов');
    // The picture can.
    const page2 = renderPages(broken, [2]).get(2)!;
    const diff = compare(page2, readFileSync(goldenPath('route-card-p2')));
    expect(diff.share).toBeGreaterThan(TOLERANCE * 3);
  });
});
