import { type App, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { FAKE_MANIFEST, FIXTURES_DIR, instanceIds, SKIP_BUNDLING, type Synthesized, synth } from './support';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgements(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          // aws-cdk-lib records acknowledged rule ids with an `Annotation::` namespace.
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** The packs buildApp registers (infra/app.ts). */
const PACKS = () => [new AwsSolutionsChecks(), new ServerlessChecks()];

/** Findings as a readable list, so a failure says what and where. */
function findings(app: App, packs: NagPack[] = PACKS()): string[] {
  return packs.flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => `${v.ruleName} (${v.severity}) at ${r.constructPath}`),
      ),
  );
}

/** The same packs, blind to acknowledgements: what the app would be reported for without them. */
function unacknowledgedPacks(): NagPack[] {
  return PACKS().map((pack) => Object.assign(pack, { isAcknowledged: () => false }));
}

/** Reasons that only restate that a rule was switched off. */
const EMPTY_REASONS = /^(n\/?a|none|ok|todo|tbd|suppress(ed)?|ignore(d)?|not needed|false positive)\.?$/i;

describe.each(instanceIds)('cdk-nag AwsSolutions and Serverless on %s', (instanceId) => {
  let s: Synthesized;
  beforeAll(() => {
    // The pack is registered by buildApp: an unacknowledged error finding makes this synthesis throw, and so
    // does an error of the CloudFormation template validation that `cdk synth` runs too.
    s = synth(instanceId, { cloudFormationValidation: true });
  });

  it('has no unacknowledged finding, warnings included', () => {
    expect(findings(s.built.app)).toEqual([]);
  });

  it('acknowledges something (the checks above would pass vacuously if the pack saw nothing)', () => {
    expect(findings(s.built.app, unacknowledgedPacks()).length).toBeGreaterThan(0);
  });

  it('every acknowledgement names an AwsSolutions rule and gives a real reason', () => {
    const all = acknowledgements(s.built.app);
    expect(all.length).toBeGreaterThan(0);
    for (const { path, id, reason } of all) {
      expect(id, path).toMatch(/^(AwsSolutions-[A-Z]+\d+(\[.+\])?|Serverless-[A-Za-z0-9]+)$/);
      expect(reason.trim(), `${id} at ${path}`).not.toMatch(EMPTY_REASONS);
      expect(reason.length, `${id} at ${path}: reason too short`).toBeGreaterThanOrEqual(80);
      expect(reason.split(/\s+/).length, `${id} at ${path}: reason too short`).toBeGreaterThanOrEqual(12);
    }
  });

  it('every acknowledgement is still needed (it covers a finding that would otherwise be reported)', () => {
    const reported = findings(s.built.app, unacknowledgedPacks());
    for (const { path, id } of acknowledgements(s.built.app)) {
      const covered = reported.some((f) => {
        const [rule, , , where] = f.split(' ');
        return rule === id && (where === path || where!.startsWith(`${path}/`));
      });
      expect(covered, `${id} at ${path} acknowledges nothing`).toBe(true);
    }
  });
});

describe('cdk-nag AwsSolutions and Serverless with the real manifest', () => {
  it('has no unacknowledged finding', () => {
    const s = synth('smolensk', {
      manifest: undefined,
      functionsDir: undefined,
      cloudFormationValidation: true,
    });
    expect(findings(s.built.app)).toEqual([]);
  });
});

describe('cdk-nag wiring', () => {
  it('a finding fails the synthesis', () => {
    const built = buildApp('smolensk', {
      manifest: FAKE_MANIFEST,
      functionsDir: FIXTURES_DIR,
      context: SKIP_BUNDLING,
    });
    // A queue without SSL enforcement and without a dead-letter queue.
    new sqs.Queue(built.stateless, 'Unguarded', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    expect(() => built.app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('a finding of the Serverless pack fails the synthesis too', () => {
    const built = buildApp('smolensk', {
      manifest: FAKE_MANIFEST,
      functionsDir: FIXTURES_DIR,
      context: SKIP_BUNDLING,
    });
    // A dead-letter queue without a redrive policy of its own: AwsSolutions accepts it, the Serverless pack not.
    const dlq = new sqs.Queue(built.stateless, 'Behind', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    new sqs.Queue(built.stateless, 'Guarded', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });
    expect(() => built.app.synth()).toThrow(/Serverless-SQSRedrivePolicy/);
  });
});
