import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRowOperation, rawFromEntries } from '../../functions/web/form-data';

/**
 * A posted form's names are paths (`participants.2.person.lastName`) that reading walks into objects. Whatever a
 * client sends, that walk must stay inside the form's own data: `person.__proto__.x=1` once wrote
 * `Object.prototype.x` for the whole server process (found while writing the web form fuzzing,
 * test/integration/fuzz-web.test.ts).
 */

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

/** Everything Object.prototype is made of, to compare before and after. */
function prototypeState() {
  return Object.getOwnPropertyNames(Object.prototype)
    .sort()
    .map((name) => [name, Object.getOwnPropertyDescriptor(Object.prototype, name)?.value] as const);
}

const segment = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.constantFrom('person', 'participants', 'lastName', '0', '2'),
  fc.string({ maxLength: 6 }),
);
const name = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.'));

describe('reading a posted form never reaches an object prototype', () => {
  const before = prototypeState();
  afterEach(() => {
    // Whatever a failing case planted must not leak into the next one.
    for (const key of Object.getOwnPropertyNames(Object.prototype))
      if (!before.some(([name]) => name === key)) delete (Object.prototype as Record<string, unknown>)[key];
  });

  it('leaves Object.prototype as it was, for names and row operations of any shape', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, fc.string({ maxLength: 4 })), { maxLength: 8 }),
        fc.constantFrom('add', 'remove'),
        name,
        (entries, op, path) => {
          const raw = rawFromEntries(entries);
          applyRowOperation(raw, `${op}:${path}`);
          expect(prototypeState()).toEqual(before);
          // And the raw value is plain data: JSON holds all of it, and it can be printed.
          expect(() => JSON.stringify(raw)).not.toThrow();
        },
      ),
      { numRuns: 2000, seed: 20_261_122 },
    );
  });

  it('drops names with a prototype segment and keeps the others', () => {
    const raw = rawFromEntries([
      ['person.__proto__.polluted', 'yes'],
      ['constructor.prototype.polluted', 'yes'],
      ['person.lastName', 'Иванова'],
      ['person.toString', 'text'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(raw))).toEqual({ person: { lastName: 'Иванова', toString: 'text' } });

    applyRowOperation(raw, 'add:__proto__.polluted');
    applyRowOperation(raw, 'remove:__proto__.toString.0');
    applyRowOperation(raw, 'add:person.__proto__.rows');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).rows).toBeUndefined();
    expect(typeof Object.prototype.toString).toBe('function');
  });
});
