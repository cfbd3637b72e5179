import { isLocalMode } from '../config';
import { AppError } from '../core/errors';

/**
 * The one source of "now". Under `npm start` it can be shifted (POST /dev/clock) so deadline and window rules
 * can be tried without waiting; the shift keeps time flowing from the chosen moment. In AWS it cannot move.
 */
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function nowIso(): string {
  return now().toISOString();
}

export function nowEpochSeconds(): number {
  return Math.floor(now().getTime() / 1000);
}

function requireLocal(): void {
  if (!isLocalMode()) {
    throw new AppError('forbidden', 'Часы можно сдвигать только в локальном режиме');
  }
}

/** Make every reader of the clock see `target` from this moment on (local mode only). */
export function shiftTo(target: Date): Date {
  requireLocal();
  offsetMs = target.getTime() - Date.now();
  return now();
}

/** Back to the real clock (local mode only). */
export function resetShift(): Date {
  requireLocal();
  offsetMs = 0;
  return now();
}

export function isShifted(): boolean {
  return offsetMs !== 0;
}
