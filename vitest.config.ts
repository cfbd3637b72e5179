import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's order, except that the personal-data scan of the integration run comes last: it scans what every other
 * file made the handlers log, request and answer (test/integration/pii-scan.test.ts).
 */
class LastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLast = (f: TestSpecification) => f.moduleId.endsWith('/test/integration/pii-scan.test.ts');
    return [...sorted.filter((f) => !isLast(f)), ...sorted.filter(isLast)];
  }
}

export default defineConfig({
  test: {
    // The personal-data scan of the integration run goes last.
    sequence: { sequencer: LastSequencer },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One stack of real emulators (DynamoDB Local, s3rver, aws-ses-v2-local) on random ports per run.
          globalSetup: ['test/support/global-stack.ts'],
          // Files share the stack and some shift its clock (POST /dev/clock), so they run one after another.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
