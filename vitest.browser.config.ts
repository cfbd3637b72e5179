import { defineConfig } from 'vitest/config';

/**
 * Browser tests (`npm run test:browser`): Debian's Chromium driven by playwright-core against the embedded default
 * on random ports (the same global stack the integration tests use). Separate from `npm test`, since they need
 * Chromium (`.ci/run` installs it with apt and runs them after `npm test`).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-stack.ts'],
          // One stack and one clock for all files; the browser is the slow part anyway.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
