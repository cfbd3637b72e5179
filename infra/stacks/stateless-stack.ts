import { existsSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_DEFINITION } from '../../functions/adapters/table-definition';
import type { InstanceSettings } from '../../functions/core/instance-settings';
import type { HttpRoute, ScheduledWorker } from '../../functions/manifest';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/metric-names';
import { AppFunction } from '../constructs/app-function';
import { acknowledgeWildcardResource } from '../constructs/nag-acknowledgements';
import { describeSchedule, scheduleExpression } from '../constructs/worker-schedule';
import type { StatefulResources } from './stateful-stack';

/** What is deployed: the lists in functions/manifest.ts, or a fake one in tests. */
export interface DeploymentManifest {
  readonly httpRoutes: readonly HttpRoute[];
  readonly scheduledWorkers: readonly ScheduledWorker[];
}

export interface StatelessStackProps extends StackProps {
  readonly settings: InstanceSettings;
  readonly stateful: StatefulResources;
  readonly manifest: DeploymentManifest;
  /** Directory the manifest's handler paths are relative to (functions/). */
  readonly functionsDir: string;
  readonly projectRoot: string;
  /** Subscribed to the alarm topic when given; otherwise an admin subscribes in the console. */
  readonly alarmEmail?: string;
}

/**
 * Outbox items are the table items whose partition key starts with this prefix; only their insertion wakes the
 * outbox worker through the stream (the worker's own updates to an item must not re-trigger it).
 */
export const OUTBOX_KEY_PREFIX = 'OUTBOX#';

/** Same value in every function so logs, metrics and traces of one instance group under one service. */
const SERVICE_NAME = METRICS_SERVICE;

/**
 * Default-stage throttling for the whole API. A regional instance serves hundreds of teachers, mostly during
 * business hours; these limits sit far above that and only cap runaway clients and cost.
 */
const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };

const HANDLER_PATH = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;

interface FunctionPlan {
  readonly handler: string;
  readonly routes: HttpRoute[];
  readonly workers: ScheduledWorker[];
}

/**
 * The code and its wiring, safe to replace at any time: one function per handler module of the manifest, the
 * HTTP API, worker schedules and the table stream, alarms and where they go.
 */
export class StatelessStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly functions: ReadonlyMap<string, AppFunction>;
  readonly alarmTopic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue | undefined;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const plans = planFunctions(props.manifest);

    // Only asynchronous invocations (schedules, stream batches) can dead-letter; an HTTP-only deployment has none.
    this.deadLetterQueue = plans.some((plan) => plan.workers.length > 0)
      ? new sqs.Queue(this, 'DeadLetters', {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        })
      : undefined;
    if (this.deadLetterQueue)
      Validations.of(this.deadLetterQueue).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This queue is itself the dead-letter queue of the workers: its messages are read by the administrator ' +
          'after the DeadLettersAlarm, and a further queue behind it would only hide them once more.',
      });

    const functions = new Map<string, AppFunction>();
    for (const plan of plans) {
      functions.set(plan.handler, this.createFunction(plan, props));
    }
    this.functions = functions;

    this.api = this.createApi(plans, functions, props.settings);
    // Party links in mails point at the app. Only workers mail, and they are not API integrations, so reading the
    // API's URL here makes no dependency cycle; an instance with its own domain names it in its settings.
    for (const plan of plans) {
      if (plan.workers.length > 0) {
        functions
          .get(plan.handler)!
          .function.addEnvironment('APP_URL', props.settings.publicUrl ?? this.api.apiEndpoint);
      }
    }
    this.createSchedules(plans, functions, props.settings);
    this.alarmTopic = this.createAlarms(functions, props.alarmEmail);
  }

  private createFunction(plan: FunctionPlan, props: StatelessStackProps): AppFunction {
    const entry = path.join(props.functionsDir, `${plan.handler}.ts`);
    if (!existsSync(entry)) {
      const usedBy = [
        ...plan.routes.map((r) => `${r.method} ${r.path}`),
        ...plan.workers.map((w) => `worker ${w.name}`),
      ];
      throw new Error(`Handler module ${entry} does not exist (used by ${usedBy.join(', ')})`);
    }
    const isWorker = plan.workers.length > 0;
    const fn = new AppFunction(this, `${pascalCase(plan.handler)}Function`, {
      entry,
      projectRoot: props.projectRoot,
      profile: isWorker ? 'worker' : 'http',
      instanceId: props.settings.id,
      serviceName: SERVICE_NAME,
      description: `${plan.handler} (${props.settings.id})`,
      deadLetterQueue: isWorker ? this.deadLetterQueue : undefined,
      // Handlers of web pages serve (or link) the pages' script, built at bundling.
      webClient: plan.handler.startsWith('web/'),
    });
    const { stateful } = props;
    // A request commits its record, history and outbox item in one transaction, hence write access for every
    // HTTP handler. Nothing is rendered or sent inside a request (DESIGN.md), so HTTP handlers only read
    // documents (presigned downloads) and never mail; workers render into the bucket and send mail.
    fn.bindTable(stateful.table, 'readWrite');
    if (isWorker) {
      fn.bindBucket(stateful.documentsBucket, 'readWrite');
      fn.allowSendingMail(stateful.mail);
    } else {
      fn.bindBucket(stateful.documentsBucket, 'read');
    }
    if (plan.routes.length > 0) {
      fn.bindUserPool(stateful.staff.userPool, stateful.staff.client, stateful.staff.signInUrl);
    }
    if (plan.workers.some((worker) => worker.tableStream) && this.deadLetterQueue) {
      fn.consumeTableStream(stateful.table, {
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: {
              Keys: {
                [TABLE_DEFINITION.partitionKey.name]: { S: lambda.FilterRule.beginsWith(OUTBOX_KEY_PREFIX) },
              },
            },
          }),
        ],
        deadLetterQueue: this.deadLetterQueue,
      });
    }
    return fn;
  }

  private createApi(
    plans: readonly FunctionPlan[],
    functions: ReadonlyMap<string, AppFunction>,
    settings: InstanceSettings,
  ): apigwv2.HttpApi {
    const api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `cpd-${settings.id}`,
      description: `Forms and documents API of ${settings.region.name}`,
      // The stage is created below with throttling and access logs, which the implicit default stage lacks.
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // The route key, never the raw path: link tokens travel in paths (/v1/links/{token}) and must not
        // end up in logs. HTTP APIs cannot log bodies, and nothing here carries one.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            sourceIp: '$context.identity.sourceIp',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    for (const plan of plans) {
      if (plan.routes.length === 0) continue;
      const fn = functions.get(plan.handler)!;
      const integration = new HttpLambdaIntegration(`${pascalCase(plan.handler)}Integration`, fn.function);
      for (const route of plan.routes) {
        api.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration });
      }
    }
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authorization happens in the handlers (API.md "Who is calling"): staff Cognito tokens are verified with ' +
        'aws-jwt-verify, link parties by hashed link tokens, and several endpoints are public by design; a ' +
        'gateway authorizer cannot express link tokens or anonymous submissions.',
    });
    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    return api;
  }

  private createSchedules(
    plans: readonly FunctionPlan[],
    functions: ReadonlyMap<string, AppFunction>,
    settings: InstanceSettings,
  ): void {
    const workers = plans.flatMap((plan) =>
      plan.workers.map((worker) => ({ worker, fn: functions.get(plan.handler)! })),
    );
    if (workers.length === 0 || !this.deadLetterQueue) return;
    // One role for all schedules, so its grants are visible in one place.
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the worker functions',
    });
    for (const { worker, fn } of workers) {
      new scheduler.Schedule(this, `${pascalCase(worker.name)}Schedule`, {
        description: `${worker.name} worker, ${describeSchedule(worker.schedule, settings.timeZone)}`,
        schedule: scheduleExpression(worker.schedule, settings.timeZone),
        target: new LambdaInvoke(fn.function, {
          role,
          input: scheduler.ScheduleTargetInput.fromObject({ source: 'schedule', worker: worker.name }),
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 3,
          // A run that could not be delivered within the hour is superseded by the next one.
          maxEventAge: Duration.hours(1),
        }),
      });
      acknowledgeWildcardResource(
        role,
        `${fn.function.functionArn}:*`,
        'Lambda grantInvoke also names "<function ARN>:*" (versions and aliases of that same function); ' +
          'the role can invoke nothing but the worker functions.',
      );
    }
  }

  private createAlarms(
    functions: ReadonlyMap<string, AppFunction>,
    alarmEmail: string | undefined,
  ): sns.Topic {
    // A customer managed key: CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the alarm topic',
      enableKeyRotation: true,
      policy: alarmKeyPolicy(this.account),
      // Alarm messages are transient; the key has nothing to keep once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'cpd-forms alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (alarmEmail) {
      const subscription = topic.addSubscription(new EmailSubscription(alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'The one subscription is the administrator mailbox for alarms. A mail SNS cannot deliver leaves the ' +
          'alarm itself in ALARM state in CloudWatch, where it is seen; a queue of undelivered alarm mails would ' +
          'have no reader.',
      });
    }
    const action = new SnsAction(topic);
    const period = Duration.minutes(5);
    const alarm = (id: string, metric: cloudwatch.IMetric, description: string) => {
      const created = new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
    };

    // Any error is worth a look: the workers retry and park failed items themselves, so an error that reaches
    // Lambda's metric is a bug or an outage, not noise.
    for (const [handler, fn] of functions) {
      alarm(
        `${pascalCase(handler)}ErrorsAlarm`,
        fn.function.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
        `${handler} failed at least once in 5 minutes`,
      );
    }
    if (this.deadLetterQueue) {
      alarm(
        'DeadLettersAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        'A scheduled run or a stream batch was given up and is waiting in the dead-letter queue',
      );
    }
    if (this.deadLetterQueue) {
      // The outbox worker parks an item after its last attempt and counts it (functions/metrics.ts); the record
      // shows `deliveryFailed` to staff, and this tells the administrator.
      alarm(
        'OutboxParkedAlarm',
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.outboxParked,
          dimensionsMap: { service: METRICS_SERVICE },
          period,
          statistic: cloudwatch.Stats.SUM,
        }),
        'A notification or document could not be delivered after every retry (see records with deliveryFailed)',
      );
    }
    alarm(
      'ApiServerErrorsAlarm',
      this.api.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
      'The API answered 5xx at least once in 5 minutes',
    );
    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn });
    return topic;
  }
}

/**
 * Key policy without `kms:*`: the account may administer the key (so it never becomes unmanageable) but not use
 * it, and CloudWatch may use it only to publish alarms from this account.
 */
function alarmKeyPolicy(account: string): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministersTheKey',
        principals: [new iam.AccountRootPrincipal()],
        actions: [
          'kms:Create*',
          'kms:Describe*',
          'kms:Enable*',
          'kms:List*',
          'kms:Put*',
          'kms:Update*',
          'kms:Revoke*',
          'kms:Disable*',
          'kms:Get*',
          'kms:Delete*',
          'kms:TagResource',
          'kms:UntagResource',
          'kms:ScheduleKeyDeletion',
          'kms:CancelKeyDeletion',
        ],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    ],
  });
}

/** Groups the manifest by handler module, checking what CDK would otherwise accept silently. */
export function planFunctions(manifest: DeploymentManifest): FunctionPlan[] {
  const plans = new Map<string, FunctionPlan>();
  const planFor = (handler: string): FunctionPlan => {
    if (!HANDLER_PATH.test(handler)) {
      throw new Error(`Handler "${handler}" must be a module path under functions/, like "api/health"`);
    }
    let plan = plans.get(handler);
    if (!plan) {
      plan = { handler, routes: [], workers: [] };
      plans.set(handler, plan);
    }
    return plan;
  };
  const routeKeys = new Set<string>();
  for (const route of manifest.httpRoutes) {
    // Local-only endpoints (API.md, "Local mode only") live in infra/local and must never be routable in AWS.
    if (route.path === '/dev' || route.path.startsWith('/dev/')) {
      throw new Error(`Route ${route.method} ${route.path} is local-only and must not be in the manifest`);
    }
    const key = `${route.method} ${route.path}`;
    if (routeKeys.has(key)) throw new Error(`Route ${key} appears twice in the manifest`);
    routeKeys.add(key);
    planFor(route.handler).routes.push(route);
  }
  const workerNames = new Set<string>();
  for (const worker of manifest.scheduledWorkers) {
    if (workerNames.has(worker.name))
      throw new Error(`Worker "${worker.name}" appears twice in the manifest`);
    workerNames.add(worker.name);
    planFor(worker.handler).workers.push(worker);
  }
  return [...plans.values()];
}

/** `api/health` → `ApiHealth`, `workers/outbox` → `WorkersOutbox`: stable construct ids from module paths. */
function pascalCase(value: string): string {
  return value
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
