import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/**
 * Pictures of PDF pages for the golden visual tests: `pdftoppm` (poppler-utils) renders pages in black and white at a low
 * resolution; comparison counts the pixels whose grey level differs by more than a threshold, so antialiasing
 * noise passes and missing or moved glyphs do not.
 */

export const GOLDEN_DPI = 50;
export const GOLDEN_DIR = join(import.meta.dirname, '..', 'unit', 'golden');

/** PNG bytes of the given pages (1-based; all when omitted). */
export function renderPages(pdf: Uint8Array, pages?: number[]): Map<number, Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'golden-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    const wanted = pages ?? [];
    const ranges = wanted.length ? wanted.map((p) => [p, p]) : [[undefined, undefined]];
    for (const [first, last] of ranges) {
      const args = ['-r', String(GOLDEN_DPI), '-mono', '-png'];
      if (first !== undefined) args.push('-f', String(first), '-l', String(last));
      execFileSync('pdftoppm', [...args, file, join(dir, 'page')]);
    }
    const out = new Map<number, Buffer>();
    for (const name of readdirSync(dir)) {
      const m = /^page-0*(\d+)\.png$/.exec(name);
      if (m) out.set(Number(m[1]), readFileSync(join(dir, name)));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Difference {
  /** Share of pixels whose grey level differs by more than `threshold` (0..1). */
  share: number;
  sameSize: boolean;
  /** Share of dark pixels ("ink") in each picture. */
  inkActual: number;
  inkExpected: number;
}

function grey(png: PNG): Uint8Array {
  const out = new Uint8Array(png.width * png.height);
  for (let i = 0; i < out.length; i++) out[i] = png.data[i * 4]!;
  return out;
}

export function compare(actual: Buffer, expected: Buffer, threshold = 64): Difference {
  const a = PNG.sync.read(actual);
  const e = PNG.sync.read(expected);
  const ga = grey(a);
  const ge = grey(e);
  const ink = (g: Uint8Array) => g.reduce((n, v) => n + (v < 128 ? 1 : 0), 0) / g.length;
  if (a.width !== e.width || a.height !== e.height)
    return { share: 1, sameSize: false, inkActual: ink(ga), inkExpected: ink(ge) };
  let differ = 0;
  for (let i = 0; i < ga.length; i++) if (Math.abs(ga[i]! - ge[i]!) > threshold) differ += 1;
  return { share: differ / ga.length, sameSize: true, inkActual: ink(ga), inkExpected: ink(ge) };
}

export function goldenPath(name: string): string {
  return join(GOLDEN_DIR, `${name}.png`);
}
