import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUNDLE_LIMIT_BYTES,
  type FunctionRow,
  functionsTable,
  IMPORT_LIMIT_MS,
  runFunctionsSuite,
} from './functions';
import { type LoadRow, loadTable, runLoadSuite } from './load';
import { type PdfRow, pdfTable, runPdfSuite } from './pdf';
import { markdownTable } from './stats';

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

const log = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};

async function main(): Promise<void> {
  const entries: Array<PdfRow | FunctionRow | LoadRow> = [];
  const tables: string[] = [];
  if (runs('pdf')) {
    const rows = await runPdfSuite({ runs: RUNS, log });
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
