import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { OrganizationSchema, phoneField } from '../../forms/common/types';
import { get } from '../../functions/adapters/table';
import { keys, type StoredRecord } from '../../functions/core/model';
import { purgeRecord } from '../../functions/core/retention';
import { innOf } from '../support/diagnostics-fixtures';
import { api } from '../support/stack';
import { defOf } from './arbitraries';

/**
 * What the fuzz files share (test/integration/fuzz.test.ts: the JSON API; fuzz-web.test.ts: the pages' form
 * posts): how many bodies, from which seed, how many at once, and the arbitraries for fields a schema alone
 * cannot generate.
 */

/** Bodies per route and per action: `npm run fuzz` sets 10,000; `npm test` takes this small sample. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 24);
export const SEED = Number(process.env.FUZZ_SEED ?? 20_261_122);
/** Valid bodies create records and mail: one body in this many is valid. */
export const VALID_EVERY = RUNS >= 1000 ? 20 : 3;
const CONCURRENCY = 6;

const phones = fc
  .tuple(
    fc.constantFrom('+7', '8', ''),
    fc.stringMatching(/^9\d{9}$/),
    fc.constantFrom('spaced', 'dashed', 'plain'),
  )
  .map(([prefix, digits, style]) =>
    style === 'plain'
      ? `${prefix}${digits}`
      : style === 'spaced'
        ? `${prefix} (${digits.slice(0, 3)}) ${digits.slice(3, 6)} ${digits.slice(6)}`
        : `${prefix}${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}`,
  );
const inns = fc.stringMatching(/^\d{9}$/).map(innOf);

/** Phone numbers written in the usual ways, and INNs with a valid checksum (FuzzOptions.hints). */
export const hints = new Map<unknown, fc.Arbitrary<unknown>>([
  [phoneField, phones],
  [defOf(OrganizationSchema.shape.inn).innerType, inns],
]);

/** Runs `work` over the items, CONCURRENCY at a time. */
export async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * Generating thousands of bodies blocks the event loop for minutes, while the server closes idle keep-alive
 * connections; a moment's pause lets the client notice before it reuses one (else: EPIPE on the next request).
 */
export function sampled<T>(arb: fc.Arbitrary<T>, numRuns: number, seed: number): Promise<T[]> {
  const values = fc.sample(arb, { numRuns, seed });
  return new Promise((resolve) => setTimeout(() => resolve(values), 200));
}

/** Generated row and activity ids (the body may omit them) are the server's: take its ones. */
export function withServerIds(parsed: unknown, stored: unknown): unknown {
  if (Array.isArray(parsed)) return parsed.map((v, i) => withServerIds(v, (stored as unknown[])?.[i]));
  if (parsed && typeof parsed === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) {
      const s = (stored as Record<string, unknown> | undefined)?.[k];
      out[k] = k === 'id' && typeof v === 'string' && typeof s === 'string' ? s : withServerIds(v, s);
    }
    return out;
  }
  return parsed;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: error bodies of several shapes
  json: any;
}

/**
 * A raw POST: the body exactly as given, any content type. On its own connection (node:http, no agent): after
 * refusing an oversize body the server closes the connection, which must not break the next request of a pool.
 * Redirects are answers like any other (not followed).
 */
export function postRaw(
  url: string,
  body: string,
  contentType?: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: contentType ? { 'content-type': contentType, ...headers } : headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, json, text });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Everything a fuzz file made goes, with its links and documents; then the outbox is run until nothing is due, so
 * the effects of the purged records (dropped by the worker) do not stand before another file's items in the
 * queue, and no mail or deadline of the fuzz run reaches another file.
 */
export async function purgeAll(stack: { appUrl: string }, ids: Iterable<string>): Promise<void> {
  for (const id of ids) {
    const record = (await get(keys.record(id))) as unknown as StoredRecord | undefined;
    if (record) await purgeRecord(record);
  }
  for (;;) {
    const run = await api(stack, 'POST', '/dev/run/outbox');
    if (run.status !== 200) throw new Error(`POST /dev/run/outbox: ${run.status} ${run.text}`);
    if (run.json.result.processed === 0) return;
  }
}
