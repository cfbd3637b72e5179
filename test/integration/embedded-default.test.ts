import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * `npm start` as a user runs it: a child process on free ports, ready within 10 s, its data found again by a
 * second start, every emulator gone after Ctrl-C (SIGINT to the process group), and two stacks side by side (this one and the test run's).
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  urls: { app: string; dynamodb: string; s3: string; ses: string };
  readyMs: number;
}

/** `npm start`, or the script it runs without the npm wrapper (to send SIGTERM to the app process itself). */
function npmStart(dataDir: string, via: 'npm' | 'node' = 'npm'): Promise<Started> {
  const started = Date.now();
  const [command, args] =
    via === 'npm'
      ? ['npm', ['start', '--silent']]
      : [process.execPath, ['--import', 'tsx', 'infra/local/start.ts']];
  const child = spawn(command as string, args as string[], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, WORKER_POLL_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the test can press "Ctrl-C" the way a terminal does: SIGINT to the whole group.
    detached: true,
  });
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`not ready in 20 s:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d;
      const app = /Приложение:\s+(http:\/\/\S+)/.exec(out)?.[1];
      const ses = /эмулятор SES\):\s+(http:\/\/\S+)/.exec(out)?.[1];
      const dynamodb = /DynamoDB Local:\s+(http:\/\/\S+)/.exec(out)?.[1];
      const s3 = /S3 \(s3rver\):\s+(http:\/\/\S+)/.exec(out)?.[1];
      if (app && ses && dynamodb && s3) {
        clearTimeout(timer);
        ok({ child, urls: { app, ses, dynamodb, s3 }, readyMs: Date.now() - started });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d) => {
      out += d;
    });
    child.once('exit', (code) => fail(new Error(`npm start exited with ${code}:\n${out}`)));
  });
}

/** Whether anything still listens at the URL's port, waiting up to `graceMs` for it to close. */
async function stillListening(url: string, graceMs = 10_000): Promise<boolean> {
  const until = Date.now() + graceMs;
  while (await portOpen(url)) {
    if (Date.now() > until) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((ok) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      ok(true);
    });
    socket.once('error', () => ok(false));
  });
}

/** Ctrl-C in a terminal: SIGINT to the whole process group; or SIGTERM to the app process alone. */
async function stop(started: Started, how: 'ctrl-c' | 'sigterm' = 'ctrl-c'): Promise<void> {
  const exited = new Promise((ok) => started.child.once('exit', ok));
  if (how === 'ctrl-c') process.kill(-started.child.pid!, 'SIGINT');
  else started.child.kill('SIGTERM');
  await exited;
}

/** Fresh adapter modules pointed at one stack's emulators (clients are created once per module load). */
async function adaptersFor(s: Started, dataDir: string) {
  vi.resetModules();
  const { provideRuntimeEnv } = await import('../../functions/config');
  provideRuntimeEnv({
    INSTANCE_ID: 'smolensk',
    TABLE_NAME: 'cpd-local',
    BUCKET_NAME: 'cpd-local',
    AWS_REGION: 'eu-central-1',
    APP_URL: s.urls.app,
    DYNAMODB_ENDPOINT: s.urls.dynamodb,
    S3_ENDPOINT: s.urls.s3,
    SES_ENDPOINT: s.urls.ses,
    LOCAL_MODE: 'true',
    LOCAL_DATA_DIR: dataDir,
    LOCAL_ISSUER: `${s.urls.app}/local-issuer`,
  });
  return {
    table: await import('../../functions/adapters/table'),
    blobs: await import('../../functions/adapters/blobs'),
  };
}

describe('npm start', () => {
  it('is ready within 10 s, keeps its data across restarts and stops every emulator on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cpd-start-'));
    dirs.push(dataDir);
    const first = await npmStart(dataDir);
    expect(first.readyMs).toBeLessThan(10_000);
    const health = await fetch(`${first.urls.app}/healthz`);
    expect(await health.json()).toEqual({ ok: true });

    const key = { pk: `PERSIST#${randomUUID()}`, sk: 'record' };
    let adapters = await adaptersFor(first, dataDir);
    await adapters.table.put({ ...key, title: 'Заявка' });
    await adapters.blobs.putBlob({ key: `${key.pk}.txt`, body: 'документ', contentType: 'text/plain' });

    await stop(first);
    for (const url of Object.values(first.urls)) expect(await stillListening(url), url).toBe(false);

    // Second start on the same data, and a third stack with its own data at the same time.
    const otherDir = mkdtempSync(join(tmpdir(), 'cpd-start-'));
    dirs.push(otherDir);
    const [second, other] = await Promise.all([npmStart(dataDir), npmStart(otherDir, 'node')]);
    try {
      adapters = await adaptersFor(second, dataDir);
      expect(await adapters.table.get(key)).toMatchObject({ title: 'Заявка' });
      const blob = await adapters.blobs.getBlob(`${key.pk}.txt`);
      expect(Buffer.from(blob!.body).toString('utf8')).toBe('документ');

      adapters = await adaptersFor(other, otherDir);
      expect(await adapters.table.get(key)).toBeUndefined();
      expect((await fetch(`${other.urls.app}/healthz`)).status).toBe(200);
    } finally {
      await Promise.all([stop(second), stop(other, 'sigterm')]);
    }
    for (const url of [...Object.values(second.urls), ...Object.values(other.urls)]) {
      expect(await stillListening(url), url).toBe(false);
    }
  }, 90_000);
});
