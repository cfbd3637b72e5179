import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DEFINITION } from '../../functions/adapters/table-definition';
import { loadInstance } from '../../infra/instances';
import { STAFF_GROUPS } from '../../infra/stacks/stateful-stack';
import { instanceIds, onlyResource, resourcesOf, type Synthesized, synth } from './support';

describe.each(instanceIds)('stateful stack of %s', (instanceId) => {
  const settings = loadInstance(instanceId);
  let s: Synthesized;
  beforeAll(() => {
    s = synth(instanceId);
  });

  describe('table, built from TABLE_DEFINITION', () => {
    it('is on-demand with point-in-time recovery, deletion protection and the definition keys', () => {
      s.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: TABLE_DEFINITION.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLE_DEFINITION.sortKey.name, KeyType: 'RANGE' },
        ],
      });
    });

    it('expires items by the TTL attribute of the definition', () => {
      s.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.ttlAttribute, Enabled: true },
      });
    });

    it('has the stream view of the definition', () => {
      s.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: TABLE_DEFINITION.streamView },
      });
    });

    it('is retained when the stack goes', () => {
      s.stateful.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it.each(TABLE_DEFINITION.indexes.map((index) => [index.name, index] as const))(
      'has GSI %s with its keys and projection ALL',
      (_name, index) => {
        s.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
          GlobalSecondaryIndexes: Match.arrayWith([
            {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ]),
        });
      },
    );

    it('has exactly the indexes of the definition and no LSI (data residency)', () => {
      const table = onlyResource(s.stateful, 'AWS::DynamoDB::Table').Properties!;
      const names = (table.GlobalSecondaryIndexes as Array<{ IndexName: string }>).map((i) => i.IndexName);
      expect(names.sort()).toEqual(TABLE_DEFINITION.indexes.map((i) => i.name).sort());
      expect(table.LocalSecondaryIndexes).toBeUndefined();
    });
  });

  describe('buckets', () => {
    it('every bucket is encrypted, blocks public access and refuses plain HTTP', () => {
      const buckets = resourcesOf(s.stateful, 'AWS::S3::Bucket');
      const policies = Object.values(resourcesOf(s.stateful, 'AWS::S3::BucketPolicy'));
      expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(2);
      for (const [logicalId, bucket] of Object.entries(buckets)) {
        expect(bucket.Properties).toMatchObject({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        });
        const policy = policies.find((p) => (p.Properties!.Bucket as { Ref?: string }).Ref === logicalId) as
          | { Properties: { PolicyDocument: { Statement: unknown[] } } }
          | undefined;
        expect(policy, `SSL-only policy of ${logicalId}`).toBeDefined();
        expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    });

    it('the documents bucket is versioned, logged, retained, with lifecycle rules for uploads and old versions', () => {
      s.stateful.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BucketName: Match.anyValue(),
          VersioningConfiguration: { Status: 'Enabled' },
          LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'documents/' },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([
              Match.objectLike({
                AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
                Status: 'Enabled',
              }),
              Match.objectLike({ NoncurrentVersionExpiration: Match.anyValue(), Status: 'Enabled' }),
            ]),
          },
        }),
      });
    });

    it("the documents bucket's name carries the instance id", () => {
      const named = Object.values(resourcesOf(s.stateful, 'AWS::S3::Bucket')).filter(
        (b) => b.Properties?.BucketName,
      );
      expect(named).toHaveLength(1);
      expect(JSON.stringify(named[0]!.Properties!.BucketName)).toContain(`cpd-${instanceId}-`);
    });
  });

  describe('mail', () => {
    it('verifies the instance mail domain with a configuration set', () => {
      const configurationSet = Object.keys(resourcesOf(s.stateful, 'AWS::SES::ConfigurationSet'));
      expect(configurationSet).toHaveLength(1);
      s.stateful.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: settings.mailDomain,
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSet[0] } },
      });
    });

    it('requires TLS to the receiving server and suppresses bounces and complaints', () => {
      s.stateful.hasResourceProperties('AWS::SES::ConfigurationSet', {
        DeliveryOptions: { TlsPolicy: 'REQUIRE' },
        SuppressionOptions: { SuppressedReasons: Match.arrayWith(['BOUNCE', 'COMPLAINT']) },
      });
    });
  });

  describe('staff user pool', () => {
    it('has no self sign-up, signs in by email, and a strong password policy', () => {
      s.stateful.hasResourceProperties('AWS::Cognito::UserPool', {
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        UsernameAttributes: ['email'],
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: Match.anyValue(),
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
      });
      const policy = onlyResource(s.stateful, 'AWS::Cognito::UserPool').Properties!.Policies as {
        PasswordPolicy: { MinimumLength: number };
      };
      expect(policy.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
    });

    it('offers MFA, has threat protection enforced and deletion protection', () => {
      s.stateful.hasResourceProperties('AWS::Cognito::UserPool', {
        MfaConfiguration: 'OPTIONAL',
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
      });
    });

    it('has exactly the staff groups', () => {
      const groups = Object.values(resourcesOf(s.stateful, 'AWS::Cognito::UserPoolGroup')).map(
        (g) => g.Properties!.GroupName,
      );
      expect(groups.sort()).toEqual(['admin', 'centre', 'curator', 'operator']);
      expect(STAFF_GROUPS.map((g) => g.name).sort()).toEqual(groups);
    });

    it('has one public app client without OAuth flows', () => {
      s.stateful.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      s.stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        PreventUserExistenceErrors: 'ENABLED',
        AllowedOAuthFlowsUserPoolClient: false,
      });
    });
  });
});
