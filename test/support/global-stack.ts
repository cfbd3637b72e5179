import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../infra/local/start';
import { ephemeralStackSettings } from './ephemeral-stack';
import { startCapture } from './pii-capture';

/**
 * Boots the embedded default once per test run on random ports, DynamoDB in memory, data in a temp dir, and the
 * worker timers off (tests run workers through POST /dev/run/{worker}). Test files reach it over HTTP and, for
 * adapter tests, through the same adapters pointed at the same emulators (see test/support/stack.ts).
 */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cpd-test-'));
  // Everything the handlers log, every URL and every error answer of the run, for the personal-data scan
  // (test/integration/pii-scan.test.ts); the console still shows errors only.
  const capture = startCapture(dataDir);
  const stack = await startLocalStack(
    // DEBUG: a scan of logs at ERROR would prove nothing about what the handlers log on the way.
    ephemeralStackSettings(dataDir, 'DEBUG'),
    { observe: capture.observe },
  );
  project.provide('stack', {
    appUrl: stack.appUrl,
    sesUrl: stack.sesUrl,
    dynamodbUrl: stack.dynamodbUrl,
    s3Url: stack.s3Url,
    dataDir,
  });
  return async () => {
    await stack.stop();
    capture.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { appUrl: string; sesUrl: string; dynamodbUrl: string; s3Url: string; dataDir: string };
  }
}
