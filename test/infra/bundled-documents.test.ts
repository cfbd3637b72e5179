import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import {
  BUNDLE_FILE,
  copyBundledAssets,
  esbuildOptionsFor,
  FUNCTION_ALIASES,
} from '../../infra/constructs/function-bundling';
import { renderOurs } from '../bench/documents';
import { bundleFunction } from '../bench/functions';
import { pdfText } from '../support/pdf-text';
import { tempDirs } from './support';

/**
 * The documents as a function bundle renders them (infra/constructs/function-bundling.ts): pdf-lib reduced to its
 * core (functions/documents/pdf-core.ts) and `@pdf-lib/standard-fonts` replaced by the list of their names
 * (FUNCTION_ALIASES). What tests elsewhere prove from the repository must hold for this code too.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tempDir = tempDirs();

/** Inputs of a bundle that come from a package, as `<package>/<path inside it>`. */
const packageInputs = (inputs: string[]) =>
  inputs.flatMap((input) => {
    const m = /node_modules\/(.+)$/.exec(input);
    return m ? [m[1]!] : [];
  });

describe('documents rendered by bundled code', () => {
  it('carry no standard-font metrics and no pdf-lib API layer, and render as from the repository', async () => {
    const dir = tempDir('cpd-bundled-documents-');
    const entry = path.join(ROOT, 'test', 'infra', 'fixtures', 'documents', 'render-bench-document.ts');
    const { metafile } = await build({ ...esbuildOptionsFor(entry, dir), metafile: true, logLevel: 'error' });
    copyBundledAssets(dir);
    const inputs = Object.keys(metafile.inputs);
    const packages = packageInputs(inputs);
    expect(packages.filter((p) => p.startsWith('@pdf-lib/standard-fonts/'))).toEqual([]);
    expect(packages.filter((p) => /^pdf-lib\/(es|cjs\/api)\//.test(p))).toEqual([]);
    expect(packages).toContain('pdf-lib/cjs/core/writers/PDFWriter.js');
    expect(inputs).toContain(FUNCTION_ALIASES['@pdf-lib/standard-fonts']!.replace(/^\.\//, ''));

    for (const doc of ['route-card', 'consent-sheet-300'] as const) {
      const run = spawnSync(process.execPath, [path.join(dir, BUNDLE_FILE), doc], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(run.stderr).toBe('');
      const bundled = Buffer.from(run.stdout, 'base64');
      const direct = await renderOurs(doc);
      const [b, d] = await Promise.all([PDFDocument.load(bundled), PDFDocument.load(direct)]);
      expect(b.getPageCount()).toBe(d.getPageCount());
      expect(b.getTitle()).toBe(d.getTitle());
      expect(pdfText(bundled)).toBe(pdfText(direct));
    }
  });

  it('the CDK bundles the outbox worker byte for byte as the benchmark does: charset, aliases and plugins included', async () => {
    const built = buildApp('smolensk', {
      manifest: {
        httpRoutes: [{ method: 'GET', path: '/healthz', handler: 'api/health' }],
        scheduledWorkers: [
          { name: 'outbox', handler: 'workers/outbox', schedule: { everyMinutes: 5 }, tableStream: true },
        ],
      },
    });
    const assembly = built.app.synth();
    const functions = Template.fromStack(built.stateless).findResources('AWS::Lambda::Function');
    const outbox = Object.entries(functions).find(([id]) => id.startsWith('WorkersOutbox'));
    expect(outbox, Object.keys(functions).join(', ')).toBeDefined();
    const code = outbox![1].Properties.Code as { S3Key: string };
    const cdkBundle = readFileSync(
      path.join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`, BUNDLE_FILE),
      'utf8',
    );
    const dir = tempDir('cpd-bundled-outbox-');
    const metafile = await bundleFunction('workers/outbox', dir);
    const packages = packageInputs(Object.keys(metafile.inputs));
    // Replaced by FUNCTION_ALIASES and the nodemailer-mime-types plugin (what the bundle does with them:
    // test/integration/bundled-outbox.test.ts).
    expect(packages.filter((p) => p.startsWith('@pdf-lib/standard-fonts/') || p.startsWith('pako/'))).toEqual(
      [],
    );
    expect(packages.filter((p) => p.endsWith('mime-funcs/mime-types.js'))).toEqual([]);
    expect(Object.keys(metafile.inputs)).toEqual(
      expect.arrayContaining([
        'functions/documents/pako-deflate.ts',
        'functions/adapters/mail-mime-types.ts',
      ]),
    );
    expect(cdkBundle === readFileSync(path.join(dir, BUNDLE_FILE), 'utf8')).toBe(true);
    // UTF-8 output: Russian text as itself, not as \u escapes.
    expect(cdkBundle).toContain('Карта');
  });
});
