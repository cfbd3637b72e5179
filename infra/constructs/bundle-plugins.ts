import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * esbuild plugins of the function bundles (function-bundling.ts). Each changes what a dependency puts in a bundle,
 * never what it does; each is checked by test/infra/bundle-plugins.test.ts and the bundled-code tests.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The SDK's generated schema modules: `@aws-sdk/client-*` and the nested clients' submodules. */
const SDK_SCHEMAS =
  /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:.+[\\/])?schemas[\\/]schemas_\d+\.js$/;

/** A string constant of a schema module: `const _hQ = "httpQuery";`. */
const STRING_CONSTANT = /^const (_\w+) = ("[^"\\\n]*");$/gm;
/** A computed object key naming one: `{ [_hQ]: …`. */
const COMPUTED_KEY = /\[(_\w+)\]:/g;

/**
 * The SDK's schema modules (aws-sdk-js-v3 since 3.930) write the keys of their trait objects as computed keys over
 * string constants, `{ [_h]: ["POST", …] }`. esbuild must assume a computed key can run code (a getter,
 * `toString`), so it keeps every statement that holds one: the schemas of *all* of a client's operations stay in
 * a bundle that sends one (SES v2: 50 KB, S3: 68 KB; aws/aws-sdk-js-v3#7607). This writes those keys as the
 * string literals they are, which is the upstream fix (smithy-lang/smithy-typescript#1889) and the same object;
 * then unused schemas are tree-shaken like any dead code. Only keys that name a string constant of the same
 * module are rewritten; when the SDK ships the fix, nothing matches and the module loads unchanged.
 */
export const sdkSchemaLiteralKeys: Plugin = {
  name: 'sdk-schema-literal-keys',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMAS }, async ({ path }) => ({
      contents: literalSchemaKeys(await readFile(path, 'utf8')),
      loader: 'js',
    }));
  },
};

/** The rewrite of sdkSchemaLiteralKeys, on a module's text. */
export function literalSchemaKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) constants.set(name!, literal!);
  return source.replace(COMPUTED_KEY, (key, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? key : `${literal}:`;
  });
}

/** nodemailer's table of MIME types (see functions/adapters/mail-mime-types.ts). */
const NODEMAILER_MIME_TABLE = /[\\/]node_modules[\\/]nodemailer[\\/]lib[\\/]mime-funcs$/;
export const MAIL_MIME_TYPES = join(ROOT, 'functions', 'adapters', 'mail-mime-types.ts');

/**
 * Replaces nodemailer's 76 KB MIME-type table, `require('./mime-types')` in its mime-funcs, with
 * functions/adapters/mail-mime-types.ts (the types this app sends; the module says why that is enough). esbuild's
 * `alias` takes package paths only, hence a plugin for this relative import.
 */
export const nodemailerMimeTypes: Plugin = {
  name: 'nodemailer-mime-types',
  setup(build) {
    build.onResolve({ filter: /^\.\/mime-types$/ }, ({ resolveDir }) =>
      NODEMAILER_MIME_TABLE.test(resolveDir) ? { path: MAIL_MIME_TYPES } : undefined,
    );
  },
};

export const FUNCTION_PLUGINS: readonly Plugin[] = [sdkSchemaLiteralKeys, nodemailerMimeTypes];
