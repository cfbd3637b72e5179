import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { provideRuntimeEnv } from '../../functions/config';
import { diagnosticsRequest } from '../support/fixtures';

/**
 * API load (issue 8/8): autocannon against a freshly started embedded default (test/bench/load-stack.ts), every
 * request a valid public submission (an individual diagnostics request) with its own Idempotency-Key. Then the
 * records are counted in the table through the table adapter: every 201 must be stored, and nothing else.
 *
 *   submissionsPerS  201 responses per second over the run;
 *   p50Ms, p99Ms     latency of all responses (autocannon's histogram);
 *   non2xx, errors   responses other than 2xx, and requests that got no response (errors include timeouts);
 *   inFlightAtEnd    requests still unanswered when autocannon stopped, replayed afterwards with their key
 *                    (the replay answers with the stored record, so they count as announced);
 *   lost             ids answered with 201 that the table does not hold;
 *   unexpected       records in the table that no 201 announced (e.g. stored, then the client timed out).
 */

export const KIND = 'diagnostics-request';
const PATH = `/v1/submissions/${KIND}`;
const ROOT = resolve(import.meta.dirname, '..', '..');

export interface LoadRow {
  suite: 'load';
  route: string;
  durationS: number;
  connections: number;
  requests: number;
  submissionsPerS: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Requests autocannon left unanswered at the deadline, replayed with their key after the run. */
  inFlightAtEnd: number;
  /** Replays not answered with 201 (they count as errors against the target). */
  replayFailures: number;
  created: number;
  stored: number;
  lost: number;
  unexpected: number;
}

interface StackUrls {
  appUrl: string;
  dynamodbUrl: string;
  s3Url: string;
  sesUrl: string;
  dataDir: string;
}

/** Starts the stack in a child process; it stops when `stop` closes its stdin. */
export async function startBenchStack(): Promise<{ urls: StackUrls; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/bench/load-stack.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const urls = await new Promise<StackUrls>((ok, fail) => {
    let buffer = '';
    child.stdout?.on('data', (d) => {
      buffer += d;
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) ok(JSON.parse(line) as StackUrls);
    });
    child.once('exit', (code) => fail(new Error(`the bench stack exited with code ${code}`)));
  });
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', () => done());
      child.stdin?.end();
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    });
  return { urls, stop };
}

/** Points this process's adapters at the stack's emulators, as test/support/stack.ts does for the tests. */
function useStackAdapters(urls: StackUrls): void {
  provideRuntimeEnv({
    INSTANCE_ID: 'smolensk',
    TABLE_NAME: 'cpd-local',
    BUCKET_NAME: 'cpd-local',
    AWS_REGION: 'eu-central-1',
    APP_URL: urls.appUrl,
    DYNAMODB_ENDPOINT: urls.dynamodbUrl,
    S3_ENDPOINT: urls.s3Url,
    SES_ENDPOINT: urls.sesUrl,
    LOCAL_MODE: 'true',
    LOCAL_DATA_DIR: urls.dataDir,
    LOCAL_ISSUER: `${urls.appUrl}/local-issuer`,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
}

/** Every record of the kind the table holds (the staff queue index, expired ones included). */
export async function storedRecordIds(): Promise<Set<string>> {
  const { queryAll } = await import('../../functions/adapters/table');
  const { keys } = await import('../../functions/core/model');
  const items = await queryAll({ index: 'queue', partition: keys.queuePk(KIND), includeExpired: true });
  return new Set(items.map((item) => String(item.id)));
}

interface InFlight {
  key: string;
  body: string;
}

/** One submission by fetch: its status and, for a 201, the record id. */
async function submit(appUrl: string, sent: InFlight): Promise<{ status: number; id?: string }> {
  const response = await fetch(`${appUrl}${PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': sent.key },
    body: sent.body,
  });
  const body = (await response.json()) as { id?: string };
  return { status: response.status, id: response.status === 201 ? body.id : undefined };
}

export function compareIds(created: Set<string>, stored: Set<string>): { lost: number; unexpected: number } {
  return {
    lost: [...created].filter((id) => !stored.has(id)).length,
    unexpected: [...stored].filter((id) => !created.has(id)).length,
  };
}

export async function runLoadSuite(options: {
  durationS: number;
  connections: number;
  log: (line: string) => void;
}): Promise<LoadRow> {
  options.log('load: starting the stack');
  const { urls, stop } = await startBenchStack();
  try {
    useStackAdapters(urls);
    // One submission outside the measurement: the gateway loads (and tsx compiles) the handler on first use.
    const warmUp = await submit(urls.appUrl, {
      key: randomUUID(),
      body: JSON.stringify(diagnosticsRequest()),
    });
    if (!warmUp.id) throw new Error(`the warm-up submission failed: ${warmUp.status}`);
    const created = new Set<string>([warmUp.id]);
    const inFlight = new Map<string, InFlight>();
    let createdResponses = 0;
    options.log(`load: ${options.connections} connections for ${options.durationS} s, POST ${PATH}`);
    const result = await autocannon({
      url: urls.appUrl,
      connections: options.connections,
      duration: options.durationS,
      requests: [
        {
          method: 'POST',
          path: PATH,
          headers: { 'content-type': 'application/json' },
          // One request in flight per connection (no pipelining), so the connection's context names it.
          setupRequest: (request, context: Partial<InFlight>) => {
            const sent = { key: randomUUID(), body: JSON.stringify(diagnosticsRequest()) };
            Object.assign(context, sent);
            inFlight.set(sent.key, sent);
            return {
              ...request,
              headers: { ...request.headers, 'idempotency-key': sent.key },
              body: sent.body,
            };
          },
          onResponse: (status, body, context: Partial<InFlight>) => {
            if (context.key) inFlight.delete(context.key);
            if (status !== 201) return;
            createdResponses++;
            created.add((JSON.parse(body) as { id: string }).id);
          },
        },
      ],
    });
    // autocannon stops at the deadline without waiting for the requests still in flight; the server may have
    // stored them. Sending each again with its key and body returns its record (idempotent replay) or creates it.
    options.log(`load: ${inFlight.size} requests were in flight at the end; replaying them`);
    const inFlightAtEnd = inFlight.size;
    let replayFailures = 0;
    for (const sent of inFlight.values()) {
      const replay = await submit(urls.appUrl, sent);
      if (replay.id) created.add(replay.id);
      else replayFailures++;
    }
    options.log('load: counting the stored records');
    const stored = await storedRecordIds();
    const { lost, unexpected } = compareIds(created, stored);
    return {
      suite: 'load',
      route: `POST ${PATH}`,
      durationS: result.duration,
      connections: options.connections,
      requests: result.requests.total,
      submissionsPerS: Math.round((createdResponses / result.duration) * 10) / 10,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      inFlightAtEnd,
      replayFailures,
      // The warm-up's record is in both sets; the counts are those of the measured run.
      created: createdResponses,
      stored: stored.size - 1,
      lost,
      unexpected,
    };
  } finally {
    await stop();
  }
}

export function loadTable(row: LoadRow): string[][] {
  return [
    [
      'route',
      'connections',
      'duration, s',
      'requests',
      'submissions/s',
      'p50, ms',
      'p99, ms',
      'non-2xx',
      'errors (timeouts)',
      'in flight at end (replay failed)',
      '201',
      'stored',
      'lost',
      'unexpected',
    ],
    [
      row.route,
      String(row.connections),
      String(row.durationS),
      String(row.requests),
      row.submissionsPerS.toFixed(1),
      String(row.p50Ms),
      String(row.p99Ms),
      String(row.non2xx),
      `${row.errors} (${row.timeouts})`,
      `${row.inFlightAtEnd} (${row.replayFailures})`,
      String(row.created),
      String(row.stored),
      String(row.lost),
      String(row.unexpected),
    ],
  ];
}
