import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  precompiledPdfTemplate,
  precompilePdfTemplate,
  renderMarkupText,
  TemplateError,
} from '../../functions/documents/templating';
import { pdfTemplateFiles } from '../../infra/constructs/precompiled-templates';
import { contextOf, DOCS } from '../bench/documents';

/**
 * Bundles carry the PDF templates precompiled (infra/constructs/precompiled-templates.ts); from the repository
 * they are compiled from the .hbs. Both must give the same markup and the same errors.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const source = (relative: string) => readFileSync(join(ROOT, 'templates', relative), 'utf8');

const TEMPLATE: Record<(typeof DOCS)[number], string> = {
  'route-card': 'pdf/route/route-card.hbs',
  'consent-sheet-300': 'pdf/collective-diagnostics-request/consent-sheet.hbs',
};

describe('precompiled PDF templates', () => {
  it('precompiles every PDF template of the project (a syntax error would fail the synth)', () => {
    const files = pdfTemplateFiles();
    expect(files).toContain('pdf/route/route-card.hbs');
    expect(files).toContain('pdf/partials/letterhead.hbs');
    for (const relative of files)
      expect(precompilePdfTemplate(relative, source(relative))).toMatch(/"main":/);
  });

  it.each(DOCS)('gives the same markup as the compiled template: %s', async (doc) => {
    const context = contextOf(doc);
    // Rendering once from the .hbs also registers the partials the precompiled template calls.
    const compiled = await renderMarkupText(TEMPLATE[doc], context);
    const relative = TEMPLATE[doc];
    const precompiled = precompiledPdfTemplate(precompilePdfTemplate(relative, source(relative)))(context);
    expect(precompiled).toBe(compiled);
    expect(compiled.length).toBeGreaterThan(1000);
  });

  it('keeps the line of a missing printed value, and reports a syntax error with its file and line', () => {
    const t = precompiledPdfTemplate(
      precompilePdfTemplate('pdf/x.hbs', '<p>{{payload.a}}</p>\n<p>{{payload.b}}</p>'),
    );
    expect(() => t({ payload: { a: 'есть' } })).toThrow(expect.objectContaining({ lineNumber: 2 }));
    let error: unknown;
    try {
      precompilePdfTemplate('pdf/broken.hbs', '<p>\n{{#if a}}x\n</p>');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect(error).toMatchObject({ file: 'templates/pdf/broken.hbs' });
  });
});
