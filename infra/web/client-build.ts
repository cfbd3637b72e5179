/**
 * Builds the pages' script (functions/web/client/main.ts) for browsers with esbuild: the form logic and the
 * kinds' zod schemas from forms/registry.ts, so the browser checks a form with the very schemas the server uses.
 * Used in memory by `npm start` and the tests (functions/web/static-assets.ts), and at deployment by the function
 * bundling of web handlers (bundleFunctionTo, infra/constructs/function-bundling.ts). By hand:
 * `node --import tsx infra/web/client-build.ts <outfile> [--analyze]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { analyzeMetafile, build, type Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ENTRY = join(ROOT, 'functions', 'web', 'client', 'main.ts');

/** What a form needs in the browser: the declarations, zod, and the web form logic. */
const BROWSER_SOURCES = [/^forms\//, /^functions\/core\//, /^functions\/web\//];
const BROWSER_PACKAGES = new Set(['zod']);

/**
 * Anything else a kind's workflow happens to import (storage adapters, document rendering, Node built-ins) is
 * never called from a form, so it becomes an empty module instead of failing the build or bloating the script.
 */
const serverOnly: Plugin = {
  name: 'server-only',
  setup(b) {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (builtins.has(args.path) || args.path.startsWith('node:'))
        return { path: args.path, namespace: 'stub' };
      const bare = !args.path.startsWith('.') && !args.path.startsWith('/');
      if (bare) {
        const name = args.path.startsWith('@')
          ? args.path.split('/').slice(0, 2).join('/')
          : args.path.split('/')[0]!;
        return BROWSER_PACKAGES.has(name) ? undefined : { path: args.path, namespace: 'stub' };
      }
      const absolute = resolve(args.resolveDir, args.path);
      const relative = absolute.slice(ROOT.length + 1);
      if (absolute.includes(`${ROOT}/node_modules/`)) return undefined;
      return BROWSER_SOURCES.some((re) => re.test(relative))
        ? undefined
        : { path: absolute, namespace: 'stub' };
    });
    // A CommonJS proxy: any named import resolves, and nothing runs until something is called. What schemas may
    // call while parsing (a row id made with crypto.randomUUID) is given its browser equivalent.
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: [
        'const browser = { randomUUID: () => globalThis.crypto.randomUUID() };',
        'const noop = function () {};',
        'module.exports = new Proxy(browser, {',
        '  get: (t, k) => (k === "__esModule" ? false : k in t ? t[k] : noop),',
        '});',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

export async function buildClientScript(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    plugins: [serverOnly],
    logLevel: 'silent',
    metafile: process.argv.includes('--analyze'),
  });
  // `client-build.ts <outfile> --analyze` prints what the script is made of.
  if (result.metafile) process.stderr.write(await analyzeMetafile(result.metafile));
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the client script');
  return output.contents;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outfile = process.argv[2];
  if (!outfile) {
    console.error('usage: client-build.ts <outfile>');
    process.exit(2);
  }
  const bytes = await buildClientScript();
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, bytes);
  process.stdout.write(`client script: ${outfile} (${Math.round(bytes.length / 1024)} KB)\n`);
}
