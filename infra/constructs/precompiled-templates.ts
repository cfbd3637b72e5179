import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { precompilePdfTemplate } from '../../functions/documents/templating';

/**
 * The PDF templates precompiled by Handlebars (functions/documents/templating.ts `precompilePdfTemplate`), laid
 * out as `<dir>/pdf/<kind>/<document>.hbs.js`; the bundle carries them as `assets/templates-compiled/`, where
 * functions/documents/assets.ts `readPrecompiled` finds them. A cold function then skips parsing and compiling
 * its templates (the .hbs files still ship: the error paths read them). A template with a syntax error fails
 * the synth here, before anything is deployed.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Every `.hbs` under templates/pdf, as paths relative to templates/. */
export function pdfTemplateFiles(root = ROOT): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, 'templates', relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.hbs')) out.push(path);
    }
  };
  walk('pdf');
  return out.sort();
}

/** Write the precompiled templates under `outDir`; returns their paths relative to templates/. */
export function writePrecompiledTemplates(outDir: string, root = ROOT): string[] {
  const files = pdfTemplateFiles(root);
  for (const relative of files) {
    const target = join(outDir, `${relative}.js`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(
      target,
      precompilePdfTemplate(relative, readFileSync(join(root, 'templates', relative), 'utf8')),
    );
  }
  return files;
}

let once: string | undefined;

/** One folder of precompiled templates per synth (every function's bundle copies the same). */
export function precompiledTemplatesDir(): string {
  if (once === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'cpd-templates-'));
    writePrecompiledTemplates(dir);
    once = dir;
  }
  return once;
}
