import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/**
 * Where templates and fonts are found — the one place that knows the file layout.
 *
 * Bundled (Lambda): the deployment copies them next to the bundle —
 *   <bundle dir>/assets/templates/<pdf|email>/...
 *   <bundle dir>/assets/fonts/DejaVuSans.ttf, DejaVuSans-Bold.ttf
 * From the repository (tests, `npm start`): templates/ at the root and the fonts of the `dejavu-fonts-ttf` package.
 */

/** The directory this module runs from: functions/documents in the repository, the bundle's directory in Lambda. */
const HERE = import.meta.dirname;
const BUNDLED = join(HERE, 'assets');
const REPO_ROOT = resolve(HERE, '..', '..');

export const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
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

function fontPath(name: FontName): string {
  const file = FONT_FILES[name];
  const inBundle = join(BUNDLED, 'fonts', file);
  if (existsSync(inBundle)) return inBundle;
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', file);
  } catch {
    throw new Error(
      `Font ${file} is neither in ${join(BUNDLED, 'fonts')} nor in the dejavu-fonts-ttf package`,
    );
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

/** The bytes of a font, read once per process (pdf-lib parses them per document, which is cheap next to I/O). */
export function readFont(name: FontName): Promise<Uint8Array> {
  let bytes = fonts.get(name);
  if (!bytes) {
    bytes = readFile(fontPath(name)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    bytes.catch(() => fonts.delete(name));
    fonts.set(name, bytes);
  }
  return bytes;
}
