import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GatewayExchange, gatewayRequestScope } from '../../infra/local/gateway';
import { personalValuesOf } from './pii-scan';

/**
 * Capture for the personal-data scan of the integration run (issue 9, item 5): the test stack runs its handlers
 * at DEBUG, and everything they write to the console while handling a request (Powertools writes to stdout) is kept
 * in `<dataDir>/capture/logs.ndjson`, with every URL requested and every redirect (`urls`), every error answer
 * (`errors`) and the personal values found in the bodies posted (`posted`). test/integration/pii-scan.test.ts,
 * which runs last, scans them.
 */

export type CaptureFile = 'logs' | 'urls' | 'errors' | 'posted';

export function captureFile(dataDir: string, file: CaptureFile): string {
  return join(dataDir, 'capture', `${file}.ndjson`);
}

export function readCapture(dataDir: string, file: CaptureFile): string[] {
  const path = captureFile(dataDir, file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as string);
}

/** Levels the console still shows (as under LOG_LEVEL=ERROR); the rest goes to the capture only. */
const SHOWN = /"level":"(ERROR|CRITICAL)"/;

/** Tee the process's stdout and stderr: lines written inside a request go to the capture. */
export function startCapture(dataDir: string): {
  observe: (exchange: GatewayExchange) => void;
  stop: () => void;
} {
  mkdirSync(join(dataDir, 'capture'), { recursive: true });
  const write = (file: CaptureFile, value: string) =>
    appendFileSync(captureFile(dataDir, file), `${JSON.stringify(value)}\n`);
  const originals = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (gatewayRequestScope.getStore() === undefined) return original(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      for (const line of text.split('\n')) if (line.trim()) write('logs', line);
      // What the handlers log below ERROR is for the scan, not for the test console.
      if (!text.trimStart().startsWith('{') || SHOWN.test(text)) return original(chunk, ...rest);
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
    return { stream, original };
  });
  const seen = new Set<string>();
  return {
    observe(exchange) {
      write('urls', exchange.url);
      if (exchange.location) write('urls', exchange.location);
      const message = exchange.errorBody ? errorMessageOf(exchange.errorBody) : undefined;
      if (message) write('errors', message);
      if (exchange.requestBody && !exchange.url.startsWith('/dev/')) {
        for (const value of personalValuesOf(exchange.requestBody.toString('utf8'), exchange.contentType)) {
          if (seen.has(value)) continue;
          seen.add(value);
          write('posted', value);
        }
      }
    },
    stop() {
      for (const { stream, original } of originals) stream.write = original as typeof stream.write;
    },
  };
}

/**
 * What an API error answer says to a person: its message and the messages of its issues. (A page answering an
 * invalid form shows what the person typed back to them, by design: only the JSON error shape is scanned.)
 */
function errorMessageOf(body: string): string | undefined {
  try {
    const { error } = JSON.parse(body) as {
      error?: { message?: string; rule?: string; issues?: { path?: string; message?: string }[] };
    };
    if (!error) return undefined;
    return [error.message, error.rule, ...(error.issues ?? []).map((i) => `${i.path}: ${i.message}`)]
      .filter(Boolean)
      .join(' | ');
  } catch {
    return undefined;
  }
}
