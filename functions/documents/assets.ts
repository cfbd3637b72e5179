import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/**
 * Where templates and fonts are found — the one place that knows the file layout.
 *
 * Bundled (Lambda): the deployment copies them next to the bundle —
 *   <bundle dir>/assets/templates/<pdf|email|web>/...
 *   <bundle dir>/assets/templates-compiled/<pdf|email|web>/....hbs.js   (readPrecompiled)
 *   <bundle dir>/assets/fonts/PTSerif-*.ttf, DejaVuSans*.ttf
 * From the repository (tests, `npm start`): templates/ at the root and the fonts of the npm packages
 * `@expo-google-fonts/pt-serif` (PT Serif, ParaType, OFL) and `dejavu-fonts-ttf` (fallback for symbols).
 */

/** The directory this module runs from: functions/documents in the repository, the bundle's directory in Lambda. */
const HERE = import.meta.dirname;
const BUNDLED = join(HERE, 'assets');
const REPO_ROOT = resolve(HERE, '..', '..');

/** Each font: its file name in the bundle, and where it is in node_modules. */
export const FONT_FILES = {
  regular: {
    file: 'PTSerif-Regular.ttf',
    module: '@expo-google-fonts/pt-serif/400Regular/PTSerif_400Regular.ttf',
  },
  bold: { file: 'PTSerif-Bold.ttf', module: '@expo-google-fonts/pt-serif/700Bold/PTSerif_700Bold.ttf' },
  italic: {
    file: 'PTSerif-Italic.ttf',
    module: '@expo-google-fonts/pt-serif/400Regular_Italic/PTSerif_400Regular_Italic.ttf',
  },
  boldItalic: {
    file: 'PTSerif-BoldItalic.ttf',
    module: '@expo-google-fonts/pt-serif/700Bold_Italic/PTSerif_700Bold_Italic.ttf',
  },
  fallback: { file: 'DejaVuSans.ttf', module: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf' },
  fallbackBold: { file: 'DejaVuSans-Bold.ttf', module: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf' },
} as const;
export type FontName = keyof typeof FONT_FILES;

function bundled(): boolean {
  return existsSync(join(BUNDLED, 'templates'));
}

/** Absolute path of a file under templates/, e.g. `templatePath('pdf/diagnostics-request/request.hbs')`. */
export function templatePath(relative: string): string {
  if (relative.split(/[\\/]/).includes('..'))
    throw new Error(`Template path escapes the templates folder: ${relative}`);
  return bundled() ? join(BUNDLED, 'templates', relative) : join(REPO_ROOT, 'templates', relative);
}

export function fontPath(name: FontName): string {
  const { file, module } = FONT_FILES[name];
  const inBundle = join(BUNDLED, 'fonts', file);
  if (existsSync(inBundle)) return inBundle;
  try {
    return createRequire(import.meta.url).resolve(module);
  } catch {
    throw new Error(`Font ${file} is neither in ${join(BUNDLED, 'fonts')} nor in node_modules (${module})`);
  }
}

const texts = new Map<string, Promise<string>>();
const fonts = new Map<FontName, Promise<Uint8Array>>();

/** A template's text, read once per process. */
export function readTemplate(relative: string): Promise<string> {
  let text = texts.get(relative);
  if (!text) {
    const path = templatePath(relative);
    text = readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      texts.delete(relative);
      throw error.code === 'ENOENT' ? new Error(`Template not found: templates/${relative}`) : error;
    });
    texts.set(relative, text);
  }
  return text;
}

/**
 * Handlebars' precompiled form of a template (JavaScript source), or undefined outside a bundle:
 * `<bundle dir>/assets/templates-compiled/<relative>.js`, written at bundling by
 * infra/constructs/precompiled-templates.ts for every .hbs under templates/pdf, email and web. A bundle has
 * Handlebars' runtime only (functions/documents/handlebars-compiler.ts), so there a template without its
 * precompiled form cannot be rendered: that is a deployment fault, reported with the template's name. From the
 * repository there is none (templates are compiled from their .hbs, so an edit shows at once).
 */
export async function readPrecompiled(relative: string): Promise<string | undefined> {
  if (!bundled()) return undefined;
  try {
    return await readFile(join(BUNDLED, 'templates-compiled', `${relative}.js`), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!existsSync(templatePath(relative))) throw new Error(`Template not found: templates/${relative}`);
  throw new Error(
    `Template templates/${relative} is not precompiled in this bundle (assets/templates-compiled), and a ` +
      "deployment has no Handlebars compiler: the bundling's precompiled templates are missing or out of date",
  );
}

/** The bytes of a font, read once per process. */
export function readFont(name: FontName): Promise<Uint8Array> {
  let bytes = fonts.get(name);
  if (!bytes) {
    bytes = readFile(fontPath(name)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    bytes.catch(() => fonts.delete(name));
    fonts.set(name, bytes);
  }
  return bytes;
}

/** File names in a folder under templates/ (none if the folder does not exist). */
export async function listTemplates(relativeDir: string): Promise<string[]> {
  try {
    return (await readdir(templatePath(relativeDir))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
