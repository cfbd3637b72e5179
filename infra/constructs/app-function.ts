import { execFileSync } from 'node:child_process';
import { AssetHashType, DockerImage, Duration, type ILocalBundling, Validations } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE_DEFINITION } from '../../functions/adapters/table-definition';
import { FUNCTION_NODE_OPTIONS } from './function-bundling';
import { acknowledgeWildcardResource } from './nag-acknowledgements';
import { precompiledTemplatesDir } from './precompiled-templates';

export type DataAccess = 'read' | 'readWrite';

/**
 * Sizes by what a function does. HTTP handlers must answer well inside API Gateway's 30 s integration limit;
 * workers render PDFs (pdf-lib with embedded fonts is memory-hungry, and Lambda CPU grows with memory) and send
 * mail, and must finish before the next run of a per-minute schedule.
 */
const PROFILES = {
  http: { memorySize: 512, timeout: Duration.seconds(15) },
  worker: { memorySize: 1024, timeout: Duration.seconds(50) },
} as const;
export type FunctionProfile = keyof typeof PROFILES;

/** Operational logs only (convention 4: no personal data in logs), so a quarter is enough to investigate. */
const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

// Item-level actions only. No Scan: every access pattern has a key or an index (table-definition.ts), and the
// same code must run on DynamoDB-compatible services where scans are costly. TransactWriteItems and
// TransactGetItems have no IAM actions of their own; they are authorised per contained Put/Update/Delete/Get.
const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const BUCKET_READ_OBJECT_ACTIONS = ['s3:GetObject'];
const BUCKET_WRITE_OBJECT_ACTIONS = ['s3:PutObject', 's3:DeleteObject'];

export interface AppFunctionProps {
  /** Absolute path of the handler module; it exports `handler`. */
  readonly entry: string;
  /** Repository root: esbuild runs there and resolves the dependencies package-lock.json installed. */
  readonly projectRoot: string;
  readonly profile: FunctionProfile;
  readonly instanceId: string;
  /** Powertools service name, the same for every function of the app so logs and traces group together. */
  readonly serviceName: string;
  readonly description?: string;
  /** Where asynchronous invocations (schedules) land after Lambda's own retries. */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Web pages: the pages' script (infra/web/client-build.ts) is built next to the bundle as assets/web/app.js,
   * where functions/web/static-assets.ts looks for it.
   */
  readonly webClient?: boolean;
}

export interface MailBinding {
  readonly identityArn: string;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
}

export interface TableStreamOptions {
  /** Only records matching these filters invoke the function (Lambda event filtering). */
  readonly filters: Array<Record<string, unknown>>;
  /** Where batches go after the retries are spent. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The one Lambda function shape of the app (DESIGN.md convention 7): runtime, architecture, memory, timeout,
 * logs, tracing and bundling are decided here, and resources are bound through methods that set the environment
 * variable the config module reads (functions/config.ts) and grant exactly the matching permissions, together.
 */
export class AppFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const profile = PROFILES[props.profile];

    // An explicit role instead of the default one, which carries the AWS managed AWSLambdaBasicExecutionRole
    // (logs on every log group of the account); this one may write only to its own log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description ?? id}`,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: LOG_RETENTION });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      code: functionCode(props),
      handler: 'index.handler',
      description: props.description,
      // FUNCTION_TARGET (node22) of the bundle matches this runtime.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: profile.memorySize,
      timeout: profile.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        INSTANCE_ID: props.instanceId,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        // Stack traces in the logs point at the TypeScript sources through the bundled source map.
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
      },
    });

    const pinnedRuntime =
      'DESIGN.md ("AWS deployment") pins Node.js 22 for the functions; moving to a newer runtime is a ' +
      'deliberate change made together with the local toolchain, not something a linter should force.';
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-L1', reason: pinnedRuntime },
      { id: 'Serverless-LambdaLatestVersion', reason: pinnedRuntime },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only for actions that have no resource-level permissions: xray:PutTraceSegments and ' +
          'xray:PutTelemetryRecords (active tracing) and, for table stream consumers, dynamodb:ListStreams. ' +
          'Every other statement names its resources.',
      },
    );
    if (!props.deadLetterQueue)
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'This function is invoked only synchronously, by API Gateway: the caller gets the error answer, and ' +
          'Lambda sends only asynchronous invocations to a dead-letter target. Every worker has one.',
      });
  }

  /** Sets TABLE_NAME and grants item access to the table and its indexes (named one by one, no wildcard). */
  bindTable(table: dynamodb.ITable, access: DataAccess): this {
    this.function.addEnvironment('TABLE_NAME', table.tableName);
    const itemActions =
      access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: itemActions, resources: [table.tableArn] }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: TABLE_DEFINITION.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
      }),
    );
    return this;
  }

  /**
   * Sets BUCKET_NAME and grants object access. ListBucket is included so that a missing document reads as
   * "not found" (404) rather than "access denied" (403). The bucket must be referenced by a name free of
   * cross-stack tokens (see StatefulResources.documentsBucket) for the wildcard acknowledgement to match.
   */
  bindBucket(bucket: s3.IBucket, access: DataAccess): this {
    this.function.addEnvironment('BUCKET_NAME', bucket.bucketName);
    const objectActions =
      access === 'read'
        ? BUCKET_READ_OBJECT_ACTIONS
        : [...BUCKET_READ_OBJECT_ACTIONS, ...BUCKET_WRITE_OBJECT_ACTIONS];
    const objects = bucket.arnForObjects('*');
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: objectActions, resources: [objects] }));
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    acknowledgeWildcardResource(
      this.role,
      objects,
      'Object keys are generated per record and document at run time, so object actions need "<bucket>/*"; ' +
        'the grant is limited to the one documents bucket of this instance.',
    );
    return this;
  }

  /** Sets SES_CONFIGURATION_SET and allows sending only from the instance's identity through its configuration set. */
  allowSendingMail(mail: MailBinding): this {
    this.function.addEnvironment('SES_CONFIGURATION_SET', mail.configurationSetName);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        // SendEmail is what the SES v2 API checks (raw MIME included); SendRawEmail covers the v1 API.
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [mail.identityArn, mail.configurationSetArn],
      }),
    );
    return this;
  }

  /**
   * Sets USER_POOL_ID and USER_POOL_CLIENT_ID for verifying staff tokens (aws-jwt-verify), and USER_POOL_SIGN_IN_URL
   * when the pool has a hosted sign-in. No IAM grant: the verifier only fetches the pool's public JWKS, and the code
   * exchange is a public OAuth endpoint.
   */
  bindUserPool(userPool: cognito.IUserPool, client: cognito.IUserPoolClient, signInUrl?: string): this {
    this.function.addEnvironment('USER_POOL_ID', userPool.userPoolId);
    this.function.addEnvironment('USER_POOL_CLIENT_ID', client.userPoolClientId);
    // The staff workspace sends people to the pool's hosted sign-in and exchanges the code it returns.
    if (signInUrl) this.function.addEnvironment('USER_POOL_SIGN_IN_URL', signInUrl);
    return this;
  }

  /** Invokes the function with table stream records that pass the filters; failed batches go to the queue. */
  consumeTableStream(table: dynamodb.ITable, options: TableStreamOptions): this {
    this.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 10,
        // A poison record is isolated by halving the batch instead of blocking the shard until it expires.
        bisectBatchOnError: true,
        retryAttempts: 3,
        onFailure: new SqsDlq(options.deadLetterQueue),
        filters: options.filters,
      }),
    );
    return this;
  }
}

/**
 * The function's package, built at synthesis by infra/bundle-function.ts (esbuild with the settings and plugins
 * of function-bundling.ts, the same the benchmarks use) and identified by the hash of what it built. No Docker
 * fallback: the local build either succeeds or fails the synthesis with esbuild's message.
 */
function functionCode(props: AppFunctionProps): lambda.Code {
  return lambda.Code.fromAsset(props.projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never pulled: local bundling always answers.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      local: new LocalFunctionBundling(props.projectRoot, props.entry, props.webClient === true),
    },
  });
}

/**
 * Local bundling of one function. Its fields are part of the CDK's asset cache key (the bundling options are
 * hashed as JSON): without the entry there, every function of the project root would get the first one's bundle.
 */
class LocalFunctionBundling implements ILocalBundling {
  constructor(
    readonly projectRoot: string,
    readonly entry: string,
    readonly webClient: boolean,
  ) {}

  tryBundle(outputDir: string): boolean {
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'infra/bundle-function.ts',
        this.entry,
        outputDir,
        // Templates precompiled once per synthesis (a cold function skips Handlebars' parser and compiler).
        '--templates',
        precompiledTemplatesDir(),
        ...(this.webClient ? ['--web-client'] : []),
      ],
      // esbuild's messages to the synthesis' stderr; its stdout may carry the template.
      { cwd: this.projectRoot, stdio: ['ignore', 2, 2] },
    );
    return true;
  }
}
