import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { type KeyAttribute, TABLE_DEFINITION } from '../../functions/adapters/table-definition';
import type { InstanceSettings } from '../../functions/core/instance-settings';

/** Staff roles (API.md, "Who is calling"): a Cognito group each, read from the `cognito:groups` claim. */
export const STAFF_GROUPS = [
  { name: 'operator', description: 'Operator of diagnostics requests' },
  { name: 'centre', description: 'Centre (ЦНППМ) staff' },
  { name: 'curator', description: 'Curator of individual routes' },
  { name: 'admin', description: 'Administrator of the instance' },
] as const;

/** What the stateless stack needs from this one: passed as typed props, never looked up by exported names. */
export interface StatefulResources {
  /** The one table, with its stream. */
  readonly table: dynamodb.ITable;
  /**
   * The documents bucket, referenced by its deterministic name rather than through a cross-stack token, so
   * IAM statements elsewhere can name `<bucket>/*` in a form known at construction (see AppFunction.bindBucket).
   */
  readonly documentsBucket: s3.IBucket;
  readonly mail: {
    readonly identityArn: string;
    readonly configurationSetName: string;
    readonly configurationSetArn: string;
  };
  readonly staff: {
    readonly userPool: cognito.IUserPool;
    readonly client: cognito.IUserPoolClient;
    /**
     * Base URL of the pool's hosted sign-in (`https://<prefix>.auth.<region>.amazoncognito.com`): present when the
     * instance has a public URL, to which the sign-in returns (`<publicUrl>/staff/callback`).
     */
    readonly signInUrl?: string;
  };
}

export interface StatefulStackProps extends StackProps {
  readonly settings: InstanceSettings;
}

/**
 * Everything that holds data or identity and must outlive a redeploy: the table, the documents bucket, the mail
 * identity and the staff user pool. Retained on stack deletion; the stack itself is termination-protected.
 */
export class StatefulStack extends Stack implements StatefulResources {
  readonly table: dynamodb.Table;
  readonly documentsBucket: s3.IBucket;
  readonly mail: StatefulResources['mail'];
  readonly staff: StatefulResources['staff'];

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const { settings } = props;

    this.table = this.createTable();
    this.documentsBucket = this.createDocumentsBucket(settings);
    this.mail = this.createMail(settings);
    this.staff = this.createStaffDirectory(settings);
  }

  private createTable(): dynamodb.Table {
    const table = new dynamodb.Table(this, 'Records', {
      partitionKey: keyAttribute(TABLE_DEFINITION.partitionKey),
      sortKey: keyAttribute(TABLE_DEFINITION.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_DEFINITION.ttlAttribute,
      stream: dynamodb.StreamViewType[TABLE_DEFINITION.streamView],
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudFormation adds or removes at most one GSI per update: a new index in TABLE_DEFINITION is one deploy.
    for (const index of TABLE_DEFINITION.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: keyAttribute(index.partitionKey),
        sortKey: keyAttribute(index.sortKey),
        // Data residency (DESIGN.md): projection ALL only, as the Russian DynamoDB-compatible services require.
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    new CfnOutput(this, 'TableName', { value: table.tableName });
    return table;
  }

  private createDocumentsBucket(settings: InstanceSettings): s3.IBucket {
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Server access logging can only deliver to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Deterministic name (instance and account) so that other stacks can name the bucket without a cross-stack
    // token; 63 characters at most even for the longest instance id the settings schema allows.
    const bucketName = `cpd-${settings.id}-${settings.aws.account ?? Aws.ACCOUNT_ID}-documents`;
    new s3.Bucket(this, 'Documents', {
      bucketName,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Versioning protects against overwrites and mistakes, but a document deleted under the retention rules
        // (A3 4.5.4: a completed route is kept for 1 year, then deleted) must really disappear soon after.
        { noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, 'DocumentsBucketName', { value: bucketName });
    return s3.Bucket.fromBucketName(this, 'DocumentsByName', bucketName);
  }

  private createMail(settings: InstanceSettings): StatefulResources['mail'] {
    const configurationSet = new ses.ConfigurationSet(this, 'MailConfigurationSet', {
      sendingEnabled: true,
      reputationMetrics: true,
      // Attachments carry personal data (results, routes): never hand them to a server over plain SMTP.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const identity = new ses.EmailIdentity(this, 'MailIdentity', {
      identity: ses.Identity.domain(settings.mailDomain),
      configurationSet,
    });
    // Easy DKIM: the three CNAME records the domain's DNS must publish before SES verifies the identity.
    identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, { value: `${record.name} CNAME ${record.value}` });
    });
    return {
      identityArn: identity.emailIdentityArn,
      configurationSetName: configurationSet.configurationSetName,
      configurationSetArn: this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: configurationSet.configurationSetName,
      }),
    };
  }

  private createStaffDirectory(settings: InstanceSettings): StatefulResources['staff'] {
    const userPool = new cognito.UserPool(this, 'StaffUserPool', {
      userPoolName: `cpd-${settings.id}-staff`,
      // Staff accounts are created by an admin; nobody signs up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      userInvitation: {
        emailSubject: `${settings.centre.short}: учётная запись в системе заявок`,
        emailBody:
          'Для вас создана учётная запись. Логин: {username}, временный пароль: {####}. ' +
          'При первом входе задайте свой пароль.',
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, adaptive authentication) needs the Plus plan; the pool
      // holds a few dozen staff accounts, so the per-user price is small next to what they can reach.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional by decision (TOTP offered, not forced) because some school and centre staff have no ' +
        'second device; Plus-plan threat protection challenges risky sign-ins with an extra factor instead.',
    });
    STAFF_GROUPS.forEach((group, precedence) => {
      userPool.addGroup(`${capitalize(group.name)}Group`, {
        groupName: group.name,
        description: group.description,
        precedence,
      });
    });
    // The staff workspace signs in through the pool's hosted pages (authorization code with PKCE), returning to the
    // instance's public address; without one the return address is unknown here and OAuth stays off.
    const publicUrl = settings.publicUrl?.replace(/\/$/, '');
    const client = userPool.addClient('StaffClient', {
      userPoolClientName: 'staff-web',
      // A browser client cannot keep a secret.
      generateSecret: false,
      // USER_PASSWORD_AUTH lets threat protection check passwords against known leaks (SRP hides them from it).
      authFlows: { userSrp: true, userPassword: true },
      ...(publicUrl
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
              callbackUrls: [`${publicUrl}/staff/callback`],
              logoutUrls: [`${publicUrl}/staff/sign-in`],
            },
            supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
          }
        : { disableOAuth: true }),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });
    if (!publicUrl) return { userPool, client };
    // A Cognito domain prefix is unique per region across all accounts: the account keeps instances apart.
    const domain = userPool.addDomain('StaffSignIn', {
      cognitoDomain: { domainPrefix: `cpd-${settings.id}-${this.account}` },
    });
    const signInUrl = domain.baseUrl();
    new CfnOutput(this, 'StaffSignInUrl', { value: signInUrl });
    return { userPool, client, signInUrl };
  }
}

function keyAttribute(key: KeyAttribute): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
