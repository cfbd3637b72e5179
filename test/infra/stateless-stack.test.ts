import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DEFINITION } from '../../functions/adapters/table-definition';
import { httpRoutes, scheduledWorkers } from '../../functions/manifest';
import { loadInstance } from '../../infra/instances';
import { OUTBOX_KEY_PREFIX, planFunctions } from '../../infra/stacks/stateless-stack';
import {
  FAKE_MANIFEST,
  instanceIds,
  onlyResource,
  referencedId,
  resourcesOf,
  type Synthesized,
  synth,
} from './support';

const distinctHandlers = new Set([
  ...FAKE_MANIFEST.httpRoutes.map((r) => r.handler),
  ...FAKE_MANIFEST.scheduledWorkers.map((w) => w.handler),
]);

/** The function whose description names the handler (the description is `<handler> (<instance>)`). */
function functionOf(s: Synthesized, handler: string): [string, Record<string, unknown>] {
  const found = Object.entries(resourcesOf(s.stateless, 'AWS::Lambda::Function')).filter(([, fn]) =>
    String(fn.Properties!.Description).startsWith(`${handler} (`),
  );
  expect(found, handler).toHaveLength(1);
  return [found[0]![0], found[0]![1].Properties!];
}

describe.each(instanceIds)('stateless stack of %s', (instanceId) => {
  const settings = loadInstance(instanceId);
  let s: Synthesized;
  beforeAll(() => {
    s = synth(instanceId);
  });

  describe('functions', () => {
    it('one function per distinct handler module', () => {
      s.stateless.resourceCountIs('AWS::Lambda::Function', distinctHandlers.size);
      for (const handler of distinctHandlers) functionOf(s, handler);
    });

    it('every function runs Node.js 22 on arm64 with active tracing and the instance in its environment', () => {
      for (const fn of Object.values(resourcesOf(s.stateless, 'AWS::Lambda::Function'))) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Handler: 'index.handler',
          Environment: {
            Variables: expect.objectContaining({
              INSTANCE_ID: instanceId,
              POWERTOOLS_SERVICE_NAME: 'cpd-forms',
              TABLE_NAME: expect.anything(),
              BUCKET_NAME: expect.anything(),
              NODE_OPTIONS: '--enable-source-maps',
            }),
          },
        });
      }
    });

    it('every function states its memory and timeout, within what its work needs and API Gateway allows', () => {
      for (const fn of Object.values(resourcesOf(s.stateless, 'AWS::Lambda::Function'))) {
        const { MemorySize, Timeout, Description } = fn.Properties as Record<string, unknown>;
        expect(MemorySize, String(Description)).toEqual(expect.any(Number));
        expect(Timeout, String(Description)).toEqual(expect.any(Number));
        expect(MemorySize as number).toBeGreaterThanOrEqual(256);
        // HTTP handlers must answer inside API Gateway's 30 s integration limit; workers may run longer batches.
        const limit = String(Description).startsWith('workers/') ? 900 : 29;
        expect(Timeout as number, String(Description)).toBeLessThanOrEqual(limit);
      }
    });

    it('every function logs to its own log group with a retention', () => {
      const logGroups = resourcesOf(s.stateless, 'AWS::Logs::LogGroup');
      const seen = new Set<string>();
      for (const fn of Object.values(resourcesOf(s.stateless, 'AWS::Lambda::Function'))) {
        const logGroupId = referencedId((fn.Properties!.LoggingConfig as { LogGroup: unknown }).LogGroup);
        expect(logGroupId).toBeDefined();
        expect(seen.has(logGroupId!)).toBe(false);
        seen.add(logGroupId!);
        expect(logGroups[logGroupId!]!.Properties!.RetentionInDays).toBe(90);
      }
    });

    it('HTTP handlers get the user pool; workers get the mail configuration set and the dead-letter queue', () => {
      const dlq = Object.keys(resourcesOf(s.stateless, 'AWS::SQS::Queue'));
      expect(dlq).toHaveLength(1);
      for (const handler of ['api/ping', 'api/submissions']) {
        const [, fn] = functionOf(s, handler);
        const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(variables).toHaveProperty('USER_POOL_ID');
        expect(variables).toHaveProperty('USER_POOL_CLIENT_ID');
        expect(variables).not.toHaveProperty('SES_CONFIGURATION_SET');
        expect(variables).not.toHaveProperty('APP_URL');
        expect(fn.DeadLetterConfig).toBeUndefined();
      }
      for (const handler of ['workers/outbox', 'workers/deadlines']) {
        const [, fn] = functionOf(s, handler);
        const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
        expect(variables).toHaveProperty('SES_CONFIGURATION_SET');
        // Links in mails need the app's address; only workers compose mail.
        expect(variables).toHaveProperty('APP_URL');
        expect(referencedId((fn.DeadLetterConfig as { TargetArn: unknown }).TargetArn)).toBe(dlq[0]);
      }
    });

    it('the dead-letter queue is encrypted and refuses plain HTTP', () => {
      s.stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      s.stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('HTTP API', () => {
    it('throttles the default stage', () => {
      s.stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingBurstLimit: Match.anyValue(),
          ThrottlingRateLimit: Match.anyValue(),
        },
      });
    });

    it('writes JSON access logs to a log group, by route key, without bodies or raw paths', () => {
      const stage = onlyResource(s.stateless, 'AWS::ApiGatewayV2::Stage').Properties!;
      const settings = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
      const logGroupId = referencedId(settings.DestinationArn);
      expect(resourcesOf(s.stateless, 'AWS::Logs::LogGroup')[logGroupId!]?.Properties?.RetentionInDays).toBe(
        90,
      );
      const format = JSON.parse(settings.Format) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey' });
      expect(settings.Format).not.toMatch(/body|\$context\.path|rawPath/i);
    });

    it('has one route per manifest entry and nothing else', () => {
      const routeKeys = Object.values(resourcesOf(s.stateless, 'AWS::ApiGatewayV2::Route')).map(
        (r) => r.Properties!.RouteKey,
      );
      expect(routeKeys.sort()).toEqual(FAKE_MANIFEST.httpRoutes.map((r) => `${r.method} ${r.path}`).sort());
    });

    it('routes of one handler share its integration', () => {
      const [fnId] = functionOf(s, 'api/submissions');
      const integrations = Object.entries(resourcesOf(s.stateless, 'AWS::ApiGatewayV2::Integration')).filter(
        ([, i]) => JSON.stringify(i.Properties!.IntegrationUri).includes(fnId),
      );
      expect(integrations).toHaveLength(1);
      const routes = Object.values(resourcesOf(s.stateless, 'AWS::ApiGatewayV2::Route')).filter((r) =>
        JSON.stringify(r.Properties!.Target).includes(integrations[0]![0]),
      );
      expect(routes).toHaveLength(3);
    });
  });

  describe('workers', () => {
    it('a per-minute worker runs on a rate schedule', () => {
      const [fnId] = functionOf(s, 'workers/outbox');
      s.stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
      });
    });

    it("a daily worker runs at its local time in the instance's time zone", () => {
      const [fnId] = functionOf(s, 'workers/deadlines');
      s.stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 9 * * ? *)',
        ScheduleExpressionTimezone: settings.timeZone,
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
      });
    });

    it('schedules retry and dead-letter undeliverable runs', () => {
      const dlqId = Object.keys(resourcesOf(s.stateless, 'AWS::SQS::Queue'))[0]!;
      const schedules = Object.values(resourcesOf(s.stateless, 'AWS::Scheduler::Schedule'));
      expect(schedules).toHaveLength(FAKE_MANIFEST.scheduledWorkers.length);
      for (const schedule of schedules) {
        expect(schedule.Properties!.Target).toMatchObject({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: expect.any(Number) },
        });
      }
    });

    it('only the stream worker consumes the table stream, filtered to inserted outbox items', () => {
      const [fnId] = functionOf(s, 'workers/outbox');
      const mappings = Object.values(resourcesOf(s.stateless, 'AWS::Lambda::EventSourceMapping'));
      expect(mappings).toHaveLength(1);
      const mapping = mappings[0]!.Properties!;
      expect(mapping.FunctionName).toEqual({ Ref: fnId });
      expect(JSON.stringify(mapping.EventSourceArn)).toContain('StreamArn');
      const filters = (mapping.FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters;
      expect(filters).toHaveLength(1);
      expect(JSON.parse(filters[0]!.Pattern)).toEqual({
        eventName: ['INSERT'],
        dynamodb: { Keys: { [TABLE_DEFINITION.partitionKey.name]: { S: [{ prefix: OUTBOX_KEY_PREFIX }] } } },
      });
      expect(OUTBOX_KEY_PREFIX).toBe('OUTBOX#');
      expect(mapping).toMatchObject({
        StartingPosition: 'LATEST',
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
    });
  });

  describe('alarms', () => {
    const alarmsOn = (metricName: string) =>
      Object.values(resourcesOf(s.stateless, 'AWS::CloudWatch::Alarm')).filter(
        (a) => a.Properties!.MetricName === metricName,
      );

    it('alarm on errors of every function', () => {
      const alarms = alarmsOn('Errors');
      expect(alarms).toHaveLength(distinctHandlers.size);
      const functionIds = Object.keys(resourcesOf(s.stateless, 'AWS::Lambda::Function'));
      const watched = alarms.map(
        (a) => referencedId((a.Properties!.Dimensions as Array<{ Value: unknown }>)[0]!.Value) ?? '',
      );
      expect(watched.sort()).toEqual(functionIds.sort());
    });

    it('alarm on dead letters, on parked outbox items and on API 5xx', () => {
      expect(alarmsOn('ApproximateNumberOfMessagesVisible')).toHaveLength(1);
      expect(alarmsOn('5xx')).toHaveLength(1);
      const parked = alarmsOn('OutboxParked');
      expect(parked).toHaveLength(1);
      expect(parked[0]!.Properties).toMatchObject({
        Namespace: 'CpdForms',
        Dimensions: [{ Name: 'service', Value: 'cpd-forms' }],
        Statistic: 'Sum',
      });
    });

    it('every alarm notifies the encrypted alarm topic', () => {
      const topicId = Object.keys(resourcesOf(s.stateless, 'AWS::SNS::Topic'))[0]!;
      s.stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      s.stateless.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      for (const alarm of Object.values(resourcesOf(s.stateless, 'AWS::CloudWatch::Alarm'))) {
        expect(alarm.Properties!.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties!.Threshold).toBe(1);
      }
    });
  });
});

describe('deployment of the real manifest (functions/manifest.ts)', () => {
  let s: Synthesized;
  beforeAll(() => {
    // The real handler modules under functions/: a manifest entry without its module fails here.
    s = synth('smolensk', { manifest: undefined, functionsDir: undefined });
  });

  it('routes exactly the manifest entries, and no local-only /dev/ endpoint', () => {
    const routeKeys = Object.values(resourcesOf(s.stateless, 'AWS::ApiGatewayV2::Route')).map((r) =>
      String(r.Properties!.RouteKey),
    );
    expect(routeKeys.sort()).toEqual(httpRoutes.map((r) => `${r.method} ${r.path}`).sort());
    expect(routeKeys.filter((key) => key.includes('/dev/') || key.endsWith(' /dev'))).toEqual([]);
  });

  it('has a schedule per worker, and a dead-letter queue only when some function is invoked asynchronously', () => {
    s.stateless.resourceCountIs('AWS::Scheduler::Schedule', scheduledWorkers.length);
    s.stateless.resourceCountIs('AWS::SQS::Queue', scheduledWorkers.length > 0 ? 1 : 0);
  });
});

describe('manifest checks', () => {
  const worker = FAKE_MANIFEST.scheduledWorkers[0]!;

  it('refuses a local-only route', () => {
    expect(() =>
      planFunctions({
        httpRoutes: [{ method: 'POST', path: '/dev/token', handler: 'api/dev/token' }],
        scheduledWorkers: [],
      }),
    ).toThrow(/local-only/);
  });

  it('refuses a route listed twice and a worker listed twice', () => {
    const route = FAKE_MANIFEST.httpRoutes[0]!;
    expect(() => planFunctions({ httpRoutes: [route, route], scheduledWorkers: [] })).toThrow(/twice/);
    expect(() => planFunctions({ httpRoutes: [], scheduledWorkers: [worker, worker] })).toThrow(/twice/);
  });

  it('refuses a handler path that leaves functions/', () => {
    expect(() =>
      planFunctions({
        httpRoutes: [{ method: 'GET', path: '/x', handler: '../infra/app' }],
        scheduledWorkers: [],
      }),
    ).toThrow(/module path/);
  });

  it('groups routes and workers by handler module', () => {
    const plans = planFunctions({
      httpRoutes: FAKE_MANIFEST.httpRoutes,
      scheduledWorkers: [{ ...worker, handler: 'api/submissions' }],
    });
    const submissions = plans.find((p) => p.handler === 'api/submissions')!;
    expect(submissions.routes).toHaveLength(3);
    expect(submissions.workers).toHaveLength(1);
  });

  it('names the missing handler module and its route', () => {
    expect(() =>
      synth('smolensk', {
        manifest: {
          httpRoutes: [{ method: 'GET', path: '/v1/nothing', handler: 'api/nothing' }],
          scheduledWorkers: [],
        },
      }),
    ).toThrow(/api\/nothing\.ts does not exist \(used by GET \/v1\/nothing\)/);
  });

  it('subscribes the alarm address when one is given', () => {
    const s = synth('sverdlovsk', { alarmEmail: 'ops@example.org' });
    s.stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
  });
});
