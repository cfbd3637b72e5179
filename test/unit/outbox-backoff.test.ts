import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelayMs, MAX_ATTEMPTS } from '../../functions/core/outbox';

describe('outbox retry backoff (exponential, full jitter)', () => {
  it('doubles the ceiling per attempt from the base', () => {
    const top = () => 0.999_999;
    expect(backoffDelayMs(1, top)).toBe(BACKOFF_BASE_MS - 1);
    expect(backoffDelayMs(2, top)).toBe(2 * BACKOFF_BASE_MS - 1);
    expect(backoffDelayMs(5, top)).toBe(16 * BACKOFF_BASE_MS - 1);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const attempt of [10, 20, 60, 1000])
      expect(backoffDelayMs(attempt, () => 0.999_999)).toBeLessThan(BACKOFF_CAP_MS);
    expect(BACKOFF_CAP_MS).toBe(15 * 60_000);
  });

  it('spreads delays over the whole range down to zero (full jitter)', () => {
    expect(backoffDelayMs(4, () => 0)).toBe(0);
    expect(backoffDelayMs(4, () => 0.5)).toBe(4 * BACKOFF_BASE_MS);
    const samples = Array.from({ length: 2000 }, () => backoffDelayMs(6));
    const ceiling = 32 * BACKOFF_BASE_MS;
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(ceiling);
    // Uniform: about a quarter of the samples fall in each quarter of the range.
    const lowQuarter = samples.filter((s) => s < ceiling / 4).length / samples.length;
    expect(lowQuarter).toBeGreaterThan(0.18);
    expect(lowQuarter).toBeLessThan(0.32);
  });

  it('gives up after a bounded time: the worst case of all retries stays within a couple of hours', () => {
    let worst = 0;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++)
      worst += backoffDelayMs(attempt, () => 0.999_999);
    expect(MAX_ATTEMPTS).toBe(8);
    expect(worst).toBeLessThan(2 * 3600_000);
    expect(worst).toBeGreaterThan(60_000);
  });
});
