import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCS, type DocId, markupOf } from '../documents';
import { CHROMIUM_CSS, markupToHtml } from '../html';
import type { Engine } from './types';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Headless Chromium (playwright-core): one warm page with the fonts loaded; each render swaps the body. */
export async function open(docs: DocId[] = DOCS): Promise<Engine> {
  const { chromium } = await import('playwright-core');
  const html = new Map<DocId, { body: string; footer: string }>();
  for (const doc of docs) html.set(doc, markupToHtml(await markupOf(doc)));
  const dir = mkdtempSync(join(tmpdir(), 'bench-chromium-'));
  const file = join(dir, 'page.html');
  writeFileSync(
    file,
    `<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><style>${CHROMIUM_CSS}</style></head><body></body></html>`,
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--allow-file-access-from-files'],
  });
  const page = await browser.newPage();
  await page.goto(`file://${file}`);
  return {
    name: 'chromium',
    async render(doc) {
      const { body, footer } = html.get(doc)!;
      await page.evaluate(async (b) => {
        document.body.innerHTML = b;
        await document.fonts.ready;
      }, body);
      const pdf = await page.pdf({
        format: 'A4',
        margin: { top: '20mm', right: '10mm', bottom: '20mm', left: '20mm' },
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: `<div style="font-size:9pt;width:100%;text-align:center">${footer}</div>`,
      });
      return new Uint8Array(pdf);
    },
    async close() {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
