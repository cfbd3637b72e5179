import { now, resetShift, shiftTo } from '../adapters/clock';
import { ensureIssuerKeys, issueLocalToken } from '../adapters/local-issuer';
import { type CapturedMail, readLocalMailbox } from '../adapters/local-mailbox';
import { config } from '../config';
import { scheduledWorkers } from '../manifest';
import { AppError } from './errors';

/**
 * What the local-only endpoints do (API.md, "Local mode only"). Each refuses outside local mode, so even a
 * mis-wired deployment could not mint tokens, read mail or move time.
 */

function localSettings() {
  const local = config().local;
  if (!local) throw new AppError('not-found', 'Не найдено');
  return local;
}

export async function mintStaffToken(request: {
  email: string;
  roles: string[];
}): Promise<{ token: string }> {
  const local = localSettings();
  const keys = await ensureIssuerKeys(local.dataDir);
  return { token: await issueLocalToken(keys, local.issuer, request, now()) };
}

export async function localMailbox(query: { to?: string; since?: string }): Promise<CapturedMail[]> {
  localSettings();
  let since: Date | undefined;
  if (query.since) {
    since = new Date(query.since);
    if (Number.isNaN(since.getTime())) {
      throw new AppError('validation', 'Проверьте параметры запроса', {
        issues: [{ path: 'since', message: 'Ожидается дата и время в формате ISO 8601' }],
      });
    }
  }
  return readLocalMailbox({ to: query.to, since });
}

export function setClock(target: Date): { now: string; shifted: boolean } {
  localSettings();
  return { now: shiftTo(target).toISOString(), shifted: true };
}

export function resetClock(): { now: string; shifted: boolean } {
  localSettings();
  return { now: resetShift().toISOString(), shifted: false };
}

/** Run a scheduled worker once, now, and return what it did. */
export async function runWorker(name: string): Promise<unknown> {
  localSettings();
  const worker = scheduledWorkers.find((w) => w.name === name);
  if (!worker) {
    throw new AppError('not-found', `Нет фонового обработчика «${name}»`);
  }
  // The manifest is the one list of workers; this route runs only under `npm start` (tsx resolves the path).
  // A plain variable, not a template literal: esbuild would turn `../${...}` into a glob and bundle every module
  // under functions/ (workers, PDF engine, mail) into each function that imports this file (web/staff does).
  const specifier = `../${worker.handler}`;
  const module = (await import(/* @vite-ignore */ specifier)) as { run: () => Promise<unknown> };
  return { worker: name, result: await module.run() };
}
