import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { precompiledTemplatesDir } from './precompiled-templates';

/**
 * How every function is bundled, in one place: AppFunction hands these settings to NodejsFunction, and the
 * cold-start benchmark (test/bench/functions.ts) builds with the very same settings through esbuild's API, so the
 * sizes and import times it reports are those of the deployed bundles.
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
};

/** The esbuild settings of NodejsFunction's `bundling` (besides the output format, which is ESM). */
export const FUNCTION_BUNDLING = {
  target: FUNCTION_TARGET,
  // Prefer the ESM build of dependencies that ship both.
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // The SDK is bundled rather than taken from the runtime: package.json pins its versions, and the
  // behaviour tested locally must be the behaviour deployed.
  externalModules: [] as string[],
  // Flags NodejsFunction passes to esbuild as they are (`--charset=utf8 --alias:<package>=<path>`).
  esbuildArgs: {
    // Russian text (forms, labels, messages) as UTF-8 rather than \uXXXX escapes: ≈ 100 KB less in every bundle.
    // (NodejsFunction's own `charset` prop is not passed to esbuild by aws-cdk-lib 2.276 — hence the raw flag.)
    '--charset': 'utf8' as const,
    '--alias': Object.entries(FUNCTION_ALIASES).map(([from, to]) => `${from}=${to}`),
  },
};

/**
 * NODE_OPTIONS of every function: stack traces in the logs point at the TypeScript sources through the bundled
 * source map. It also makes Node read the map when the bundle loads, so it belongs in a cold-start measurement.
 */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** The file NodejsFunction writes for an ESM bundle; Lambda's handler string is `index.handler`. */
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

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * The assets of a bundle directory as a deployment has them: BUNDLED_ASSETS and the precompiled templates. The
 * CDK does the same with shell commands (AppFunction's afterBundling); the benchmarks call this.
 */
export function copyBundledAssets(outdir: string): void {
  for (const { from, to } of BUNDLED_ASSETS) {
    mkdirSync(dirname(join(outdir, to)), { recursive: true });
    cpSync(join(ROOT, from), join(outdir, to), { recursive: true });
  }
  cpSync(precompiledTemplatesDir(), join(outdir, PRECOMPILED_TEMPLATES), { recursive: true });
}

/**
 * FUNCTION_BUNDLING as esbuild's API takes it: the same flags NodejsFunction puts on esbuild's command line
 * (`--bundle --target --platform=node --format=esm --outfile=<dir>/index.mjs --minify --charset=utf8 --sourcemap
 * --sources-content=false --banner:js --main-fields`, one `--external` per external module, one `--alias` per
 * FUNCTION_ALIASES entry), run from the project root as the CDK runs it.
 */
export function esbuildOptionsFor(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: FUNCTION_BUNDLING.target,
    outfile: `${outdir}/${BUNDLE_FILE}`,
    minify: FUNCTION_BUNDLING.minify,
    charset: FUNCTION_BUNDLING.esbuildArgs['--charset'],
    sourcemap: FUNCTION_BUNDLING.sourceMap,
    sourcesContent: FUNCTION_BUNDLING.sourcesContent,
    external: [...FUNCTION_BUNDLING.externalModules],
    banner: { js: FUNCTION_BUNDLING.banner },
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    alias: { ...FUNCTION_ALIASES },
    absWorkingDir: ROOT,
  };
}
