import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { PDFDocument } from 'pdf-lib';
import { DOCS, type DocId } from './documents';
import { chromiumAvailable } from './engines/chromium';
import type { Engine, EngineName } from './engines/types';

/**
 * `npm run bench` — the document engine against pdfmake and headless Chromium on the two benchmark documents
 * (issue 3/8): the route card and the consent sheet of a 300-participant collective request.
 *
 *   cold   the first document in a fresh Node process (median of 3 processes), modules and fonts included;
 *   warm   median and p90 over ≥ 50 renders in one process, engines and documents interleaved;
 *   bytes, pages of the output.
 * `npm run bench -- --json` prints one JSON array instead of the table; `--runs N` changes the warm count.
 * Chromium runs when /usr/bin/chromium exists and is skipped (with a note) otherwise.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const runsAt = args.indexOf('--runs');
const RUNS = Math.max(50, runsAt >= 0 ? Number(args[runsAt + 1]) || 50 : 50);
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

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

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

async function main(): Promise<void> {
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

  if (json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
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
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(
    `${[fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n')}\n`,
  );
}

await main();
