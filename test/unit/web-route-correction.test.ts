import { describe, expect, it } from 'vitest';
import { findKind } from '../../forms/registry';
import { actionFormOf } from '../../functions/web/record-parts';
import { routeFixture } from '../support/routes';

describe('the correction form on a route page', () => {
  it("is prepared against the card's редакция, not the record version", () => {
    const kind = findKind('route')!;
    const payload = { ...(routeFixture() as Record<string, unknown>), revision: 3 };
    const state = {
      id: '00000000-0000-4000-8000-000000000001',
      kind: 'route',
      stage: 'active',
      version: 17,
      createdAt: '2026-09-01T09:00:00Z',
      updatedAt: '2026-11-01T09:00:00Z',
      enteredAt: '2026-10-01T09:00:00Z',
      payload,
    };
    const form = actionFormOf(kind, state, 'proposeCorrection');
    expect(form.defaults.baseVersion).toBe(3);
  });
});
