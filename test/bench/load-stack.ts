import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../infra/local/start';
import { ephemeralStackSettings } from '../support/ephemeral-stack';

/**
 * The stack of the load benchmark (test/bench/load.ts), in a process of its own so that the load generator does
 * not share its event loop: the embedded default as test/support/global-stack.ts boots it (free ports, DynamoDB in
 * memory, data in a temp dir, worker timers off: in AWS the workers are other functions, not the API's CPU).
 * Prints one JSON line with the URLs when ready; stops, and removes its data, when stdin closes.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'cpd-bench-'));
const stack = await startLocalStack(ephemeralStackSettings(dataDir, 'ERROR'));
process.stdout.write(
  `${JSON.stringify({
    appUrl: stack.appUrl,
    dynamodbUrl: stack.dynamodbUrl,
    s3Url: stack.s3Url,
    sesUrl: stack.sesUrl,
    dataDir,
    readyInMs: stack.readyInMs,
  })}\n`,
);
process.stdin.resume();
process.stdin.once('end', async () => {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
