import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { buildClientScript } from '../../infra/web/client-build';
import { lambdaInvokeScript, onlyResource } from './support';

/**
 * The web pages in a Lambda bundle: the pages' script is built next to the handler at bundling (assets/web/app.js)
 * and the stylesheet comes with the templates, so GET /assets/{file} answers without the repository or esbuild.
 */
const invoke = (file: string) => lambdaInvokeScript('GET /assets/{file}', `/assets/${file}`, { file });

describe('bundling of the web assets handler', () => {
  it('carries the built pages script and the stylesheet, and serves both in a Lambda-like environment', () => {
    const built = buildApp('smolensk', {
      manifest: {
        httpRoutes: [{ method: 'GET', path: '/assets/{file}', handler: 'web/assets' }],
        scheduledWorkers: [],
      },
    });
    const assembly = built.app.synth();
    const fn = onlyResource(Template.fromStack(built.stateless), 'AWS::Lambda::Function').Properties!;
    const assetHash = String((fn.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
    const bundleDir = path.join(assembly.directory, `asset.${assetHash}`);
    expect(existsSync(path.join(bundleDir, 'assets/web/app.js'))).toBe(true);
    expect(existsSync(path.join(bundleDir, 'assets/templates/web/app.css'))).toBe(true);

    for (const [file, type] of [
      ['app.js', 'text/javascript'],
      ['app.css', 'text/css'],
    ] as const) {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', invoke(file)], {
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
      const response = JSON.parse(run.stdout) as {
        statusCode: number;
        headers: Record<string, string>;
        body: string;
        isBase64Encoded?: boolean;
      };
      expect(response.statusCode, file).toBe(200);
      expect(response.headers['content-type']).toContain(type);
      const body = Buffer.from(response.body, response.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
      // The script carries the kinds' schemas (their Russian messages) for validation in the browser.
      const marker = file === 'app.js' ? 'Без согласия на обработку персональных данных' : '.error-summary';
      expect(body.includes(marker), `${file} carries "${marker}"`).toBe(true);
    }
  });

  it('carries zod with its Russian messages and no other locale, so the pages script stays small', async () => {
    const bytes = await buildClientScript();
    const script = Buffer.from(bytes).toString('utf8');
    // About 230 KB; with all of zod's locales (the `z` object passed on as a value) it was 509 KB.
    expect(bytes.length).toBeLessThan(300 * 1024);
    // The browser says what the server says: zod's own messages in Russian (functions/core/zod-ru.ts).
    expect(script).toContain('Неверный ввод');
    for (const foreign of [
      'Ungültige Eingabe',
      'Entrée invalide',
      'Entrada inválida',
      'Nieprawidłowe dane',
    ]) {
      expect(script, foreign).not.toContain(foreign);
    }
  });
});
