import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { PDFDocument } from 'pdf-lib';
import { DOCS, type DocId } from './documents';
import { chromiumAvailable } from './engines/chromium';
import type { Engine, EngineName } from './engines/types';
import {
  BUNDLE_LIMIT_BYTES,
  type FunctionRow,
  functionsTable,
  IMPORT_LIMIT_MS,
  runFunctionsSuite,
} from './functions';
import { type LoadRow, loadTable, runLoadSuite } from './load';
import { markdownTable, quantile } from './stats';

/**
 * `npm run bench` — the measured promises (issues 3/8 and 8/8), in three suites:
 *
 *   pdf        the document engine against pdfmake and headless Chromium on the two benchmark documents, the
 *              route card and the consent sheet of a 300-participant collective request:
 *                cold   the first document in a fresh Node process (median of 3 processes), modules and fonts included;
 *                warm   median and p90 over ≥ 50 renders in one process, engines and documents interleaved;
 *                bytes, pages of the output.
 *              Chromium runs when /usr/bin/chromium exists and is skipped (with a note) otherwise.
 *   functions  every function of the manifest bundled as the CDK bundles it: bundle bytes and the median time to
 *              import it in fresh Node processes (test/bench/functions.ts).
 *   load       autocannon against a fresh embedded default posting valid submissions, then the stored records
 *              counted against the 201s (test/bench/load.ts).
 *
 * All suites run by default; `--suite pdf|functions|load` (repeatable) picks some. `--json` prints one JSON array
 * instead of the tables: PDF rows `{ engine, doc, coldMs, warmMedianMs, warmP90Ms, bytes, pages }`, then
 * `{ suite: 'functions', ... }` and `{ suite: 'load', ... }` rows. Options: `--runs N` warm renders (pdf, ≥ 50),
 * `--imports N` fresh processes per function (≥ 5), `--duration S` and `--connections N` of the load (60 s, 10).
 * The exit code is 1 when the load loses, invents or fails a submission (the data promises); the speed and size
 * targets are shown in the tables.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const SUITES = ['pdf', 'functions', 'load'] as const;
type Suite = (typeof SUITES)[number];
const chosen = args.flatMap((a, i) => (a === '--suite' ? [args[i + 1] as Suite] : []));
for (const suite of chosen) {
  if (!SUITES.includes(suite)) throw new Error(`--suite takes one of ${SUITES.join(', ')}; got ${suite}`);
}
const runs = (suite: Suite) => chosen.length === 0 || chosen.includes(suite);
function numberArg(name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const RUNS = Math.max(50, numberArg('--runs', 50));
const IMPORT_PROCESSES = Math.max(5, numberArg('--imports', 5));
const LOAD_SECONDS = numberArg('--duration', 60);
const LOAD_CONNECTIONS = numberArg('--connections', 10);
const COLD_PROCESSES = 3;

interface Row {
  engine: EngineName;
  doc: DocId;
  coldMs: number;
  warmMedianMs: number;
  warmP90Ms: number;
  bytes: number;
  pages: number;
}

const log = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};

const round = (n: number) => Math.round(n * 10) / 10;

/** Bundle cold.ts (esbuild, dependencies left in node_modules) two folders below the root, where assets.ts expects it. */
async function bundleCold(): Promise<string> {
  const outdir = join(ROOT, '.bench', 'cold');
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'test', 'bench', 'cold.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  return join(outdir, 'cold.mjs');
}

function coldRun(entry: string, engine: EngineName, doc: DocId): number {
  const times: number[] = [];
  for (let i = 0; i < COLD_PROCESSES; i++) {
    const run = spawnSync(process.execPath, [entry, engine, doc], { cwd: ROOT, encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status !== 0 || !line.startsWith('{'))
      throw new Error(`cold ${engine} ${doc} failed: ${run.stderr.slice(0, 2000)}`);
    times.push((JSON.parse(line) as { coldMs: number }).coldMs);
  }
  return quantile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

async function pdfSuite(): Promise<Row[]> {
  const engines: EngineName[] = ['ours', 'pdfmake'];
  if (chromiumAvailable()) engines.push('chromium');
  else log('Chromium: /usr/bin/chromium не найден — пропущен (apt-get install -y chromium).');

  // Cold, each in fresh processes.
  const cold = new Map<string, number>();
  const entry = await bundleCold();
  try {
    for (const doc of DOCS) {
      for (const engine of engines) {
        log(`cold: ${engine} ${doc}`);
        cold.set(`${engine}/${doc}`, coldRun(entry, engine, doc));
      }
    }
  } finally {
    rmSync(join(ROOT, '.bench'), { recursive: true, force: true });
  }

  // Warm, in this process, interleaved.
  const opened: Engine[] = [];
  for (const name of engines) {
    const module =
      name === 'ours'
        ? await import('./engines/ours')
        : name === 'pdfmake'
          ? await import('./engines/pdfmake')
          : await import('./engines/chromium');
    opened.push(await module.open());
  }
  const samples = new Map<string, number[]>();
  const last = new Map<string, Uint8Array>();
  for (const e of opened)
    for (const doc of DOCS) for (let i = 0; i < 5; i++) last.set(`${e.name}/${doc}`, await e.render(doc));
  log(`warm: ${RUNS} renders of each document by each engine, interleaved`);
  for (let i = 0; i < RUNS; i++) {
    for (const doc of DOCS) {
      for (const e of opened) {
        const t0 = performance.now();
        const bytes = await e.render(doc);
        const ms = performance.now() - t0;
        const key = `${e.name}/${doc}`;
        samples.set(key, [...(samples.get(key) ?? []), ms]);
        last.set(key, bytes);
      }
    }
  }
  for (const e of opened) await e.close();

  const rows: Row[] = [];
  for (const doc of DOCS) {
    for (const engine of engines) {
      const key = `${engine}/${doc}`;
      const sorted = (samples.get(key) ?? []).sort((a, b) => a - b);
      const bytes = last.get(key)!;
      const pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
      rows.push({
        engine,
        doc,
        coldMs: round(cold.get(key) ?? Number.NaN),
        warmMedianMs: round(quantile(sorted, 0.5)),
        warmP90Ms: round(quantile(sorted, 0.9)),
        bytes: bytes.length,
        pages,
      });
    }
  }

  return rows;
}

function pdfTable(rows: Row[]): string[][] {
  const ours = (doc: DocId) => rows.find((r) => r.engine === 'ours' && r.doc === doc)!;
  const header = [
    'engine',
    'document',
    'cold, ms',
    'warm median, ms',
    'warm p90, ms',
    'bytes',
    'pages',
    '× ours (warm median)',
    '× ours (cold)',
    '× ours (bytes)',
  ];
  const lines = rows.map((r) => {
    const o = ours(r.doc);
    return [
      r.engine,
      r.doc,
      r.coldMs.toFixed(1),
      r.warmMedianMs.toFixed(1),
      r.warmP90Ms.toFixed(1),
      String(r.bytes),
      String(r.pages),
      (r.warmMedianMs / o.warmMedianMs).toFixed(2),
      (r.coldMs / o.coldMs).toFixed(2),
      (r.bytes / o.bytes).toFixed(2),
    ];
  });
  return [header, ...lines];
}

async function main(): Promise<void> {
  const entries: Array<Row | FunctionRow | LoadRow> = [];
  const tables: string[] = [];
  if (runs('pdf')) {
    const rows = await pdfSuite();
    entries.push(...rows);
    tables.push(markdownTable(pdfTable(rows)));
  }
  if (runs('functions')) {
    // A folder of its own: another `npm run bench` may be removing .bench/ meanwhile.
    const workDir = mkdtempSync(join(tmpdir(), 'cpd-bench-functions-'));
    try {
      const rows = await runFunctionsSuite({ workDir, processes: IMPORT_PROCESSES, log });
      entries.push(...rows);
      tables.push(
        `Functions: bundle ≤ ${BUNDLE_LIMIT_BYTES} bytes, import ≤ ${IMPORT_LIMIT_MS} ms ` +
          `(median of ${IMPORT_PROCESSES} fresh processes, Node ${process.version})\n` +
          markdownTable(functionsTable(rows)),
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  if (runs('load')) {
    const row = await runLoadSuite({ durationS: LOAD_SECONDS, connections: LOAD_CONNECTIONS, log });
    entries.push(row);
    tables.push(`Load: targets 0 errors, 0 lost records\n${markdownTable(loadTable(row))}`);
    if (row.errors || row.non2xx || row.replayFailures || row.lost || row.unexpected) {
      log('load: a data promise is broken (errors, non-2xx, lost or unexpected records); see the table');
      process.exitCode = 1;
    }
  }
  process.stdout.write(json ? `${JSON.stringify(entries)}\n` : `${tables.join('\n\n')}\n`);
}

await main();
