import { DOCS } from './documents';
import type { Engine, EngineName } from './engines/types';

/**
 * The warm part of the PDF suite, in a process of its own running the bundle test/bench/pdf.ts builds (the way a
 * warm Lambda runs its bundle, not TypeScript loaded on the fly): each engine opened once, a few renders to warm
 * up, then `runs` rounds rendering every document with every engine, interleaved. Prints one JSON line:
 * `[{ engine, doc, samples: [ms…], pdf }]` with the last document in base64: the parent counts its pages (pdf-lib's
 * loader is not part of the functions' bundles — see FUNCTION_ALIASES in infra/constructs/function-bundling.ts).
 */
const [runsArg, enginesArg] = process.argv.slice(2);
const runs = Number(runsArg);
const names = (enginesArg ?? '').split(',') as EngineName[];

const opened: Engine[] = [];
for (const name of names) {
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
for (let i = 0; i < runs; i++) {
  for (const doc of DOCS) {
    for (const e of opened) {
      const t0 = performance.now();
      const bytes = await e.render(doc);
      const ms = performance.now() - t0;
      const key = `${e.name}/${doc}`;
      const list = samples.get(key) ?? [];
      list.push(ms);
      samples.set(key, list);
      last.set(key, bytes);
    }
  }
}
for (const e of opened) await e.close();

const out = [];
for (const doc of DOCS) {
  for (const e of opened) {
    const key = `${e.name}/${doc}`;
    const pdf = Buffer.from(last.get(key)!).toString('base64');
    out.push({ engine: e.name, doc, samples: samples.get(key) ?? [], pdf });
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
