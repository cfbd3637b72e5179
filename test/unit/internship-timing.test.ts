import { describe, expect, it } from 'vitest';
import { internshipApplication as kind } from '../../forms/internship-application/workflow';
import { nextNoticeMoment, noticeMomentOf } from '../../functions/core/calendar';
import { InstanceSettingsSchema } from '../../functions/core/instance-settings';
import type { RecordState, StageDefinition } from '../../functions/core/kind';
import { smolensk } from '../../infra/instances/smolensk';

const settings = InstanceSettingsSchema.parse(smolensk);
const active = kind.stages.active as StageDefinition<unknown>;

function record(validUntil: string): RecordState<unknown> {
  return {
    id: 'a',
    kind: kind.kind,
    stage: 'active',
    version: 7,
    createdAt: '2026-10-15T07:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
    enteredAt: '2026-12-01T09:00:00.000Z',
    payload: { validUntil },
  };
}

describe('timed moments of an active site', () => {
  it('a notice date is the start of that local day', () => {
    expect(noticeMomentOf('2029-09-02', settings)).toBe('2029-09-01T21:00:00.000Z');
    expect(noticeMomentOf('2029-09-02T06:00:00Z', settings)).toBe('2029-09-02T06:00:00.000Z');
  });

  it('warns 90 days (instance setting) before the status ends, once, and expires after its last day', () => {
    const site = record('2029-12-01');
    const notices = active.notices!(site, settings);
    expect(notices.map((n) => [n.key, n.at])).toEqual([['expiry', '2029-09-02']]);
    expect(notices[0]!.mails.map((m) => m.to)).toEqual(['applicant', 'head', 'centre-mailbox']);
    expect(nextNoticeMoment(active, site, settings)).toBe('2029-09-01T21:00:00.000Z');
    expect(nextNoticeMoment(active, site, settings, ['expiry'])).toBeUndefined();
    expect(active.timed).toMatchObject({ action: 'expire' });
    expect(active.timed!.at(site)).toBe('2029-12-01');
    const shorter = { ...settings, internship: { ...settings.internship, expiryNoticeDays: 30 } };
    expect(active.notices!(site, shorter)[0]!.at).toBe('2029-11-01');
  });
});
