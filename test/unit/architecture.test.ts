import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kinds } from '../../forms/registry';

/** The conventions of DESIGN.md that a grep can hold: who may import the SDK, read the environment, name a kind. */

const ROOT = resolve(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const code = (file: string) =>
  readFileSync(join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');

const app = [...sources('functions'), ...sources('forms'), ...sources('infra')];

describe('architecture rules', () => {
  it('only functions/adapters/ imports the AWS SDK', () => {
    const offenders = app.filter(
      (f) => !f.startsWith('functions/adapters/') && /from ['"]@aws-sdk\//.test(code(f)),
    );
    expect(offenders).toEqual([]);
  });

  it('only functions/config.ts reads the environment', () => {
    const offenders = app.filter((f) => f !== 'functions/config.ts' && /process\.env\b/.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it('the engine in functions/core names no kind', () => {
    const names = kinds.map((k) => k.kind);
    expect(names.length).toBeGreaterThan(0);
    // The instance settings schema has a section per area of the regulations ("route" settings of A3); it
    // describes a region, not the engine's behaviour.
    const engine = sources('functions/core').filter((f) => f !== 'functions/core/instance-settings.ts');
    const offenders = engine.flatMap((f) =>
      names
        .filter((n) => new RegExp(`['"\`]${n}['"\`]`).test(code(f)))
        .map((n) => `${relative(ROOT, join(ROOT, f))}: ${n}`),
    );
    expect(offenders).toEqual([]);
  });

  it('handlers stay thin: one middy chain and one call into core', () => {
    const fat = sources('functions/api').filter((f) => code(f).split('\n').length > 60);
    expect(fat).toEqual([]);
  });
});
