import type { DocId } from './documents';
import type { Engine, EngineName } from './engines/types';

/**
 * One cold render in a fresh process (spawned by run.ts, bundled by esbuild so no TypeScript compiler runs here):
 * the time from before the engine's modules load to the end of the first document, including fonts and, for
 * Chromium, launching the browser. Prints {"coldMs", "bytes"}.
 */
const [engineName, doc] = process.argv.slice(2) as [EngineName, DocId];
const t0 = performance.now();
let engine: Engine;
if (engineName === 'ours') engine = await (await import('./engines/ours')).open();
else if (engineName === 'pdfmake') engine = await (await import('./engines/pdfmake')).open();
else engine = await (await import('./engines/chromium')).open([doc]);
const bytes = await engine.render(doc);
const coldMs = performance.now() - t0;
await engine.close();
process.stdout.write(`${JSON.stringify({ coldMs, bytes: bytes.length })}\n`);
