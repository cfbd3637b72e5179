import { describe, expect, it } from 'vitest';
import { CollectiveRequestSchema } from '../../forms/collective-diagnostics-request/schema';
import { findKind } from '../../forms/registry';
import { declarationCalendar } from '../../functions/core/calendar';
import type { ActionContext, ChildInfo, KindDefinition, RecordState } from '../../functions/core/kind';
import { loadInstance } from '../../infra/instances';
import { collectiveRequest, participantRows } from '../support/diagnostics-fixtures';

/**
 * The rules of the diagnostics kinds as declared (forms/): the collective request's rows, when it leaves
 * `awaiting-consents`, what a consent accepts, who sees results, and the results deadline of A2 5.9.6 / 5.10.4.
 */

const settings = loadInstance('smolensk');
const collective = findKind('collective-diagnostics-request')!;
const consent = findKind('consent')!;
const individual = findKind('diagnostics-request')!;
const NOW = new Date('2026-11-23T09:00:00Z');

function state(kind: KindDefinition<unknown>, stage: string, payload: unknown): RecordState<unknown> {
  return {
    id: '11111111-2222-4333-8444-555555555555',
    kind: kind.kind,
    stage,
    version: 3,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    enteredAt: NOW.toISOString(),
    payload,
  };
}

function ctx(
  record: RecordState<unknown>,
  input: unknown,
  extra: Partial<ActionContext<unknown, never>> = {},
): ActionContext<unknown, never> {
  return {
    record,
    input: input as never,
    now: NOW,
    settings,
    actor: { kind: 'system' },
    calendar: declarationCalendar(settings),
    ...extra,
  };
}

function firstViolation(kind: KindDefinition<unknown>, action: string, c: ActionContext<unknown, never>) {
  for (const guard of kind.actions[action]!.guards ?? []) {
    const v = guard(c);
    if (v) return v;
  }
  return undefined;
}

const parsed = () => CollectiveRequestSchema.parse(collectiveRequest({ rows: participantRows(3) }));
const consentChildren = (stages: string[], payload: { participants: { id: string }[] }): ChildInfo[] =>
  stages.map((stage, i) => ({ id: `c${i}`, kind: 'consent', key: payload.participants[i]!.id, stage }));

describe('collective request rows (A2 5.9.3, the consent form)', () => {
  it('gives every row a stable id and keeps ids a client sent', () => {
    const body = collectiveRequest({ rows: participantRows(3) });
    (body.participants[1] as { id?: string }).id = 'row-2';
    const rows = CollectiveRequestSchema.parse(body).participants;
    expect(rows[1]!.id).toBe('row-2');
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
  });

  it('refuses a teacher twice in the same subject, blocks outside the request, and more than 500 rows', () => {
    const rows = participantRows(2);
    const body = collectiveRequest({
      rows: [...rows, { ...rows[0]!, subject: 'Математика', blocks: ['communicative'] }],
    });
    const result = CollectiveRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'participants.2.blocks.0',
      'participants.2.subject',
    ]);
    const many = collectiveRequest({
      rows: Array.from({ length: 501 }, (_, i) => ({ ...rows[0]!, email: `t${i}@school.example.ru` })),
    });
    expect(CollectiveRequestSchema.safeParse(many).error!.issues[0]!.path).toEqual(['participants']);
  });
});

describe('leaving awaiting-consents', () => {
  const payload = parsed();
  const at = NOW.toISOString();
  const answered = (states: ('given' | 'declined' | undefined)[]) => ({
    ...payload,
    participants: payload.participants.map((r, i) =>
      states[i] ? { ...r, consent: { state: states[i], at } } : r,
    ),
  });

  it('records each answer and moves on only with the last one, to submitted when one is given', () => {
    const record = state(collective, 'awaiting-consents', answered(['given', 'declined', undefined]));
    const children = consentChildren(['given', 'declined', 'given'], payload);
    const changed = {
      ...state(consent, 'given', { answer: { at, blocks: ['subject'] } }),
      key: payload.participants[2]!.id,
    };
    const decision = collective.onChildrenChanged!(record, children, changed)!;
    expect(decision).toEqual({
      action: 'recordConsent',
      input: { participantId: payload.participants[2]!.id, state: 'given', at, blocks: ['subject'] },
    });
    const to = collective.actions.recordConsent!.to as (c: ActionContext<unknown, never>) => string;
    expect(to(ctx(record, decision.input, { children }))).toBe('submitted');
    const earlier = state(collective, 'awaiting-consents', answered(['given', undefined, undefined]));
    expect(
      to(ctx(earlier, { participantId: payload.participants[1]!.id, state: 'declined', at }, { children })),
    ).toBe('awaiting-consents');
  });

  it('ends cancelled when the last answer leaves no consent given', () => {
    const record = state(collective, 'awaiting-consents', answered(['declined', 'declined', undefined]));
    const to = collective.actions.recordConsent!.to as (c: ActionContext<unknown, never>) => string;
    const children = consentChildren(['declined', 'declined', 'declined'], payload);
    expect(
      to(ctx(record, { participantId: payload.participants[2]!.id, state: 'declined', at }, { children })),
    ).toBe('cancelled');
  });

  it('does not move on while consent records are still being created, even if every created one is answered', () => {
    const record = state(collective, 'awaiting-consents', answered(['given', 'given', undefined]));
    const to = collective.actions.recordConsent!.to as (c: ActionContext<unknown, never>) => string;
    const twoOfThree = consentChildren(['given', 'given'], payload);
    const input = { participantId: payload.participants[2]!.id, state: 'given', at };
    expect(to(ctx(record, input, { children: twoOfThree }))).toBe('awaiting-consents');
    expect(firstViolation(collective, 'finalize', ctx(record, {}, { children: twoOfThree }))?.rule).toBe(
      'consents-not-ready',
    );
    expect(
      firstViolation(
        collective,
        'finalize',
        ctx(record, {}, { children: consentChildren(['given', 'given', 'pending'], payload) }),
      ),
    ).toBeUndefined();
  });

  it('ignores children changing after the request stopped collecting', () => {
    const record = state(collective, 'submitted', answered(['given', 'given', 'given']));
    const changed = { ...state(consent, 'closed', {}), key: payload.participants[0]!.id };
    expect(collective.onChildrenChanged!(record, [], changed)).toBeUndefined();
  });

  it('closes pending consents (and, on withdrawal, given ones) when it stops collecting', () => {
    const record = state(collective, 'submitted', answered(['given', undefined, undefined]));
    const children = consentChildren(['given', 'pending', 'pending'], payload);
    const onSubmitted = collective.stages.submitted!.onEnter!.childActions!(record, children);
    expect(onSubmitted.map((a) => [a.action, (a.input as { reason: string }).reason])).toEqual([
      ['close', 'finalized'],
      ['close', 'finalized'],
    ]);
    expect(collective.stages.withdrawn!.onEnter!.childActions!(record, children)).toHaveLength(3);
  });
});

describe('a consent', () => {
  const payload = {
    ...(consent.schema.parse({
      organization: { name: 'МБОУ «Средняя школа № 33» города Смоленска', municipality: 'город Смоленск' },
      head: {
        person: { lastName: 'Григорьева', firstName: 'Надежда' },
        position: 'Директор',
        email: 'director@school.example.ru',
      },
      period: { from: '2026-12-01', to: '2026-12-18' },
      participantId: 'p1',
      participant: {
        person: { lastName: 'Ковалёва', firstName: 'Ирина' },
        email: 'kovaleva@school.example.ru',
        subject: 'математика',
        blocks: ['subject', 'methodical'],
      },
      personalData: { version: '2025-09-01', text: 'Согласие на обработку персональных данных…' },
    }) as object),
  };
  const pending = state(consent, 'pending', payload);
  const collecting = state(collective, 'awaiting-consents', {});

  it('is answered only while its request collects, and for blocks of its row', () => {
    const give = (input: unknown, parent = collecting) =>
      firstViolation(consent, 'give', ctx(pending, input, { parent }));
    expect(give({ blocks: ['subject'], personalDataConsent: true })).toBeUndefined();
    expect(
      give({ blocks: ['subject'], personalDataConsent: true }, state(collective, 'submitted', {}))?.rule,
    ).toBe('consents-closed');
    expect(give({ blocks: ['subject', 'digital'], personalDataConsent: true })).toMatchObject({
      rule: 'block-not-requested',
      path: 'blocks.1',
    });
    expect(
      firstViolation(consent, 'decline', ctx(pending, {}, { parent: state(collective, 'withdrawn', {}) }))
        ?.rule,
    ).toBe('consents-closed');
  });

  it('keeps the evidence of the answer: time, IP, user agent, link id', () => {
    const apply = consent.actions.give!.apply!;
    const after = apply(
      ctx(
        pending,
        { blocks: ['subject'], personalDataConsent: true },
        { request: { ip: '10.0.0.7', userAgent: 'Firefox', linkId: 'abcdef0123456789' } },
      ),
    ) as { answer: unknown };
    expect(after.answer).toEqual({
      decision: 'given',
      at: NOW.toISOString(),
      blocks: ['subject'],
      personalDataConsent: true,
      personalDataConsentVersion: '2025-09-01',
      evidence: { ip: '10.0.0.7', userAgent: 'Firefox', linkId: 'abcdef0123456789' },
    });
  });

  it('shows results and evidence to its own teacher only (A2 6.3)', () => {
    const withResults = {
      ...payload,
      answer: { decision: 'given', at: NOW.toISOString(), evidence: { ip: '10.0.0.7' } },
      results: { level: 'high' },
    };
    const own = consent.redact!(withResults, {
      party: 'participant',
      email: 'kovaleva@school.example.ru',
    }) as Record<string, unknown>;
    expect(own.results).toEqual({ level: 'high' });
    for (const viewer of [
      { party: 'participant' as const, email: 'other@school.example.ru' },
      { party: 'head' as const, email: 'kovaleva@school.example.ru' },
    ]) {
      const seen = consent.redact!(withResults, viewer) as {
        results?: unknown;
        answer: { evidence: unknown };
      };
      expect(seen.results).toBeUndefined();
      expect(seen.answer.evidence).toEqual({});
    }
  });
});

describe('an individual request', () => {
  it('is due for results 10 working days after the diagnostics, 15 under an order of the Department (A2 5.9.6, 5.10.4)', () => {
    const deadline = individual.stages.conducted!.deadline!;
    const plain = state(individual, 'conducted', { conductedOn: '2026-11-20' });
    const ordered = state(individual, 'conducted', {
      conductedOn: '2026-11-20',
      departmentOrder: { number: '622-ОД', date: '2026-10-01' },
    });
    expect(deadline.workingDays(settings, plain)).toBe(10);
    expect(deadline.workingDays(settings, ordered)).toBe(15);
    expect(deadline.from!(ordered)).toBe('2026-11-20');
  });

  it('shows its results to the participant only: the applicant link, even with the same address, does not see them', () => {
    const payload = { participant: { email: 'lebedeva@school.example.ru' }, results: { level: 'low' } };
    expect(
      (
        individual.redact!(payload, { party: 'participant', email: 'lebedeva@school.example.ru' }) as {
          results?: unknown;
        }
      ).results,
    ).toBeDefined();
    expect(
      (
        individual.redact!(payload, { party: 'applicant', email: 'lebedeva@school.example.ru' }) as {
          results?: unknown;
        }
      ).results,
    ).toBeUndefined();
  });

  it('takes results only for the blocks requested', () => {
    const record = state(individual, 'conducted', { blocks: ['subject', 'methodical'] });
    const results = {
      level: 'low',
      blocks: [{ block: 'subject', level: 'low', score: 21, maxScore: 20 }],
      deficits: [],
      recommendations: [],
    };
    expect(firstViolation(individual, 'issueResults', ctx(record, results))).toMatchObject({
      rule: 'score-above-max',
      path: 'blocks.0.score',
    });
    results.blocks = [{ block: 'digital', level: 'low', score: 1, maxScore: 20 }];
    expect(firstViolation(individual, 'issueResults', ctx(record, results))).toMatchObject({
      rule: 'block-not-requested',
    });
  });
});

describe('email confirmation (DOMAIN.md, instance setting)', () => {
  const confirming = { ...settings, emailConfirmation: true };
  const create = (s: typeof settings) => ({
    payload: {},
    now: NOW,
    settings: s,
    calendar: declarationCalendar(s),
  });

  it.each([
    ['diagnostics-request', 'submitted'],
    ['collective-diagnostics-request', 'awaiting-consents'],
  ])('%s starts unconfirmed only where the instance asks for it', (name, first) => {
    const kind = findKind(name)!;
    const initial = kind.initialStage as (c: ReturnType<typeof create>) => string;
    expect(initial(create(settings))).toBe(first);
    expect(initial(create(confirming))).toBe('unconfirmed');
    expect(kind.actions.confirm).toMatchObject({
      from: ['unconfirmed'],
      by: [{ party: 'applicant' }],
      to: first,
    });
    expect(kind.stages.unconfirmed!.onEnter!.mails).toEqual([
      { template: 'confirm', to: 'applicant', link: { party: 'applicant', actions: ['confirm'] } },
    ]);
    // Gone 72 hours after submission: discarded by the system, kept no days at all.
    const unconfirmed = state(kind, 'unconfirmed', {});
    expect(kind.stages.unconfirmed!.timed!.at(unconfirmed)).toBe('2026-11-26T09:00:00.000Z');
    expect(kind.actions.discard).toMatchObject({ by: ['system'], to: 'discarded' });
    expect(kind.stages.discarded).toMatchObject({ final: true, retainDays: 0 });
  });
});
