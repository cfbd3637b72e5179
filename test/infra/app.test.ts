import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireInstanceId, stackNames } from '../../infra/app';
import { loadInstance } from '../../infra/instances';
import { instanceIds, type Synthesized, synth } from './support';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('instance id', () => {
  it('is required, and the error lists the known instances', () => {
    expect(() => requireInstanceId(undefined)).toThrow(
      /-c instance=<id>; known instances: smolensk, sverdlovsk/,
    );
  });

  it('must be a known instance', () => {
    expect(() => requireInstanceId('moscow')).toThrow(/Unknown instance "moscow"; known instances: smolensk/);
  });
});

describe('cdk.json', () => {
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    app: string;
    context: Record<string, unknown>;
  };

  it('runs infra/app.ts with tsx', () => {
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
  });

  it('does not pin an instance (it must come from -c instance=<id>)', () => {
    expect(cdkJson.context).not.toHaveProperty('instance');
  });
});

describe.each(instanceIds)('app of %s', (instanceId) => {
  const settings = loadInstance(instanceId);
  let s: Synthesized;
  beforeAll(() => {
    s = synth(instanceId);
  });

  it('is a stateful and a stateless stack in the region of the settings', () => {
    const names = stackNames(instanceId);
    expect(s.built.stateful.stackName).toBe(names.stateful);
    expect(s.built.stateless.stackName).toBe(names.stateless);
    expect(s.built.stateful.region).toBe(settings.aws.region);
    expect(s.built.stateless.region).toBe(settings.aws.region);
  });

  it('deploys the stateless stack after the stateful one, which is termination-protected', () => {
    expect(s.built.stateless.dependencies).toContain(s.built.stateful);
    expect(s.built.stateful.terminationProtection).toBe(true);
  });

  it('feature flags come from cdk.json also outside the CLI', () => {
    expect(s.built.app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences')).toBe('weak');
  });
});

describe('nothing branches on an instance', () => {
  it('no infra source outside infra/instances names an instance', () => {
    const sources = [
      'infra/app.ts',
      ...['infra/stacks', 'infra/constructs'].flatMap((dir) =>
        readdirSync(path.join(ROOT, dir)).map((file) => `${dir}/${file}`),
      ),
    ];
    for (const source of sources) {
      const text = readFileSync(path.join(ROOT, source), 'utf8');
      for (const id of instanceIds) {
        expect(text.includes(id), `${source} names ${id}`).toBe(false);
      }
    }
  });

  it('every instance gets the same resources', () => {
    const shape = (instanceId: string) => {
      const { stateful, stateless } = synth(instanceId);
      const types = (template: typeof stateful) =>
        Object.values(template.toJSON().Resources as Record<string, { Type: string }>)
          .map((r) => r.Type)
          .sort();
      return { stateful: types(stateful), stateless: types(stateless) };
    };
    const [first, ...others] = instanceIds;
    for (const other of others) {
      expect(shape(other)).toEqual(shape(first!));
    }
  });
});
