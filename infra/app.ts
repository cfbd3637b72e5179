import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { httpRoutes, scheduledWorkers } from '../functions/manifest';
import { instanceIds, loadInstance } from './instances';
import { StatefulStack } from './stacks/stateful-stack';
import { type DeploymentManifest, StatelessStack } from './stacks/stateless-stack';

/**
 * CDK entry (`npx cdk synth|deploy -c instance=<id>`): one regional instance is one stateful and one stateless
 * stack. Everything instance-specific comes from infra/instances/<id>.ts; nothing here branches on the id.
 */

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildAppOptions {
  /** An existing app, e.g. the one the CLI's context (-c, cdk.json) arrived in; a new one otherwise. */
  readonly app?: App;
  /** Context for a new app, on top of cdk.json's (tests pass `aws:cdk:bundling-stacks` here). */
  readonly context?: Record<string, unknown>;
  /** Defaults to functions/manifest.ts. */
  readonly manifest?: DeploymentManifest;
  /** Directory of the handler modules; defaults to functions/. */
  readonly functionsDir?: string;
  /** Address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /**
   * aws-cdk-lib's built-in CloudFormation template validation for a new app (default on, as in `cdk synth`).
   * It costs seconds per process, so tests switch it off where another test validates the same templates.
   */
  readonly cloudFormationValidation?: boolean;
}

export interface BuiltApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export function stackNames(instanceId: string): { stateful: string; stateless: string } {
  return { stateful: `cpd-${instanceId}-stateful`, stateless: `cpd-${instanceId}-stateless` };
}

/** A mistake in how the app was invoked: reported as one line, without a stack trace. */
export class UsageError extends Error {}

/** The instance id from `-c instance=<id>`, or an error that says which ids exist. */
export function requireInstanceId(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(
      `Missing instance: run with -c instance=<id>; known instances: ${instanceIds.join(', ')}`,
    );
  }
  if (!instanceIds.includes(value)) {
    throw new UsageError(`Unknown instance "${value}"; known instances: ${instanceIds.join(', ')}`);
  }
  return value;
}

/**
 * cdk.json's context (the feature flags) applied to apps built outside the CLI too, so tests synthesize with
 * the same flags as `cdk synth`.
 */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export function buildApp(instanceId: string, options: BuildAppOptions = {}): BuiltApp {
  const settings = loadInstance(requireInstanceId(instanceId));
  const app =
    options.app ??
    new App({
      context: { ...cdkJsonContext(), ...options.context },
      builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
    });
  // cdk-nag 3 is a validation plugin: an unacknowledged finding fails the synthesis (and so `cdk deploy`).
  // AwsSolutions and the Serverless pack (Lambda, API Gateway, SQS, DynamoDB practice for serverless apps).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

  const env = { region: settings.aws.region, account: settings.aws.account };
  const names = stackNames(settings.id);
  const tags = { app: 'cpd-forms', instance: settings.id };
  const stateful = new StatefulStack(app, names.stateful, {
    stackName: names.stateful,
    description: `Data, mail identity and staff directory of ${settings.region.name} (${settings.id})`,
    env,
    tags,
    settings,
  });
  const stateless = new StatelessStack(app, names.stateless, {
    stackName: names.stateless,
    description: `Functions, API, schedules and alarms of ${settings.region.name} (${settings.id})`,
    env,
    tags,
    settings,
    stateful,
    manifest: options.manifest ?? { httpRoutes, scheduledWorkers },
    functionsDir: options.functionsDir ?? path.join(PROJECT_ROOT, 'functions'),
    projectRoot: PROJECT_ROOT,
    alarmEmail: options.alarmEmail,
  });
  stateless.addStackDependency(stateful);
  return { app, stateful, stateless };
}

function main(): void {
  // The CLI hands -c values and cdk.json's context to the app through the environment.
  const app = new App();
  const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;
  buildApp(requireInstanceId(app.node.tryGetContext('instance')), { app, alarmEmail });
  app.synth();
}

const runAsEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runAsEntry) {
  try {
    main();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
