import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { httpRoutes, scheduledWorkers } from '../../functions/manifest';
import {
  BUNDLE_FILE,
  bundleFunctionTo,
  FUNCTION_NODE_OPTIONS,
} from '../../infra/constructs/function-bundling';
import { median } from './stats';

/**
 * Cold start of every function of functions/manifest.ts (issue 8/8): each handler is bundled exactly as the CDK
 * bundles it (infra/constructs/function-bundling.ts, assets copied next to it), and then imported in fresh Node
 * processes with the environment Lambda gives it.
 *
 *   bytes           size of index.mjs, the code Lambda loads (source map, templates and fonts not counted);
 *   importMedianMs  median over fresh processes of `await import('./index.mjs')`, timed inside the process
 *                   (Node's own start-up is the same for every function and not ours to shrink);
 *   importMinMs, importCpuMedianMs
 *                   the fastest of those imports, and the median CPU time they took: on a busy machine
 *                   (other processes on the same cores) these are closer to the import's own cost;
 *   top             the packages that weigh most in the bundle (esbuild metafile), to see what to cut.
 */

export const BUNDLE_LIMIT_BYTES = 1024 * 1024;
export const IMPORT_LIMIT_MS = 150;

export interface FunctionRow {
  suite: 'functions';
  fn: string;
  bytes: number;
  importMedianMs: number;
  /** The fastest of the processes: on a busy machine, the closest to what the import itself costs. */
  importMinMs: number;
  /** Median CPU time of the import (user + system, all threads of the process). */
  importCpuMedianMs: number;
  /** Heaviest packages (or `(app)` for the project's own sources), bytes in the output. */
  top: Array<{ module: string; bytes: number }>;
}

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Every handler module the deployment creates a function for, once. */
export function bundledFunctions(): string[] {
  return [...new Set([...httpRoutes.map((r) => r.handler), ...scheduledWorkers.map((w) => w.handler)])];
}

/**
 * What Lambda sets (infra/constructs/app-function.ts: the bind* methods and the stateless stack) and
 * functions/config.ts requires; values are placeholders, nothing is called at import.
 */
function lambdaEnv(fn: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
    INSTANCE_ID: 'smolensk',
    POWERTOOLS_SERVICE_NAME: 'cpd-forms',
    TABLE_NAME: 'records',
    BUCKET_NAME: 'documents',
    AWS_REGION: 'eu-central-1',
    USER_POOL_ID: 'eu-central-1_example',
    USER_POOL_CLIENT_ID: 'example',
    ...(fn.startsWith('workers/')
      ? { APP_URL: 'https://forms.example', SES_CONFIGURATION_SET: 'cpd-forms' }
      : {}),
  };
}

const IMPORT_SCRIPT = `
const c0 = process.cpuUsage();
const t0 = performance.now();
const module = await import('./${BUNDLE_FILE}');
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
if (typeof module.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;

/** Bundles one handler as the CDK does into `outdir` (the pages' script aside); returns the metafile. */
export function bundleFunction(fn: string, outdir: string): Promise<Metafile> {
  return bundleFunctionTo(join(ROOT, 'functions', `${fn}.ts`), outdir);
}

/**
 * Milliseconds to import the bundle in `outdir`, in one fresh Node process: wall-clock, and the CPU time the
 * process spent meanwhile (all its threads), which a busy machine stretches far less.
 */
export function importOnce(fn: string, outdir: string): { ms: number; cpuMs: number } {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
    cwd: outdir,
    encoding: 'utf8',
    env: lambdaEnv(fn),
  });
  if (run.status !== 0 || !run.stdout.startsWith('{'))
    throw new Error(`import of ${fn} failed: ${run.stderr.slice(0, 2000)}`);
  return JSON.parse(run.stdout) as { ms: number; cpuMs: number };
}

/** The bundle's bytes by package (node_modules/<pkg>) or `(app)`, heaviest first. */
export function weightByModule(metafile: Metafile): Array<{ module: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const module = match ? match[1]! : '(app)';
      totals.set(module, (totals.get(module) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([module, bytes]) => ({ module, bytes })).sort((a, b) => b.bytes - a.bytes);
}

export async function runFunctionsSuite(options: {
  workDir: string;
  processes: number;
  log: (line: string) => void;
}): Promise<FunctionRow[]> {
  const rows: FunctionRow[] = [];
  for (const fn of bundledFunctions()) {
    const outdir = join(options.workDir, fn);
    options.log(`functions: bundle ${fn}`);
    const metafile = await bundleFunction(fn, outdir);
    const bytes = statSync(join(outdir, BUNDLE_FILE)).size;
    // One unmeasured import first: the measured ones should not pay for the disk cache being cold.
    importOnce(fn, outdir);
    const runs = Array.from({ length: options.processes }, () => importOnce(fn, outdir));
    const times = runs.map((r) => r.ms);
    rows.push({
      suite: 'functions',
      fn,
      bytes,
      importMedianMs: Math.round(median(times) * 10) / 10,
      importMinMs: Math.round(Math.min(...times) * 10) / 10,
      importCpuMedianMs: Math.round(median(runs.map((r) => r.cpuMs)) * 10) / 10,
      top: weightByModule(metafile).slice(0, 5),
    });
  }
  return rows;
}

export function functionsTable(rows: FunctionRow[]): string[][] {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  return [
    [
      'function',
      'bundle, bytes',
      'import median, ms',
      'import min, ms',
      'import CPU median, ms',
      'within targets',
      'heaviest in the bundle',
    ],
    ...rows.map((r) => [
      r.fn,
      String(r.bytes),
      r.importMedianMs.toFixed(1),
      r.importMinMs.toFixed(1),
      r.importCpuMedianMs.toFixed(1),
      r.bytes <= BUNDLE_LIMIT_BYTES && r.importMedianMs <= IMPORT_LIMIT_MS ? 'yes' : 'NO',
      r.top
        .slice(0, 3)
        .map((t) => `${t.module} ${kb(t.bytes)}`)
        .join(', '),
    ]),
  ];
}
