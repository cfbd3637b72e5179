import { execFileSync } from 'node:child_process';

/**
 * The text of a PDF as `pdftotext` (poppler-utils) extracts it, with runs of whitespace folded into one space, so
 * assertions do not depend on where lines wrap. Tests assert on content, not on layout.
 */
export function pdfText(pdf: Uint8Array | string): string {
  const input = typeof pdf === 'string' ? Buffer.from(pdf, 'base64') : Buffer.from(pdf);
  if (input.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('not a PDF');
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input, maxBuffer: 32 * 1024 * 1024 })
    .toString('utf8')
    .replace(/\s+/g, ' ')
    .trim();
}
