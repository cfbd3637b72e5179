import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { type BuildAppOptions, type BuiltApp, buildApp } from '../../infra/app';
import type { DeploymentManifest } from '../../infra/stacks/stateless-stack';

export { instanceIds } from '../../infra/instances';

export const FIXTURES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/**
 * A manifest with what the real one will grow into: a handler serving several routes, a per-minute worker that
 * also consumes the table stream, and a daily one. Handlers are stand-ins under fixtures/.
 */
export const FAKE_MANIFEST: DeploymentManifest = {
  httpRoutes: [
    { method: 'GET', path: '/healthz', handler: 'api/ping' },
    { method: 'POST', path: '/v1/submissions/{id}', handler: 'api/submissions' },
    { method: 'GET', path: '/v1/submissions/{id}', handler: 'api/submissions' },
    { method: 'POST', path: '/v1/submissions/{id}/actions/{action}', handler: 'api/submissions' },
  ],
  scheduledWorkers: [
    { name: 'outbox', handler: 'workers/outbox', schedule: { everyMinutes: 1 }, tableStream: true },
    { name: 'deadlines', handler: 'workers/deadlines', schedule: { dailyAt: '09:00' } },
  ],
};

/** Bundling every function with esbuild is the slow part of a synthesis; one test bundles for real. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface Synthesized {
  readonly built: BuiltApp;
  readonly stateful: Template;
  readonly stateless: Template;
}

const defaultSynths = new Map<string, Synthesized>();

/**
 * Synthesizes an instance with the fake manifest unless told otherwise: cdk-nag on, bundling off, and
 * CloudFormation template validation off (it costs seconds per test process; cdk-nag.test.ts and
 * bundling.test.ts synthesize with it on). Without options the result is shared within a test file: nothing in
 * the tests changes a synthesized app.
 */
export function synth(instanceId: string, options?: BuildAppOptions): Synthesized {
  if (options === undefined) {
    let cached = defaultSynths.get(instanceId);
    if (!cached) {
      cached = synthesize(instanceId, {});
      defaultSynths.set(instanceId, cached);
    }
    return cached;
  }
  return synthesize(instanceId, options);
}

function synthesize(instanceId: string, options: BuildAppOptions): Synthesized {
  const built = buildApp(instanceId, {
    manifest: FAKE_MANIFEST,
    functionsDir: FIXTURES_DIR,
    cloudFormationValidation: false,
    ...options,
    context: { ...SKIP_BUNDLING, ...options.context },
  });
  built.app.synth();
  return {
    built,
    stateful: Template.fromStack(built.stateful),
    stateless: Template.fromStack(built.stateless),
  };
}

export type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }
>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The one resource of a type, failing if there is not exactly one. */
export function onlyResource(template: Template, type: string): Resources[string] {
  const found = Object.values(resourcesOf(template, type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** Logical id of the resource a `{ Ref }` or `{ Fn::GetAtt }` points at. */
export function referencedId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const ref = (value as { Ref?: unknown }).Ref;
    if (typeof ref === 'string') return ref;
    const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

/**
 * A script that invokes `./index.mjs`'s handler the way Lambda's Node.js runtime would, with an HTTP API (v2) event
 * for `GET <path>` of route `routeKey`, and prints the result as JSON (run it with `node --input-type=module -e`).
 */
export function lambdaInvokeScript(
  routeKey: string,
  path: string,
  pathParameters?: Record<string, string>,
): string {
  const event = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example' },
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'bundling-test',
      routeKey,
      stage: '$default',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
  return `
const { handler } = await import('./index.mjs');
const event = ${JSON.stringify(event)};
event.requestContext.timeEpoch = Date.now();
const context = { awsRequestId: 'bundling-test', functionName: 'test', getRemainingTimeInMillis: () => 10000 };
process.stdout.write(JSON.stringify(await handler(event, context)));
`;
}

/** Temporary folders for the tests of one file (bundles built into them), removed after its tests. */
export function tempDirs(): (prefix: string) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
