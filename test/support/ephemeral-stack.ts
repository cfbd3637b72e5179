/**
 * The settings of a throw-away embedded default (infra/local/start.ts) for tests and benchmarks: loopback, free
 * ports everywhere, DynamoDB in memory, data in the given temp folder, worker timers off (workers run through
 * POST /dev/run/{worker}, or not at all).
 */
export function ephemeralStackSettings(dataDir: string, logLevel: 'ERROR' | 'DEBUG') {
  return {
    PORT: 0,
    HOST: '127.0.0.1',
    INSTANCE_ID: 'smolensk',
    DATA_DIR: dataDir,
    DYNAMODB_PORT: 0,
    S3_PORT: 0,
    SES_PORT: 0,
    EPHEMERAL: true,
    WORKER_POLL_MS: 0,
    LOG_LEVEL: logLevel,
  } as const;
}
