import * as z from 'zod';
import { loadInstance } from '../infra/instances';
import type { InstanceSettings } from './core/instance-settings';

/**
 * The one module that reads the environment (DESIGN.md, convention 3). Validated with zod at cold start:
 * a missing or malformed variable fails the start with its name, never later in a request.
 */

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

const RuntimeEnvSchema = z.object({
  INSTANCE_ID: z.string().min(1),
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  AWS_REGION: z.string().min(1),
  /** Public base URL of the app: party links in mails point here (`<APP_URL>/l/<token>`); set for the workers. */
  APP_URL: z.url().optional(),
  /** Endpoint overrides: the emulators under `npm start`, or a DynamoDB/S3/SES-compatible service in Russia. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  SES_ENDPOINT: z.url().optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Cognito user pool that issues staff tokens in AWS. */
  USER_POOL_ID: z.string().min(1).optional(),
  USER_POOL_CLIENT_ID: z.string().min(1).optional(),
  /** The pool's hosted sign-in for the staff workspace (authorization code flow), when the instance has one. */
  USER_POOL_SIGN_IN_URL: z.url().optional(),
  /** Local mode: the embedded default. Enables the dev endpoints, the local token issuer and a shiftable clock. */
  LOCAL_MODE: flag,
  LOCAL_DATA_DIR: z.string().min(1).optional(),
  LOCAL_ISSUER: z.url().optional(),
});

export interface Config {
  instance: InstanceSettings;
  /** Set where mails are composed (the workers and the embedded default). */
  appUrl?: string;
  tableName: string;
  bucketName: string;
  region: string;
  endpoints: { dynamodb?: string; s3?: string; ses?: string };
  sesConfigurationSet?: string;
  /** Credentials only in local mode (the emulators accept these); in AWS the SDK's default chain applies. */
  localCredentials?: { accessKeyId: string; secretAccessKey: string };
  cognito?: { userPoolId: string; clientId: string; signInUrl?: string };
  local?: { dataDir: string; issuer: string };
}

/** Access key the local emulators are started with (s3rver registers it); never valid anywhere else. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALDEVKEY', secretAccessKey: 'LOCALDEVSECRET' } as const;

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = RuntimeEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid environment: ${formatIssues(parsed.error)}`);
  }
  const e = parsed.data;
  if (e.LOCAL_MODE && !(e.LOCAL_DATA_DIR && e.LOCAL_ISSUER)) {
    throw new Error(
      'Invalid environment: LOCAL_DATA_DIR and LOCAL_ISSUER are required when LOCAL_MODE is on',
    );
  }
  if (!e.LOCAL_MODE && (e.USER_POOL_ID === undefined) !== (e.USER_POOL_CLIENT_ID === undefined)) {
    throw new Error('Invalid environment: USER_POOL_ID and USER_POOL_CLIENT_ID go together');
  }
  return {
    instance: loadInstance(e.INSTANCE_ID),
    appUrl: e.APP_URL?.replace(/\/$/, ''),
    tableName: e.TABLE_NAME,
    bucketName: e.BUCKET_NAME,
    region: e.AWS_REGION,
    endpoints: { dynamodb: e.DYNAMODB_ENDPOINT, s3: e.S3_ENDPOINT, ses: e.SES_ENDPOINT },
    sesConfigurationSet: e.SES_CONFIGURATION_SET,
    localCredentials: e.LOCAL_MODE ? { ...LOCAL_CREDENTIALS } : undefined,
    cognito:
      e.USER_POOL_ID && e.USER_POOL_CLIENT_ID
        ? {
            userPoolId: e.USER_POOL_ID,
            clientId: e.USER_POOL_CLIENT_ID,
            ...(e.USER_POOL_SIGN_IN_URL ? { signInUrl: e.USER_POOL_SIGN_IN_URL.replace(/\/$/, '') } : {}),
          }
        : undefined,
    local: e.LOCAL_MODE ? { dataDir: e.LOCAL_DATA_DIR!, issuer: e.LOCAL_ISSUER! } : undefined,
  };
}

let cached: Config | undefined;

/** The runtime configuration, parsed once per cold start. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Whether this process is the embedded default (dev endpoints and clock shifts allowed). */
export function isLocalMode(): boolean {
  return config().local !== undefined;
}

const LocalStartEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  INSTANCE_ID: z.string().min(1).default('smolensk'),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Emulator ports; 0 (the default) picks a free one, so two stacks can run side by side. */
  DYNAMODB_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  S3_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  SES_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Keep DynamoDB in memory (tests); the default persists under DATA_DIR. */
  EPHEMERAL: flag,
  /** Milliseconds between outbox polls under `npm start`; 0 switches the timer off (tests run workers by hand). */
  WORKER_POLL_MS: z.coerce.number().int().min(0).default(1000),
  /** Log level of the handlers under `npm start` (Powertools); warnings and errors by default, to keep the console readable. */
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('WARN'),
});
export type LocalStartEnv = z.infer<typeof LocalStartEnvSchema>;

/** Settings of `npm start` itself (infra/local/start.ts). */
export function localStartEnv(): LocalStartEnv {
  const parsed = LocalStartEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid environment: ${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * The embedded default runs the Lambda handlers in its own process, so it hands them their environment the way
 * Lambda would: by setting variables before the handler modules load.
 */
export function provideRuntimeEnv(vars: Record<string, string>): void {
  Object.assign(process.env, vars);
  cached = undefined;
}
