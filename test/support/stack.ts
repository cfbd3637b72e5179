import { inject } from 'vitest';
import { provideRuntimeEnv } from '../../functions/config';

/** The running test stack; also points this test process's adapters at its emulators, as the gateway's are. */
export function useStack() {
  const stack = inject('stack');
  provideRuntimeEnv({
    INSTANCE_ID: 'smolensk',
    TABLE_NAME: 'cpd-local',
    BUCKET_NAME: 'cpd-local',
    AWS_REGION: 'eu-central-1',
    APP_URL: stack.appUrl,
    DYNAMODB_ENDPOINT: stack.dynamodbUrl,
    S3_ENDPOINT: stack.s3Url,
    SES_ENDPOINT: stack.sesUrl,
    LOCAL_MODE: 'true',
    LOCAL_DATA_DIR: stack.dataDir,
    LOCAL_ISSUER: `${stack.appUrl}/local-issuer`,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  return stack;
}

export async function api(
  stack: { appUrl: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${stack.appUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON responses of many shapes
  return { status: response.status, headers: response.headers, json: json as any, text };
}
