import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { buildClientScript } from '../web/client-build';
import { FUNCTION_PLUGINS } from './bundle-plugins';
import { precompiledTemplatesDir } from './precompiled-templates';

/**
 * How every function is bundled, in one place: AppFunction runs bundleFunctionTo (through infra/bundle-function.ts,
 * as the CDK's local bundling) and the benchmarks build with the very same esbuild settings, so the sizes and
 * import times they report are those of the deployed bundles.
 */

/** Node.js 22 in Lambda (DESIGN.md, "AWS deployment"); the bundle targets the same version. */
export const FUNCTION_TARGET = 'node22';

/**
 * The project is ESM. Bundled CommonJS dependencies (handlebars, some SDK internals) still call `require` for
 * Node built-ins, which an ESM bundle does not define; this gives them one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __cpdCreateRequire } from 'node:module'; const require = __cpdCreateRequire(import.meta.url);";

/**
 * Packages replaced in the bundles by a module of ours (esbuild's `alias`; the path is relative to the project
 * root, where esbuild runs). Only for a dependency of a dependency that the code we use reaches but never calls.
 */
export const FUNCTION_ALIASES: Readonly<Record<string, string>> = {
  // pdf-lib's utilities import the 14 standard fonts' metrics just to list their names (see the module).
  '@pdf-lib/standard-fonts': './functions/documents/standard-font-names.ts',
  // pdf-lib's core imports pako for deflate helpers draw.ts does not call (see the module).
  pako: './functions/documents/pako-deflate.ts',
};

/**
 * NODE_OPTIONS of every function: stack traces in the logs point at the TypeScript sources through the bundled
 * source map. It also makes Node read the map when the bundle loads, so it belongs in a cold-start measurement.
 */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** The bundle's file name; Lambda's handler string is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';

/**
 * Files copied next to the bundle, where functions/documents/assets.ts looks first
 * (`<bundle dir>/assets/...`): the templates, and the TTF fonts the PDFs embed (from the npm package).
 * Paths are relative to the project root.
 */
export const BUNDLED_ASSETS: ReadonlyArray<{ from: string; to: string }> = [
  { from: 'templates', to: 'assets/templates' },
  // PT Serif (the documents' face) and DejaVu Sans (symbols PT Serif lacks): functions/documents/assets.ts FONT_FILES.
  ...[
    ['400Regular/PTSerif_400Regular.ttf', 'PTSerif-Regular.ttf'],
    ['700Bold/PTSerif_700Bold.ttf', 'PTSerif-Bold.ttf'],
    ['400Regular_Italic/PTSerif_400Regular_Italic.ttf', 'PTSerif-Italic.ttf'],
    ['700Bold_Italic/PTSerif_700Bold_Italic.ttf', 'PTSerif-BoldItalic.ttf'],
  ].map(([from, to]) => ({
    from: `node_modules/@expo-google-fonts/pt-serif/${from}`,
    to: `assets/fonts/${to}`,
  })),
  { from: 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', to: 'assets/fonts/DejaVuSans.ttf' },
  { from: 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf', to: 'assets/fonts/DejaVuSans-Bold.ttf' },
];

/**
 * Where a bundle carries the precompiled templates — PDF, mail and web (functions/documents/assets.ts
 * `readPrecompiled`).
 */
export const PRECOMPILED_TEMPLATES = 'assets/templates-compiled';

/** Where a web handler's bundle carries the pages' script (functions/web/static-assets.ts). */
export const WEB_CLIENT_SCRIPT = 'assets/web/app.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The assets of a bundle directory as a deployment has them: BUNDLED_ASSETS and the precompiled templates
 * (bundleFunctionTo; tests that bundle an entry of their own call it too).
 */
export function copyBundledAssets(outdir: string, precompiled = precompiledTemplatesDir()): void {
  for (const { from, to } of BUNDLED_ASSETS) {
    mkdirSync(dirname(join(outdir, to)), { recursive: true });
    cpSync(join(ROOT, from), join(outdir, to), { recursive: true });
  }
  cpSync(precompiled, join(outdir, PRECOMPILED_TEMPLATES), { recursive: true });
}

/**
 * The esbuild settings of a function bundle: one ESM file for Node 22, minified, with an external source map
 * (no sources inside), UTF-8 output (Russian text as itself, not \uXXXX escapes: ≈ 100 KB less per bundle), the
 * SDK bundled rather than taken from the runtime (package.json pins its versions, and the behaviour tested
 * locally must be the behaviour deployed), FUNCTION_ALIASES and FUNCTION_PLUGINS; run from the project root.
 */
export function esbuildOptionsFor(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: FUNCTION_TARGET,
    outfile: `${outdir}/${BUNDLE_FILE}`,
    minify: true,
    charset: 'utf8',
    sourcemap: true,
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_BANNER },
    // Prefer the ESM build of dependencies that ship both: it is what lets esbuild drop the unused parts.
    mainFields: ['module', 'main'],
    alias: { ...FUNCTION_ALIASES },
    plugins: [...FUNCTION_PLUGINS],
    absWorkingDir: ROOT,
    logLevel: 'error',
  };
}

export interface BundleOptions {
  /**
   * Web pages: the pages' script (infra/web/client-build.ts) is built next to the bundle as assets/web/app.js,
   * where functions/web/static-assets.ts looks for it.
   */
  readonly webClient?: boolean;
  /** The templates precompiled once for all functions (precompiledTemplatesDir); made here if not given. */
  readonly precompiled?: string;
}

/**
 * A function's deployment package in `outdir`: the bundle, its source map and the assets (copyBundledAssets),
 * plus the pages' script for web handlers. Returns esbuild's metafile (what went in).
 */
export async function bundleFunctionTo(
  entry: string,
  outdir: string,
  options: BundleOptions = {},
): Promise<Metafile> {
  mkdirSync(outdir, { recursive: true });
  const result = await build({ ...esbuildOptionsFor(entry, outdir), metafile: true });
  copyBundledAssets(outdir, options.precompiled);
  if (options.webClient) {
    const script = join(outdir, WEB_CLIENT_SCRIPT);
    mkdirSync(dirname(script), { recursive: true });
    writeFileSync(script, await buildClientScript());
  }
  return result.metafile;
}
