import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { instanceIds, referencedId, resourcesOf, type Synthesized, synth } from './support';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
}

interface FoundStatement {
  readonly where: string;
  readonly statement: Statement;
  /** Key policies say `Resource: "*"` to mean the key itself. */
  readonly keyPolicy: boolean;
}

/** Every policy document of a template: identity policies, inline role policies, trust and resource policies. */
function policyStatements(template: Template): FoundStatement[] {
  const found: FoundStatement[] = [];
  const add = (where: string, document: unknown, keyPolicy = false) => {
    for (const statement of (document as { Statement?: Statement[] } | undefined)?.Statement ?? []) {
      found.push({ where, statement, keyPolicy });
    }
  };
  const documents: Array<[string, string]> = [
    ['AWS::IAM::Policy', 'PolicyDocument'],
    ['AWS::IAM::ManagedPolicy', 'PolicyDocument'],
    ['AWS::S3::BucketPolicy', 'PolicyDocument'],
    ['AWS::SQS::QueuePolicy', 'PolicyDocument'],
    ['AWS::SNS::TopicPolicy', 'PolicyDocument'],
  ];
  for (const [type, property] of documents) {
    for (const [id, resource] of Object.entries(resourcesOf(template, type))) {
      add(`${type} ${id}`, resource.Properties?.[property]);
    }
  }
  for (const [id, role] of Object.entries(resourcesOf(template, 'AWS::IAM::Role'))) {
    add(`trust policy of ${id}`, role.Properties?.AssumeRolePolicyDocument);
    for (const inline of (role.Properties?.Policies as Array<{ PolicyDocument: unknown }> | undefined) ??
      []) {
      add(`inline policy of ${id}`, inline.PolicyDocument);
    }
  }
  for (const [id, key] of Object.entries(resourcesOf(template, 'AWS::KMS::Key'))) {
    add(`key policy of ${id}`, key.Properties?.KeyPolicy, true);
  }
  return found;
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Actions that have no resource-level permissions, so `Resource: "*"` is the only way to grant them. */
const RESOURCE_WILDCARD_ONLY = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:ListStreams',
]);

/** Allowed actions of all policies attached to the role of the function whose description names the handler. */
function grantsOf(s: Synthesized, handler: string): Statement[] {
  const fn = Object.values(resourcesOf(s.stateless, 'AWS::Lambda::Function')).find((f) =>
    String(f.Properties!.Description).startsWith(`${handler} (`),
  )!;
  const roleId = referencedId(fn.Properties!.Role);
  return Object.values(resourcesOf(s.stateless, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties!.Roles as unknown[]).some((r) => referencedId(r) === roleId))
    .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((st) => st.Effect === 'Allow');
}

describe.each(instanceIds)('least privilege in %s', (instanceId) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synth(instanceId);
  });

  it.each(['stateful', 'stateless'] as const)(
    'no policy of the %s stack allows "*" or "service:*"',
    (stack) => {
      const statements = policyStatements(s[stack]);
      const offending = statements
        .filter(({ statement }) => statement.Effect === 'Allow')
        .filter(
          ({ statement }) =>
            statement.NotAction !== undefined ||
            asList(statement.Action).some((action) => action === '*' || /^[\w-]+:\*$/.test(action)),
        )
        .map(
          ({ where, statement }) => `${where}: ${JSON.stringify(statement.Action ?? statement.NotAction)}`,
        );
      expect(offending).toEqual([]);
    },
  );

  it('the walk sees the policies it should (it would pass vacuously otherwise)', () => {
    const stateless = policyStatements(s.stateless).map((f) => f.where);
    for (const kind of [
      'AWS::IAM::Policy',
      'AWS::SQS::QueuePolicy',
      'AWS::SNS::TopicPolicy',
      'key policy',
      'trust',
    ]) {
      expect(
        stateless.some((where) => where.includes(kind)),
        kind,
      ).toBe(true);
    }
    expect(policyStatements(s.stateful).some((f) => f.where.includes('AWS::S3::BucketPolicy'))).toBe(true);
  });

  it('"Resource: *" only for actions that cannot be scoped', () => {
    const offending = [...policyStatements(s.stateful), ...policyStatements(s.stateless)]
      .filter(({ statement, keyPolicy }) => statement.Effect === 'Allow' && !keyPolicy)
      .filter(({ statement }) => asList(statement.Resource).includes('*'))
      .filter(({ statement }) =>
        asList(statement.Action).some((action) => !RESOURCE_WILDCARD_ONLY.has(action)),
      )
      .map(({ where, statement }) => `${where}: ${JSON.stringify(statement.Action)}`);
    expect(offending).toEqual([]);
  });

  it('no role carries a managed policy', () => {
    for (const template of [s.stateful, s.stateless]) {
      for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
        expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      }
    }
  });

  it('HTTP handlers may read documents but neither write them nor send mail', () => {
    const actions = grantsOf(s, 'api/submissions').flatMap((st) => asList(st.Action));
    expect(actions).toContain('s3:GetObject');
    expect(actions).toContain('dynamodb:PutItem');
    expect(
      actions.filter((a) => a.startsWith('ses:') || a === 's3:PutObject' || a === 's3:DeleteObject'),
    ).toEqual([]);
  });

  it('workers may send mail only from the instance identity through its configuration set', () => {
    const mail = grantsOf(s, 'workers/outbox').filter((st) =>
      asList(st.Action).some((a) => a.startsWith('ses:')),
    );
    expect(mail).toHaveLength(1);
    expect(asList(mail[0]!.Action).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const resources = asList(mail[0]!.Resource).map((r) => JSON.stringify(r));
    expect(resources).toHaveLength(2);
    expect(resources.some((r) => r.includes(':identity/'))).toBe(true);
    expect(resources.some((r) => r.includes(':configuration-set/'))).toBe(true);
  });

  it('no function may scan the table', () => {
    for (const handler of ['api/ping', 'api/submissions', 'workers/outbox', 'workers/deadlines']) {
      expect(grantsOf(s, handler).flatMap((st) => asList(st.Action))).not.toContain('dynamodb:Scan');
    }
  });
});
