import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as ours from '../../functions/adapters/mail-mime-types';
import { literalSchemaKeys } from '../../infra/constructs/bundle-plugins';
import { esbuildOptionsFor } from '../../infra/constructs/function-bundling';
import { tempDirs } from './support';

/**
 * The esbuild plugins of the function bundles (infra/constructs/bundle-plugins.ts) change what a dependency puts
 * in a bundle and nothing of what it does. test/integration/bundled-outbox.test.ts runs the bundled worker end to
 * end; these pin each plugin down on its own.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const tempDir = tempDirs();

/**
 * A module printing an SDK operation's schema as data: the arrays the SDK builds, with each lazy reference
 * (`() => Shape$`) followed once, so the whole graph the SendEmail request and answer use is compared.
 */
const SCHEMA_DUMP = `
import { SendEmail$ } from '@aws-sdk/client-sesv2';
import { PutObject$, GetObject$ } from '@aws-sdk/client-s3';
const seen = new Map();
function data(value) {
  if (typeof value === 'function') value = value();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return { ref: seen.get(value) };
  seen.set(value, seen.size);
  if (Array.isArray(value)) return value.map(data);
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, data(value[k])]));
}
process.stdout.write(JSON.stringify([SendEmail$, PutObject$, GetObject$].map(data)));
export const unused = 1;
`;

describe('sdk-schema-literal-keys', () => {
  it('writes computed keys over the module’s string constants as literals, and leaves anything else alone', () => {
    const source = [
      'const _h = "http";',
      'const _hQ = "httpQuery";',
      'let _x = "not a constant of the module";',
      'export var A$ = [9, n0, _A, { [_h]: ["POST", "/v2/email/outbound-emails", 200] }, () => B$];',
      'export var B$ = [3, n0, _B, 0, [_T], [[0, { [_hQ]: "t", [_x]: 1, [other]: 2 }]]];',
    ].join('\n');
    expect(literalSchemaKeys(source).split('\n').slice(3)).toEqual([
      'export var A$ = [9, n0, _A, { "http": ["POST", "/v2/email/outbound-emails", 200] }, () => B$];',
      'export var B$ = [3, n0, _B, 0, [_T], [[0, { "httpQuery": "t", [_x]: 1, [other]: 2 }]]];',
    ]);
  });

  it('leaves no computed key over a string constant in the SDK clients the functions use', () => {
    for (const client of ['client-s3', 'client-sesv2', 'client-dynamodb']) {
      const file = path.join(ROOT, 'node_modules', '@aws-sdk', client, 'dist-es', 'schemas', 'schemas_0.js');
      const rewritten = literalSchemaKeys(readFileSync(file, 'utf8'));
      const constants = new Set([...rewritten.matchAll(/^const (_\w+) = "/gm)].map((m) => m[1]));
      const computed = [...rewritten.matchAll(/\[(_\w+)\]:/g)].map((m) => m[1]);
      expect(
        computed.filter((name) => constants.has(name)),
        client,
      ).toEqual([]);
    }
  });

  it('lets esbuild drop the schemas of unused operations, and the used ones are the same data', async () => {
    const dir = tempDir('cpd-sdk-schemas-');
    const entry = path.join(dir, 'entry.mjs');
    writeFileSync(entry, SCHEMA_DUMP);
    const bundleWith = async (plugins: boolean) => {
      const outdir = path.join(dir, plugins ? 'with' : 'without');
      const options = esbuildOptionsFor(entry, outdir);
      await build({
        ...options,
        nodePaths: [path.join(ROOT, 'node_modules')],
        plugins: plugins ? options.plugins : [],
      });
      const file = path.join(outdir, 'index.mjs');
      const run = spawnSync(process.execPath, [file], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      return { text: readFileSync(file, 'utf8'), schemas: run.stdout };
    };
    const [withPlugin, without] = [await bundleWith(true), await bundleWith(false)];
    // SendEmail is used; CreateContactList (and every other SES v2 operation but SendEmail) is not.
    expect(without.text).toContain('CreateContactListRequest');
    expect(withPlugin.text).not.toContain('CreateContactListRequest');
    expect(withPlugin.text.length).toBeLessThan(without.text.length - 80_000);
    expect(withPlugin.schemas.length).toBeGreaterThan(1000);
    expect(withPlugin.schemas).toBe(without.schemas);
  });
});

describe('nodemailer-mime-types', () => {
  const nodemailers = require('nodemailer/lib/mime-funcs/mime-types') as typeof ours;

  it('answers as nodemailer’s table for every type and file name the mail adapter sends, and for its defaults', () => {
    const fileNames = [
      'Заявление на диагностику-1a2b3c4d.pdf',
      'route-card.PDF',
      'https://forms.example/doc.pdf?x=1',
      'letter.html',
      'page.htm',
      'notes.txt',
      'pdf',
      'no-extension',
      '.pdf',
      'archive.unknownext',
      '',
      undefined,
    ];
    for (const name of fileNames)
      expect(ours.detectMimeType(name), String(name)).toBe(nodemailers.detectMimeType(name));
    const types = [
      'application/pdf',
      ' Application/PDF ',
      'text/html',
      'text/plain',
      'text/x-unknown',
      'x/unknown',
      '',
      undefined,
    ];
    for (const type of types)
      expect(ours.detectExtension(type), String(type)).toBe(nodemailers.detectExtension(type));
  });

  it('replaces the table in a bundle of the mail adapter, and only there', async () => {
    const dir = tempDir('cpd-mime-types-');
    const { metafile } = await build({
      ...esbuildOptionsFor(path.join(ROOT, 'functions', 'adapters', 'mail.ts'), dir),
      metafile: true,
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('functions/adapters/mail-mime-types.ts');
    expect(inputs).toContain('node_modules/nodemailer/lib/mime-funcs/index.js');
    expect(inputs.filter((i) => i.endsWith('mime-funcs/mime-types.js'))).toEqual([]);
  });
});
