/**
 * Small-cell suppression for non-personalised reports (A2 6.4; DOMAIN.md: no cell of an aggregate may describe
 * fewer than 5 people). Pure.
 *
 * A table whose cells split a published total (participants by municipality) is protected in three steps:
 *   1. primary: every cell describing fewer than `threshold` people (or counting fewer than `threshold`) is hidden
 *      and shown as "< 5";
 *   2. complementary: while the hidden cells could be recovered from the total — one hidden cell alone (total minus
 *      the visible ones), hidden cells together under the threshold, or any hidden cell whose value the total and
 *      the bounds the markers imply ("< 5" means 1..4, a complementary cell means at least 5) pin to one number —
 *      the smallest visible cell is hidden as well, shown as "скрыто";
 *   3. when no visible cell is left and a value could still be pinned, every hidden cell is shown alike
 *      ("скрыто"), and if even that pins them (all ones), the table's rows are withheld altogether.
 * Zero cells are left out: they describe nobody.
 */

export const SUPPRESSION_THRESHOLD = 5;

export interface CountCell {
  key: string;
  label: string;
  /** What the cell shows: participants (results) in it. */
  count: number;
  /** Distinct people behind the count (a teacher diagnosed in two subjects is one person). */
  people: number;
}

export interface ShownCell {
  key: string;
  label: string;
  /** Present only when the cell is published. */
  count?: number;
  /** What a reader sees: the number, "< 5" or "скрыто". */
  display: string;
  suppressed?: true;
}

export interface ShownTable {
  cells: ShownCell[];
  /** The rows are withheld altogether (step 3). */
  withheld?: true;
}

export const BELOW_THRESHOLD = '< 5';
export const HIDDEN = 'скрыто';

type Mark = 'visible' | 'primary' | 'complementary' | 'neutral';

interface Bounds {
  lo: number;
  hi: number;
}

function bounds(mark: Mark, threshold: number, cell: CountCell): Bounds {
  // "< 5" speaks of people; when the count itself is at or above the threshold (one person with several
  // results) the marker bounds nothing but the minimum.
  if (mark === 'primary')
    return { lo: 1, hi: cell.count < threshold ? threshold - 1 : Number.POSITIVE_INFINITY };
  if (mark === 'complementary') return { lo: threshold, hi: Number.POSITIVE_INFINITY };
  return { lo: 1, hi: Number.POSITIVE_INFINITY };
}

/** Whether some hidden cell's value follows from the hidden sum and the others' bounds. */
function pinned(hidden: { bounds: Bounds }[], sum: number): boolean {
  return hidden.some((h, i) => {
    let othersLo = 0;
    let othersHi = 0;
    hidden.forEach((o, j) => {
      if (j === i) return;
      othersLo += o.bounds.lo;
      othersHi += o.bounds.hi;
    });
    const lower = Math.max(h.bounds.lo, sum - othersHi);
    const upper = Math.min(h.bounds.hi, sum - othersLo);
    return lower >= upper;
  });
}

function isSmall(cell: CountCell, threshold: number): boolean {
  return cell.count < threshold || cell.people < threshold;
}

/** Suppress a table whose cells add up to a total that is published elsewhere. */
export function suppressPartition(cells: CountCell[], threshold = SUPPRESSION_THRESHOLD): ShownTable {
  const nonZero = cells.filter((c) => c.count > 0);
  const marks = new Map<string, Mark>(
    nonZero.map((c) => [c.key, isSmall(c, threshold) ? 'primary' : 'visible']),
  );
  const hiddenCells = () => nonZero.filter((c) => marks.get(c.key) !== 'visible');
  const unsafe = () => {
    const hidden = hiddenCells();
    if (hidden.length === 0) return false;
    const sum = hidden.reduce((a, c) => a + c.count, 0);
    if (hidden.length === 1 || sum < threshold) return true;
    return pinned(
      hidden.map((c) => ({ bounds: bounds(marks.get(c.key)!, threshold, c) })),
      sum,
    );
  };
  while (unsafe()) {
    const next = nonZero
      .filter((c) => marks.get(c.key) === 'visible')
      .sort((a, b) => a.count - b.count || (a.key < b.key ? -1 : 1))[0];
    if (!next) break;
    marks.set(next.key, 'complementary');
  }
  let withheld = false;
  if (unsafe()) {
    for (const c of hiddenCells()) marks.set(c.key, 'neutral');
    if (unsafe()) withheld = true;
  }
  if (withheld) return { cells: [], withheld: true };
  return { cells: nonZero.map((c) => show(c, marks.get(c.key)!)) };
}

/** Suppress cells that add up to no published total (the most frequent deficits): primary suppression only. */
export function suppressIndependent(cells: CountCell[], threshold = SUPPRESSION_THRESHOLD): ShownCell[] {
  return cells.filter((c) => c.count > 0).map((c) => show(c, isSmall(c, threshold) ? 'primary' : 'visible'));
}

function show(cell: CountCell, mark: Mark): ShownCell {
  if (mark === 'visible')
    return { key: cell.key, label: cell.label, count: cell.count, display: String(cell.count) };
  return {
    key: cell.key,
    label: cell.label,
    display: mark === 'primary' ? BELOW_THRESHOLD : HIDDEN,
    suppressed: true,
  };
}
