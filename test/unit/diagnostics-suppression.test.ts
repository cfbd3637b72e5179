import { describe, expect, it } from 'vitest';
import { aggregate, type DiagnosticsObservation } from '../../functions/core/reports/diagnostics';
import {
  type CountCell,
  type ShownTable,
  suppressIndependent,
  suppressPartition,
} from '../../functions/core/reports/suppression';

/**
 * Small-cell suppression of the analytical note (A2 6.4; DOMAIN.md: no cell may describe fewer than 5 people). The
 * property that matters is checked by brute force: knowing the published cells, the total and what the markers
 * mean, an attacker can pin no hidden cell to a single value.
 */

const cells = (...counts: number[]): CountCell[] =>
  counts.map((count, i) => ({ key: `m${i}`, label: `Район ${i}`, count, people: count }));

/** Every value each hidden cell can take, given the total and the markers ("< 5" = 1..4; "скрыто" = 5+ beside a "< 5"). */
function possibleValues(shown: ShownTable, total: number): Map<string, Set<number>> {
  const hidden = shown.cells.filter((c) => c.suppressed);
  const hasBelow = hidden.some((c) => c.display === '< 5');
  const visible = shown.cells.reduce((a, c) => a + (c.count ?? 0), 0);
  const rest = total - visible;
  const ranges = hidden.map((c) => (c.display === '< 5' ? [1, 4] : hasBelow ? [5, rest] : [1, rest])) as [
    number,
    number,
  ][];
  const values = new Map(hidden.map((c) => [c.key, new Set<number>()]));
  const walk = (i: number, sum: number, chosen: number[]) => {
    if (i === hidden.length) {
      if (sum === rest) {
        for (const [j, v] of chosen.entries()) values.get(hidden[j]!.key)!.add(v);
      }
      return;
    }
    const [lo, hi] = ranges[i]!;
    for (let v = lo; v <= Math.min(hi, rest - sum); v++) walk(i + 1, sum + v, [...chosen, v]);
  };
  walk(0, 0, []);
  return values;
}

function assertProtected(input: number[]): void {
  const total = input.reduce((a, b) => a + b, 0);
  const shown = suppressPartition(cells(...input));
  if (shown.withheld) return;
  for (const c of shown.cells) {
    if (c.count !== undefined) expect(c.count, `${input}: a published cell`).toBeGreaterThanOrEqual(5);
  }
  for (const [key, values] of possibleValues(shown, total)) {
    expect(values.size, `${input}: ${key} can be recovered`).toBeGreaterThan(1);
  }
  const hidden = shown.cells.filter((c) => c.suppressed);
  expect(hidden.length, `${input}: one hidden cell alone`).not.toBe(1);
}

describe('suppression of a table that adds up to a published total', () => {
  it('7 and 3: the 3 is "< 5" and the 7 is hidden as well, so 10 − 7 gives nothing back', () => {
    expect(suppressPartition(cells(7, 3)).cells).toEqual([
      { key: 'm0', label: 'Район 0', display: 'скрыто', suppressed: true },
      { key: 'm1', label: 'Район 1', display: '< 5', suppressed: true },
    ]);
  });

  it('publishes a table without small cells as it is, and leaves out empty cells', () => {
    expect(suppressPartition(cells(12, 0, 5)).cells.map((c) => c.display)).toEqual(['12', '5']);
  });

  it('hides the smallest published cell next to a lone small one, not the largest', () => {
    const shown = suppressPartition(cells(40, 6, 2)).cells.map((c) => c.display);
    expect(shown).toEqual(['40', 'скрыто', '< 5']);
  });

  it('hides more while the hidden cells together describe fewer than 5 people', () => {
    expect(suppressPartition(cells(20, 2, 2)).cells.map((c) => c.display)).toEqual(['скрыто', '< 5', '< 5']);
  });

  it('5 and 1: the markers would pin them (1 + 5 = 6), so both are shown alike', () => {
    expect(suppressPartition(cells(5, 1)).cells.map((c) => c.display)).toEqual(['скрыто', 'скрыто']);
  });

  it('withholds the rows when even alike markers pin them (five districts of one person each)', () => {
    expect(suppressPartition(cells(1, 1, 1, 1, 1))).toEqual({ cells: [], withheld: true });
  });

  it('counts people, not results: 6 results of 4 teachers are hidden', () => {
    const shown = suppressPartition([
      { key: 'a', label: 'A', count: 6, people: 4 },
      { key: 'b', label: 'B', count: 30, people: 30 },
    ]);
    expect(shown.cells.map((c) => c.display)).toEqual(['< 5', 'скрыто']);
  });

  it('never lets a hidden cell be recovered, over many tables', () => {
    let seed = 20_260_222;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 400; n++) {
      const size = 1 + Math.floor(random() * 5);
      const input = Array.from({ length: size }, () => Math.floor(random() * (random() < 0.5 ? 6 : 25)));
      assertProtected(input);
    }
  });

  it('cells that add up to nothing are suppressed one by one', () => {
    expect(suppressIndependent(cells(12, 4, 0)).map((c) => c.display)).toEqual(['12', '< 5']);
  });
});

describe('the aggregates of the analytical note', () => {
  const observation = (i: number, municipality: string, subject: string): DiagnosticsObservation => ({
    personKey: `teacher-${i}@school.example.ru`,
    issuedOn: '2026-12-10',
    municipality,
    category: 'teacher',
    categoryLabel: 'педагогические работники',
    subject,
    level: i % 2 ? 'medium' : 'high',
    levelLabel: i % 2 ? 'средний' : 'высокий',
    blocks: [{ block: 'subject', label: 'предметный', level: 'low', levelLabel: 'низкий' }],
    deficits: [
      { code: 'ПД-1.2', title: 'Проектирование урока' },
      ...(i < 3 ? [{ code: 'ЦД-4.1', title: 'ЦОР' }] : []),
    ],
  });
  const rows = [
    ...Array.from({ length: 7 }, (_, i) => observation(i, 'Вяземский район', 'математика')),
    ...Array.from({ length: 3 }, (_, i) => observation(10 + i, 'Гагаринский район', 'математика')),
  ];
  const report = aggregate(rows, { from: '2026-12-01', to: '2026-12-31' }, '2026-12-31T12:00:00.000Z');

  it('hides the municipality of 3 and the one of 7 beside it; publishes what describes 5 or more', () => {
    expect(report.participants).toEqual({ count: 10, display: '10' });
    expect(report.byMunicipality.cells.map((c) => [c.label, c.display])).toEqual([
      ['Вяземский район', 'скрыто'],
      ['Гагаринский район', '< 5'],
    ]);
    expect(report.bySubject.cells).toEqual([
      { key: 'математика', label: 'математика', count: 10, display: '10' },
    ]);
    // 6 high and 4 medium: the 4 is hidden, and the 6 with it.
    expect(report.byLevel.cells.map((c) => c.display)).toEqual(['скрыто', '< 5']);
  });

  it('names only deficits found in at least 5 people, and never a person', () => {
    expect(report.topDeficits.map((c) => c.key)).toEqual(['ПД-1.2']);
    expect(JSON.stringify(report)).not.toContain('@school');
  });

  it('publishes nothing but the marker when fewer than 5 people took part', () => {
    const small = aggregate(
      rows.slice(0, 4),
      { from: '2026-12-01', to: '2026-12-31' },
      '2026-12-31T12:00:00.000Z',
    );
    expect(small.suppressed).toBe(true);
    expect(small.participants).toEqual({ display: '< 5', suppressed: true });
    expect(small.byMunicipality.cells).toEqual([]);
    expect(small.topDeficits).toEqual([]);
  });

  it('counts a teacher diagnosed in two subjects once among the people of a cell', () => {
    const twice = [
      ...Array.from({ length: 4 }, (_, i) => observation(i, 'город Смоленск', 'физика')),
      { ...observation(0, 'город Смоленск', 'информатика') },
    ];
    const result = aggregate(twice, { from: '2026-12-01', to: '2026-12-31' }, '2026-12-31T12:00:00.000Z');
    // 5 results, 4 people: below the threshold.
    expect(result.suppressed).toBe(true);
  });
});
