import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { put } from '../../functions/adapters/table';
import type { Caller } from '../../functions/core/caller';
import type { StaffRole } from '../../functions/core/kind';
import { keys, type StoredRecord } from '../../functions/core/model';
import { listRecords, type QueueQuery } from '../../functions/core/records';
import type { RecordView } from '../../functions/core/views';
import { staffAction } from '../support/diagnostics-api';
import { diagnosticsRequest } from '../support/fixtures';
import { internshipApplication } from '../support/internship-fixtures';
import { diagnosticsPayload, type RecordFixture, recordItem } from '../support/records';
import { routeFixture, routeParties } from '../support/routes';
import { api, useStack } from '../support/stack';
import { staffToken } from '../support/staff';

/**
 * The staff queue by deadline (issue 8: "sorted by deadline; overdue marked"): one order across all its pages and
 * all kinds — the earliest exact deadline first, records without a deadline last — read a few records per page,
 * so that any order kept only within a page shows. Every test marks its records with a unique word in the
 * searched text, since the stack is shared with other test files.
 */

const stack = useStack();

function staff(
  roles: StaffRole[],
  email = `${roles[0]}-${randomUUID().slice(0, 8)}@soiro.example.ru`,
): Caller {
  return { type: 'staff', sub: email, email, roles };
}

/** A unique searchable word (letters only, as the search lowercases). */
const uniqueWord = () => `метка${randomUUID().replaceAll('-', '').slice(0, 10)}`;

async function store(
  fixture: RecordFixture,
  searchText: string,
  extra: (r: StoredRecord) => Partial<StoredRecord> = () => ({}),
) {
  const item = recordItem(fixture);
  const record = { ...item, searchText, ...extra(item) };
  await put(record as unknown as Record<string, unknown>);
  return record;
}

/** A route assigned to `curator`, as the engine indexes it (kind.assignee). */
const assignedTo = (curator: string) => (r: StoredRecord) => ({
  assigneePk: keys.assigneePk(curator),
  assigneeSk: `${r.createdAt}#${r.id}`,
});

/** Every page of the queue, `limit` at a time, and how many pages it took. */
async function walk(query: Omit<QueueQuery, 'limit' | 'cursor'>, caller: Caller, limit: number) {
  const items: RecordView[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listRecords({ ...query, order: 'deadline', limit, cursor }, caller);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.cursor;
    pages++;
    expect(pages).toBeLessThan(50);
  } while (cursor);
  return { items, pages };
}

/** The queue's order, stated on the records themselves: deadlines never decrease, none-deadline ones last. */
function expectDeadlineOrder(items: RecordView[]) {
  const withDeadline = items.filter((r) => r.dueAt);
  expect(items.slice(0, withDeadline.length)).toEqual(withDeadline);
  const dues = withDeadline.map((r) => Date.parse(r.dueAt!));
  expect(dues).toEqual([...dues].sort((a, b) => a - b));
  const undated = items.slice(withDeadline.length).map((r) => r.createdAt);
  expect(undated).toEqual([...undated].sort().reverse());
}

const at = (iso: string) => new Date(iso);

describe('the staff queue by deadline', () => {
  it('keeps one order across pages and kinds: earliest deadline first, overdue marked, no deadline last', async () => {
    const word = uniqueWord();
    // Created in an order unrelated to the deadlines, so that "newest first" cannot pass for "by deadline".
    const plan: { kind: string; stage: string; dueAt?: string; created: string }[] = [
      {
        kind: 'diagnostics-request',
        stage: 'submitted',
        dueAt: '2090-05-04T20:59:59.999Z',
        created: '2026-01-01',
      },
      {
        kind: 'internship-application',
        stage: 'submitted',
        dueAt: '2001-03-01T20:59:59.999Z',
        created: '2026-01-02',
      },
      { kind: 'diagnostics-request', stage: 'withdrawn', created: '2026-01-03' },
      {
        kind: 'diagnostics-request',
        stage: 'submitted',
        dueAt: '2001-02-01T20:59:59.999Z',
        created: '2026-01-04',
      },
      {
        kind: 'internship-application',
        stage: 'submitted',
        dueAt: '2090-01-10T20:59:59.999Z',
        created: '2026-01-05',
      },
      {
        kind: 'diagnostics-request',
        stage: 'submitted',
        dueAt: '2090-01-10T20:59:59.999Z',
        created: '2026-01-06',
      },
      { kind: 'internship-application', stage: 'active', created: '2026-01-07' },
      {
        kind: 'diagnostics-request',
        stage: 'submitted',
        dueAt: '2001-01-15T20:59:59.999Z',
        created: '2026-01-08',
      },
      {
        kind: 'internship-application',
        stage: 'submitted',
        dueAt: '2045-06-30T20:59:59.999Z',
        created: '2026-01-09',
      },
    ];
    const stored = [];
    for (const p of plan) {
      const payload = p.kind === 'diagnostics-request' ? diagnosticsPayload() : internshipApplication(1).body;
      stored.push(
        await store({ kind: p.kind, stage: p.stage, payload, dueAt: p.dueAt, at: at(p.created) }, word),
      );
    }
    const admin = staff(['admin']);

    const { items, pages } = await walk({ q: word }, admin, 2);
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(items.map((r) => r.id).sort()).toEqual(stored.map((r) => r.id).sort());
    expectDeadlineOrder(items);
    // Spelled out for this plan: the three overdue (2001) first, then 2045, the two of 10 Jan 2090, 4 May 2090,
    // then the two without a deadline, the newer first.
    expect(items.map((r) => r.dueAt?.slice(0, 10) ?? r.createdAt.slice(0, 10))).toEqual([
      '2001-01-15',
      '2001-02-01',
      '2001-03-01',
      '2045-06-30',
      '2090-01-10',
      '2090-01-10',
      '2090-05-04',
      '2026-01-07',
      '2026-01-03',
    ]);
    expect(items.map((r) => r.overdue)).toEqual([true, true, true, false, false, false, false, false, false]);

    // The same order page by page, whatever the page size.
    for (const limit of [1, 3, 4]) {
      expect((await walk({ q: word }, admin, limit)).items.map((r) => r.id)).toEqual(items.map((r) => r.id));
    }

    // One kind, one stage, only overdue: each is a slice of the same order.
    const diagnostics = await walk({ q: word, kind: 'diagnostics-request' }, admin, 2);
    expect(diagnostics.items.map((r) => r.id)).toEqual(
      items.filter((r) => r.kind === 'diagnostics-request').map((r) => r.id),
    );
    const submitted = await walk({ q: word, kind: 'internship-application', stage: 'submitted' }, admin, 1);
    expect(submitted.items.map((r) => r.id)).toEqual(
      items.filter((r) => r.kind === 'internship-application' && r.stage === 'submitted').map((r) => r.id),
    );
    const overdue = await walk({ q: word, overdue: true }, admin, 2);
    expect(overdue.items.map((r) => r.id)).toEqual(items.slice(0, 3).map((r) => r.id));

    // A role sees only its kinds, in the same order: the centre sees internship applications, the operator not.
    const operator = await walk({ q: word }, staff(['operator']), 2);
    expect(operator.items.map((r) => r.id)).toEqual(
      items.filter((r) => r.kind !== 'internship-application').map((r) => r.id),
    );

    // The API keeps its contract: newest first (API.md), paged the same way.
    const token = await staffToken(stack, ['admin']);
    const newest: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api(
        stack,
        'GET',
        `/v1/submissions?q=${encodeURIComponent(word)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        token,
      );
      expect(res.status).toBe(200);
      newest.push(...res.json.items.map((r: RecordView) => r.createdAt.slice(0, 10)));
      cursor = res.json.cursor;
    } while (cursor);
    expect(newest).toEqual(plan.map((p) => p.created).reverse());
  });

  it('places a record by the deadline the engine gives it, and moves it when an action changes the deadline', async () => {
    const word = uniqueWord();
    const admin = staff(['admin']);
    const early = await store(
      { stage: 'submitted', payload: diagnosticsPayload(), dueAt: '2001-01-01T20:59:59.999Z' },
      word,
    );
    const late = await store(
      { stage: 'submitted', payload: diagnosticsPayload(), dueAt: '2099-01-01T20:59:59.999Z' },
      word,
    );
    const body = diagnosticsRequest();
    body.participant.organization.name = `МБОУ «Средняя школа № 5» ${word}`;
    const created = await api(stack, 'POST', '/v1/submissions/diagnostics-request', body);
    expect(created.status).toBe(201);
    const id = created.json.id as string;

    const before = await walk({ q: word }, admin, 1);
    expect(before.items.map((r) => r.id)).toEqual([early.id, id, late.id]);
    expect(before.items[1]!.dueAt).toBeDefined();

    // Agreeing a date leaves the operator's stage with its deadline: the record goes after every dated one.
    const operator = await staffToken(stack, ['operator']);
    const agreed = await staffAction(stack, operator, id, 'agree', {
      date: '2099-06-01',
      place: 'ГАУ ДПО СОИРО, ауд. 12',
    });
    expect(agreed.status).toBe(200);
    expect(agreed.json.dueAt).toBeUndefined();
    const after = await walk({ q: word }, admin, 1);
    expect(after.items.map((r) => r.id)).toEqual([early.id, late.id, id]);
  });

  it('shows the workspace page in that order, with overdue records marked', async () => {
    const word = uniqueWord();
    const dues = [
      '2090-03-01T20:59:59.999Z',
      undefined,
      '2001-03-01T20:59:59.999Z',
      '2050-03-01T20:59:59.999Z',
    ];
    const stored = [];
    for (const dueAt of dues)
      stored.push(await store({ stage: 'submitted', payload: diagnosticsPayload(), dueAt }, word));
    const { authorization } = await staffToken(stack, ['operator']);
    const res = await fetch(`${stack.appUrl}/staff?q=${encodeURIComponent(word)}`, {
      headers: { cookie: `session=${authorization.replace(/^Bearer /, '')}` },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    const rows = [...html.matchAll(/<tr class="(overdue)?">\s*<td><a href="\/staff\/records\/([^"]+)"/g)];
    expect(rows.map((m) => m[2])).toEqual([stored[2]!.id, stored[3]!.id, stored[0]!.id, stored[1]!.id]);
    expect(rows.map((m) => m[1] === 'overdue')).toEqual([true, false, false, false]);
    expect(html.match(/просрочено/g)?.length).toBe(1);
  });

  it('orders a curator’s own routes by deadline across pages, and nobody else’s', async () => {
    const word = uniqueWord();
    const curator = `curator-${randomUUID().slice(0, 8)}@soiro.example.ru`;
    const other = `curator-${randomUUID().slice(0, 8)}@soiro.example.ru`;
    const dues = [
      '2080-01-01T20:59:59.999Z',
      '2002-01-01T20:59:59.999Z',
      undefined,
      '2040-01-01T20:59:59.999Z',
    ];
    const mine = [];
    for (const [i, dueAt] of dues.entries()) {
      const payload = routeFixture({ parties: { ...routeParties(), curator } });
      const fixture = { kind: 'route', stage: 'active', payload, dueAt, at: at(`2026-02-0${i + 1}`) };
      mine.push(await store(fixture, word, assignedTo(curator)));
    }
    const othersPayload = routeFixture({ parties: { ...routeParties(), curator: other } });
    await store(
      { kind: 'route', stage: 'active', payload: othersPayload, dueAt: '2001-01-01T20:59:59.999Z' },
      word,
      assignedTo(other),
    );

    const { items } = await walk({ q: word }, staff(['curator'], curator), 1);
    expect(items.map((r) => r.id)).toEqual([mine[1]!.id, mine[3]!.id, mine[0]!.id, mine[2]!.id]);
    expect(
      (await walk({ q: word, overdue: true }, staff(['curator'], curator), 1)).items.map((r) => r.id),
    ).toEqual([mine[1]!.id]);
  });
});
