import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { PDFDocument } from 'pdf-lib';
import { copyBundledAssets, esbuildOptionsFor } from '../../infra/constructs/function-bundling';
import { DOCS, type DocId } from './documents';
import { chromiumAvailable } from './engines/chromium';
import type { EngineName } from './engines/types';
import { quantile } from './stats';

/**
 * The PDF suite of `npm run bench` (issue 3/8): our engine, pdfmake and headless Chromium on the route card and
 * the 300-row consent sheet. Both parts run what a Lambda runs — code bundled by esbuild with the functions'
 * settings (infra/constructs/function-bundling.ts: minified, Node 22 target) next to the same assets
 * (templates, precompiled templates, fonts) — not TypeScript compiled on the fly by tsx, which adds its own
 * wrappers to every function:
 *   cold  the first document in a fresh Node process, modules and fonts included (median of 3 processes);
 *   warm  median and p90 over ≥ 50 renders in one process, engines and documents interleaved (test/bench/warm.ts).
 * pdfmake and Chromium's driver stay in node_modules (pdfmake is loaded by require, playwright-core drives a
 * browser process); they are the baselines, not what is deployed.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const COLD_PROCESSES = 3;

export interface PdfRow {
  engine: EngineName;
  doc: DocId;
  coldMs: number;
  warmMedianMs: number;
  warmP90Ms: number;
  bytes: number;
  pages: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** cold.ts and warm.ts bundled into `outdir` (code-split: each engine's modules load only when it runs). */
export async function bundle(outdir: string): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  const { outfile: _single, ...production } = esbuildOptionsFor('', outdir);
  await build({
    ...production,
    entryPoints: [join(ROOT, 'test', 'bench', 'cold.ts'), join(ROOT, 'test', 'bench', 'warm.ts')],
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    external: ['playwright-core', 'pdfmake'],
    // The benchmark's own bundle has no use for a source map.
    sourcemap: false,
    logLevel: 'error',
  });
  copyBundledAssets(outdir);
}

function runJson<T>(entry: string, args: string[]): T {
  const run = spawnSync(process.execPath, [entry, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !/^[[{]/.test(line))
    throw new Error(`${entry} ${args.join(' ')} failed: ${run.stderr.slice(0, 2000)}`);
  return JSON.parse(line) as T;
}

export async function runPdfSuite(options: { runs: number; log: (line: string) => void }): Promise<PdfRow[]> {
  const engines: EngineName[] = ['ours', 'pdfmake'];
  if (chromiumAvailable()) engines.push('chromium');
  else options.log('Chromium: /usr/bin/chromium не найден — пропущен (apt-get install -y chromium).');

  // Inside the repository, so the external baselines resolve from node_modules.
  const outdir = join(ROOT, '.bench', 'pdf');
  try {
    await bundle(outdir);
    const cold = new Map<string, number>();
    for (const doc of DOCS) {
      for (const engine of engines) {
        options.log(`cold: ${engine} ${doc}`);
        const times = Array.from(
          { length: COLD_PROCESSES },
          () => runJson<{ coldMs: number }>(join(outdir, 'cold.mjs'), [engine, doc]).coldMs,
        );
        cold.set(
          `${engine}/${doc}`,
          quantile(
            times.sort((a, b) => a - b),
            0.5,
          ),
        );
      }
    }
    options.log(`warm: ${options.runs} renders of each document by each engine, interleaved`);
    const warm = runJson<Array<{ engine: EngineName; doc: DocId; samples: number[]; pdf: string }>>(
      join(outdir, 'warm.mjs'),
      [String(options.runs), engines.join(',')],
    );
    const rows: PdfRow[] = [];
    for (const w of warm) {
      const bytes = Buffer.from(w.pdf, 'base64');
      const pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
      const sorted = [...w.samples].sort((a, b) => a - b);
      rows.push({
        engine: w.engine,
        doc: w.doc,
        coldMs: round(cold.get(`${w.engine}/${w.doc}`) ?? Number.NaN),
        warmMedianMs: round(quantile(sorted, 0.5)),
        warmP90Ms: round(quantile(sorted, 0.9)),
        bytes: bytes.length,
        pages,
      });
    }
    return rows;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function pdfTable(rows: PdfRow[]): string[][] {
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
