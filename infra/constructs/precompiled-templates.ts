import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
// The full package, compiler included: this runs at synth (CDK, benchmarks under tsx), never in a function.
import Handlebars from 'handlebars';
import { mailTemplates, pdfTemplates, type TemplateFamily } from '../../functions/documents/templating';
import { webTemplates } from '../../functions/web/pages';

/**
 * Every template precompiled by Handlebars, each with the profile its family is compiled with at run time
 * (functions/documents/templating.ts `TemplateFamily`: PDF escaped with print-strict lookups, mail without
 * escaping, web pages escaped), laid out as `<dir>/<pdf|email|web>/….hbs.js`; the bundle carries them as
 * `assets/templates-compiled/`, where functions/documents/assets.ts `readPrecompiled` finds them. A function
 * then runs on Handlebars' runtime alone: the compiler never enters a bundle, and a cold start does not parse
 * or compile templates (the .hbs files still ship: the PDF error paths read them). A template with a syntax
 * error fails the synth here, before anything is deployed.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The families whose folders are precompiled: every .hbs under templates/ belongs to one of them. */
export const TEMPLATE_FAMILIES: readonly TemplateFamily[] = [pdfTemplates, mailTemplates, webTemplates];

/** Every `.hbs` under a folder of templates/, as paths relative to templates/. */
export function templateFiles(folder: string, root = ROOT): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, 'templates', relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.hbs')) out.push(path);
    }
  };
  walk(folder);
  return out.sort();
}

/** Write the precompiled templates under `outDir`; returns their paths relative to templates/. */
export function writePrecompiledTemplates(outDir: string, root = ROOT): string[] {
  const written: string[] = [];
  for (const family of TEMPLATE_FAMILIES) {
    for (const relative of templateFiles(family.folder, root)) {
      const target = join(outDir, `${relative}.js`);
      mkdirSync(dirname(target), { recursive: true });
      const source = readFileSync(join(root, 'templates', relative), 'utf8');
      writeFileSync(target, family.precompile(Handlebars, relative, source));
      written.push(relative);
    }
  }
  return written;
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
