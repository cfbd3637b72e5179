import { writeFileSync } from 'node:fs';
import { goldenPath, renderPages } from '../../support/golden';
import { GOLDEN_DOCUMENTS } from './documents';

/**
 * Rewrite the golden pictures after an intended change of the documents' look (a template, the layout, the fonts):
 *   npx tsx test/unit/golden/update.ts
 * Look at every picture before committing it (the file tool shows PNGs).
 */
for (const { name, render, pages } of GOLDEN_DOCUMENTS) {
  const pdf = await render();
  const wanted = await pages(pdf);
  const pictures = renderPages(
    pdf,
    wanted.map((w) => w.page),
  );
  for (const { page, label } of wanted) {
    writeFileSync(goldenPath(`${name}-${label}`), pictures.get(page)!);
    process.stdout.write(`${goldenPath(`${name}-${label}`)}\n`);
  }
}
