import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { pdfTemplates } from '../../functions/documents/templating';
import {
  BUNDLE_FILE,
  copyBundledAssets,
  esbuildOptionsFor,
  PRECOMPILED_TEMPLATES,
} from '../../infra/constructs/function-bundling';
import { bundleFunction } from '../bench/functions';
import { lambdaInvokeScript, tempDirs } from './support';

/**
 * Functions carry Handlebars' runtime only: every template is precompiled at bundling, and the compiler (with
 * the `source-map` package it requires) stays out of the bundle (functions/documents/handlebars-compiler.ts).
 * Bundles are built with the functions' settings into temporary folders, where there is no node_modules — as
 * in Lambda, the compiler cannot be found there even at run time.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tempDir = tempDirs();

const LAMBDA_ENV = {
  PATH: process.env.PATH,
  INSTANCE_ID: 'smolensk',
  TABLE_NAME: 'records',
  BUCKET_NAME: 'documents',
  AWS_REGION: 'eu-central-1',
  POWERTOOLS_SERVICE_NAME: 'cpd-forms',
};

/** The bundle's inputs from Handlebars and from `source-map`. */
function handlebarsInputs(metafile: Metafile): {
  runtime: string[];
  compiler: string[];
  sourceMap: string[];
} {
  const inputs = Object.keys(metafile.inputs);
  return {
    runtime: inputs.filter((i) => i.includes('node_modules/handlebars/dist/cjs/handlebars.runtime.js')),
    compiler: inputs.filter(
      (i) =>
        i.includes('node_modules/handlebars/dist/cjs/handlebars/compiler/') ||
        i.includes('node_modules/handlebars/lib/') ||
        i.endsWith('node_modules/handlebars/dist/cjs/handlebars.js'),
    ),
    sourceMap: inputs.filter((i) => i.includes('node_modules/source-map/')),
  };
}

describe('templates in function bundles', () => {
  it('the staff workspace carries no Handlebars compiler and renders its pages from precompiled templates', async () => {
    const dir = tempDir('cpd-bundled-staff-');
    const metafile = await bundleFunction('web/staff', dir);
    const { runtime, compiler, sourceMap } = handlebarsInputs(metafile);
    expect(runtime).toHaveLength(1);
    expect(compiler).toEqual([]);
    expect(sourceMap).toEqual([]);

    // The pages' script is built by the CDK's bundling (test/infra/web-bundling.test.ts); the layout only
    // needs its hash.
    mkdirSync(path.join(dir, 'assets', 'web'), { recursive: true });
    writeFileSync(path.join(dir, 'assets', 'web', 'app.js'), '// the pages script\n');
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', lambdaInvokeScript('GET /staff/sign-in', '/staff/sign-in')],
      { cwd: dir, encoding: 'utf8', env: LAMBDA_ENV },
    );
    expect(run.stderr).not.toMatch(/Error/);
    const response = JSON.parse(run.stdout) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    // templates/web/staff-sign-in.hbs inside templates/web/layout.hbs.
    expect(response.body).toContain('<h1>Вход для сотрудников</h1>');
    expect(response.body).toContain('Вход по учётной записи региона не настроен');
    expect(response.body).toContain('<main id="main"');
  });

  it('mail, PDF and pages render bundled without the compiler; what needs it fails naming the template', async () => {
    const dir = tempDir('cpd-bundled-templates-');
    const entry = path.join(ROOT, 'test', 'infra', 'fixtures', 'documents', 'render-templates.ts');
    const { metafile } = await build({ ...esbuildOptionsFor(entry, dir), metafile: true, logLevel: 'error' });
    copyBundledAssets(dir);
    const { runtime, compiler, sourceMap } = handlebarsInputs(metafile);
    expect(runtime).toHaveLength(1);
    expect(compiler).toEqual([]);
    expect(sourceMap).toEqual([]);

    // A PDF template whose markup is wrong (<bold> is no element of markup.ts), precompiled as a deployment has it.
    const broken = 'pdf/test/broken.hbs';
    const brokenSource = '<p>Первая строка</p>\n<p><bold>{{settings.institute.short}}</bold></p>\n';
    mkdirSync(path.join(dir, 'assets', 'templates', 'pdf', 'test'), { recursive: true });
    writeFileSync(path.join(dir, 'assets', 'templates', broken), brokenSource);
    mkdirSync(path.join(dir, PRECOMPILED_TEMPLATES, 'pdf', 'test'), { recursive: true });
    writeFileSync(
      path.join(dir, PRECOMPILED_TEMPLATES, `${broken}.js`),
      pdfTemplates.precompile(Handlebars, broken, brokenSource),
    );
    // A mail whose precompiled form went missing.
    rmSync(path.join(dir, PRECOMPILED_TEMPLATES, 'email', 'common', 'reminder.hbs.js'));

    const run = spawnSync(process.execPath, [path.join(dir, BUNDLE_FILE)], {
      cwd: dir,
      encoding: 'utf8',
      env: LAMBDA_ENV,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as Record<string, { value?: unknown; error?: string } | boolean>;

    // As in Lambda: `import('handlebars')` finds nothing.
    expect(result.compilerInstalled).toBe(false);
    expect(result.mail).toEqual({
      value: expect.objectContaining({
        subject: expect.stringContaining('принята'),
        // templates/email/partials/signature.hbs, registered precompiled.
        text: expect.stringContaining('С уважением,'),
      }),
    });
    expect(result.pdf).toEqual({ value: expect.stringContaining('Индивидуальный образовательный маршрут') });
    expect(result.page).toEqual({ value: expect.stringContaining('Реестр &lt;площадок&gt;') });
    // Locating the line needs the compiler: the error names the file, without a line.
    expect(result.markupError).toEqual({
      error: expect.stringMatching(/^Ошибка шаблона templates\/pdf\/test\/broken\.hbs: /),
    });
    expect(result.source).toEqual({
      error: expect.stringContaining('templates/pdf/test/preview.hbs is not precompiled'),
    });
    expect(result.notPrecompiled).toEqual({
      error: expect.stringContaining('templates/email/common/reminder.hbs is not precompiled in this bundle'),
    });
  });
});
