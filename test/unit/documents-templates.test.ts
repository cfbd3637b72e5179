import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMarkup } from '../../functions/documents/markup';

/**
 * Every PDF template keeps to the markup rules of the engine (known elements, attributes and classes, closed
 * tags), checked on the template text with its Handlebars expressions blanked out: block helpers vanish and every
 * printed value becomes "1". Rendering with real records is tested per kind.
 */
const ROOT = join(import.meta.dirname, '..', '..', 'templates', 'pdf');

function blanked(source: string): string {
  return source
    .replace(/\{\{!--[\s\S]*?--\}\}/g, (m) => m.replace(/[^\n]/g, ''))
    .replace(/\{\{![\s\S]*?\}\}/g, (m) => m.replace(/[^\n]/g, ''))
    .replace(/\{\{~?[#/>^][^}]*\}\}/g, '')
    .replace(/\{\{~?else[^}]*\}\}/g, '')
    .replace(/\{\{\{?[^}]*\}?\}\}/g, '1');
}

const templates = readdirSync(ROOT).flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.hbs'))
    .map((f) => `${dir}/${f}`),
);

describe('PDF templates', () => {
  it('exist', () => {
    expect(templates.length).toBeGreaterThan(5);
  });

  for (const template of templates) {
    it(`${template} keeps to the markup rules`, () => {
      const source = readFileSync(join(ROOT, template), 'utf8');
      expect(() => parseMarkup(blanked(source), `templates/pdf/${template}`)).not.toThrow();
    });
  }
});
