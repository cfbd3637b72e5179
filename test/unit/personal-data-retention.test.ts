import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { kinds } from '../../forms/registry';
import type { KindDefinition } from '../../functions/core/kind';
import { newLink } from '../../functions/core/links';
import { keys } from '../../functions/core/model';
import { loadInstance } from '../../infra/instances';

/**
 * Every stored item that holds personal data has an expiry, or is exempt by a named rule (issue 9, item 5;
 * 152-FZ art. 5 p. 7: personal data are kept no longer than the purpose of processing requires). The item families
 * are read from the model (`keys` of functions/core/model.ts: each function making a table key is one family) and the
 * kinds from the registry, so a new family or kind fails here until it is classified.
 */

const settings = loadInstance('smolensk');

/** Field names that carry a person's data in the payload schemas (forms/common/types.ts). */
const PERSONAL_FIELDS = new Set(['lastName', 'firstName', 'middleName', 'email', 'phone', 'phones', 'inn']);

function personalFieldsOf(kind: KindDefinition<unknown>): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object')
        for (const name of Object.keys(value)) if (PERSONAL_FIELDS.has(name)) found.add(name);
      walk(value);
    }
  };
  walk(z.toJSONSchema(kind.schema, { io: 'input', unrepresentable: 'any' }));
  return [...found].sort();
}

/** The item families of the table: the functions of `keys` that make a whole key (pk and sk). */
function itemFamilies(): string[] {
  return Object.entries(keys)
    .filter(([, make]) => typeof make === 'function')
    .filter(([, make]) => {
      const key = (make as (...a: string[]) => unknown)('x', 'y', 'z');
      return typeof key === 'object' && key !== null && 'pk' in key && 'sk' in key;
    })
    .map(([name]) => name)
    .sort();
}

type Family = { personal: false; why: string } | { personal: true; expiry: 'own' | 'record'; why: string };

/**
 * What each family holds. `record`: the family lives in a record's partition and gets the record's expiry when the
 * record reaches its final stage (functions/core/retention.ts `stampRetention`: history, child summaries, link
 * notes, and the children themselves); `own`: every item is written with an `expiresAt`.
 */
const FAMILIES: Record<string, Family> = {
  record: { personal: true, expiry: 'record', why: 'the payload: names, emails, phones of the parties' },
  history: { personal: true, expiry: 'record', why: 'who acted (email), comments, previous payloads' },
  child: { personal: false, why: 'id, kind, key and stage of a child (the child is a record of its own)' },
  linkRef: { personal: false, why: 'the hash of a link token and the expiry of its link' },
  link: { personal: true, expiry: 'own', why: 'the email of the party the link was issued to' },
  outbox: { personal: false, why: 'ids, effect names and an error code (functions/core/retention.ts)' },
  counter: { personal: false, why: 'a series, a year and the last number (A3 4.3.3)' },
  idempotency: { personal: false, why: 'a hash of the request and the id of the record it made' },
};

/**
 * A kind may keep its records without a retention of its own only by one of these rules. A route-correction is a
 * child of a route: it goes with the route, one year after completion (A3 4.5.4), through `stampRetention`.
 */
const EXEMPT: Record<string, { parent: string; rule: string }> = {
  'route-correction': {
    parent: 'route',
    rule: 'A3 4.5.4: deleted with its route, one year after completion',
  },
};

describe('personal data have an end (152-FZ art. 5 p. 7)', () => {
  it('classifies every item family of the model', () => {
    expect(itemFamilies()).toEqual(Object.keys(FAMILIES).sort());
  });

  it('gives every kind holding personal data a retention, or names the rule that exempts it', () => {
    const holding = kinds.filter((k) => personalFieldsOf(k).length > 0);
    // The scan of the schemas works: every kind of this product takes people's names or addresses.
    expect(holding.map((k) => k.kind).sort()).toEqual(kinds.map((k) => k.kind).sort());
    for (const kind of holding) {
      const exempt = EXEMPT[kind.kind];
      if (exempt) {
        expect(kind.retention, `${kind.kind} is exempt by ${exempt.rule}`).toBeUndefined();
        const parent = kinds.find((k) => k.kind === exempt.parent)!;
        expect(
          parent.retention?.(settings)?.daysAfterFinal,
          `${exempt.parent} keeps ${kind.kind}`,
        ).toBeGreaterThan(0);
        expect(kind.createdBy, `${kind.kind} is made by its ${exempt.parent} only`).toBe('parent');
        continue;
      }
      const days = kind.retention?.(settings)?.daysAfterFinal;
      expect(days, `${kind.kind} keeps ${personalFieldsOf(kind).join(', ')} for ever`).toBeGreaterThan(0);
      // Every final stage either keeps the records for the kind's retention, or for a shorter time of its own.
      for (const [name, stage] of Object.entries(kind.stages)) {
        if (stage.final && stage.retainDays !== undefined)
          expect(stage.retainDays, `${kind.kind}.${name}`).toBeLessThan(days!);
      }
    }
  });

  it('keeps a route one year after completion and removes an unconfirmed submission at once (A3 4.5.4, DOMAIN.md)', () => {
    expect(kinds.find((k) => k.kind === 'route')!.retention!(settings)).toEqual({ daysAfterFinal: 365 });
    for (const kind of kinds) {
      if (kind.stages.discarded) expect(kind.stages.discarded.retainDays, kind.kind).toBe(0);
    }
  });

  it('writes every link with an expiry no later than its record’s', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const base = { recordId: 'r', kind: 'consent', party: 'participant', email: 'a@b.ru', actions: [], now };
    const usual = newLink({ ...base, ttlDays: 30 });
    expect(usual.item.expiresAt).toBeGreaterThan(Date.parse(usual.item.validUntil) / 1000);
    expect(usual.ref.expiresAt).toBe(usual.item.expiresAt);
    const capped = newLink({ ...base, ttlDays: 30, recordExpiresAt: now.getTime() / 1000 + 86_400 });
    expect(capped.item.expiresAt).toBe(now.getTime() / 1000 + 86_400);
  });

  it('keeps the families that follow their record in the record’s partition, where retention stamps them', () => {
    // functions/core/retention.ts gives the record's expiry to every item of its partition (and its children).
    const partition = keys.record('r1').pk;
    const make = keys as unknown as Record<string, (...a: string[]) => { pk: string }>;
    for (const [name, family] of Object.entries(FAMILIES)) {
      if (family.personal && family.expiry === 'record')
        expect(make[name]!('r1', 'c1', '1').pk, `${name} lives in the record's partition`).toBe(partition);
    }
  });
});
