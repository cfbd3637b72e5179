import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readTemplate } from '../documents/assets';

/**
 * The pages' static files, served by the same HTTP API under /assets/ (CSP: scripts and styles only from here):
 * the stylesheet templates/web/app.css and the form script, a bundle of functions/web/client/main.ts with the
 * kinds' zod schemas. In Lambda the bundle was built at deployment next to the handler (assets/web/app.js); from
 * the repository (`npm start`, tests) it is built on first use, in memory.
 */

export interface StaticFile {
  body: Buffer;
  /** The same bytes gzipped, for browsers that accept it (a phone on a slow line loads a third of it). */
  gzipped: Buffer;
  contentType: string;
  /** Content hash: the pages ask for `?v=<hash>`, so a file can be cached for good. */
  hash: string;
}

const BUNDLED_SCRIPT = join(import.meta.dirname, 'assets', 'web', 'app.js');
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

function file(body: Buffer, contentType: string): StaticFile {
  return {
    body,
    gzipped: gzipSync(body, { level: 9 }),
    contentType,
    hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
  };
}

async function loadScript(): Promise<StaticFile> {
  if (existsSync(BUNDLED_SCRIPT))
    return file(await readFile(BUNDLED_SCRIPT), 'text/javascript; charset=utf-8');
  // Not bundled: the repository is here, and esbuild with it (a devDependency). The specifier is computed so that
  // a deployment bundle never tries to include the build tooling.
  const builder = join(REPO_ROOT, 'infra', 'web', 'client-build.ts');
  const { buildClientScript } = (await import(/* @vite-ignore */ builder)) as {
    buildClientScript: () => Promise<Uint8Array>;
  };
  return file(Buffer.from(await buildClientScript()), 'text/javascript; charset=utf-8');
}

const loaders: Record<string, () => Promise<StaticFile>> = {
  'app.css': async () =>
    file(Buffer.from(await readTemplate('web/app.css'), 'utf8'), 'text/css; charset=utf-8'),
  'app.js': loadScript,
};

const cache = new Map<string, Promise<StaticFile>>();

export function staticFile(name: string): Promise<StaticFile> | undefined {
  const loader = loaders[name];
  if (!loader) return undefined;
  let loaded = cache.get(name);
  if (!loaded) {
    loaded = loader();
    loaded.catch(() => cache.delete(name));
    cache.set(name, loaded);
  }
  return loaded;
}

/** Addresses of the stylesheet and the script for the layout. */
export async function assetUrls(): Promise<{ css: string; js: string }> {
  const [css, js] = await Promise.all([staticFile('app.css')!, staticFile('app.js')!]);
  return { css: `/assets/app.css?v=${css.hash}`, js: `/assets/app.js?v=${js.hash}` };
}
