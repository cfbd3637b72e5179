import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInstance } from '../../infra/instances';
import { StatefulStack } from '../../infra/stacks/stateful-stack';
import { StatelessStack } from '../../infra/stacks/stateless-stack';
import { FAKE_MANIFEST, FIXTURES_DIR, resourcesOf, SKIP_BUNDLING } from './support';

/**
 * The staff workspace's sign-in in AWS: an instance with a public URL gets the user pool's hosted sign-in (a
 * Cognito domain, the authorization code flow returning to `<publicUrl>/staff/callback`), and the HTTP functions
 * learn where it is. cdk-nag stays clean.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** The feature flags of cdk.json, as `cdk synth` (and buildApp) apply them. */
const context = {
  ...(JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: object }).context,
  ...SKIP_BUNDLING,
};

describe('hosted staff sign-in of an instance with a public URL', () => {
  const settings = { ...loadInstance('smolensk'), publicUrl: 'https://forms.soiro.example.ru/' };
  let app: App;
  let stateful: Template;
  let stateless: Template;

  beforeAll(() => {
    app = new App({ context });
    const env = { region: settings.aws.region, account: settings.aws.account };
    const statefulStack = new StatefulStack(app, 'SignInStateful', { env, settings });
    const statelessStack = new StatelessStack(app, 'SignInStateless', {
      env,
      settings,
      stateful: statefulStack,
      manifest: FAKE_MANIFEST,
      functionsDir: FIXTURES_DIR,
      projectRoot: ROOT,
    });
    stateful = Template.fromStack(statefulStack);
    stateless = Template.fromStack(statelessStack);
  });

  it('has a Cognito domain and an app client with the code flow back to the workspace', () => {
    stateful.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://forms.soiro.example.ru/staff/callback'],
      LogoutURLs: ['https://forms.soiro.example.ru/staff/sign-in'],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  it('tells every HTTP function where the hosted sign-in is', () => {
    const functions = Object.values(resourcesOf(stateless, 'AWS::Lambda::Function')).filter((f) => {
      const vars = (f.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      return vars?.USER_POOL_ID !== undefined;
    });
    expect(functions.length).toBeGreaterThan(0);
    for (const f of functions) {
      const vars = (f.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars.USER_POOL_SIGN_IN_URL).toBeDefined();
    }
  });

  it('raises no cdk-nag finding', () => {
    const findings = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(findings).toEqual([]);
  });

  it('keeps OAuth off for an instance without a public URL (nowhere to return to)', () => {
    const plain = new App({ context });
    const base = loadInstance('smolensk');
    const stack = new StatefulStack(plain, 'PlainStateful', {
      env: { region: base.aws.region, account: base.aws.account },
      settings: base,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: false,
    });
  });
});
