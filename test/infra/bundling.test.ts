import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { bundleFunction, importOnce } from '../bench/functions';
import { lambdaInvokeScript, onlyResource } from './support';

const INVOKE = lambdaInvokeScript('GET /healthz', '/healthz');

describe('bundling (the one real esbuild run of the infra tests)', () => {
  it('bundles a real handler into an ESM module that starts and answers in a Lambda-like environment', async () => {
    const built = buildApp('smolensk', {
      manifest: {
        httpRoutes: [{ method: 'GET', path: '/healthz', handler: 'api/health' }],
        scheduledWorkers: [],
      },
    });
    const assembly = built.app.synth();
    const fn = onlyResource(Template.fromStack(built.stateless), 'AWS::Lambda::Function').Properties!;
    expect(fn.Handler).toBe('index.handler');
    const assetHash = String((fn.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    const bundleDir = path.join(assembly.directory, `asset.${assetHash}`);

    expect(existsSync(path.join(bundleDir, 'index.mjs.map'))).toBe(true);
    // Where functions/documents/assets.ts looks in Lambda: templates and the fonts the PDFs embed.
    for (const asset of [
      'assets/templates/email/partials/signature.hbs',
      'assets/templates/pdf/diagnostics-request/request.hbs',
      'assets/fonts/PTSerif-Regular.ttf',
      'assets/fonts/PTSerif-Bold.ttf',
      'assets/fonts/PTSerif-Italic.ttf',
      'assets/fonts/PTSerif-BoldItalic.ttf',
      'assets/fonts/DejaVuSans.ttf',
      'assets/fonts/DejaVuSans-Bold.ttf',
      // Precompiled by infra/constructs/precompiled-templates.ts: functions carry Handlebars' runtime only.
      'assets/templates-compiled/pdf/route/route-card.hbs.js',
      'assets/templates-compiled/pdf/partials/letterhead.hbs.js',
      'assets/templates-compiled/email/partials/signature.hbs.js',
      'assets/templates-compiled/web/layout.hbs.js',
    ]) {
      expect(existsSync(path.join(bundleDir, asset)), asset).toBe(true);
    }
    const bundle = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith('import { createRequire as __cpdCreateRequire }')).toBe(true);

    const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', INVOKE], {
      cwd: bundleDir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        INSTANCE_ID: 'smolensk',
        TABLE_NAME: 'records',
        BUCKET_NAME: 'documents',
        AWS_REGION: 'eu-central-1',
        USER_POOL_ID: 'eu-central-1_example',
        USER_POOL_CLIENT_ID: 'example',
        POWERTOOLS_SERVICE_NAME: 'cpd-forms',
      },
    });
    expect(run.stderr).not.toMatch(/Error/);
    const response = JSON.parse(run.stdout) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ ok: true });

    // The cold-start benchmark (npm run bench -- --suite functions) builds through esbuild's API with the shared
    // settings; it measures the deployed code only if its bundle is this one, byte for byte.
    const benchDir = mkdtempSync(path.join(tmpdir(), 'cpd-bench-bundle-'));
    try {
      await bundleFunction('api/health', benchDir);
      expect(readFileSync(path.join(benchDir, 'index.mjs'), 'utf8') === bundle).toBe(true);
      expect(importOnce('api/health', benchDir).ms).toBeGreaterThan(0);
    } finally {
      rmSync(benchDir, { recursive: true, force: true });
    }
  });
});
