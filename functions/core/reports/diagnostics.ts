import { kinds } from '../../../forms/registry';
import { now as clockNow } from '../../adapters/clock';
import * as table from '../../adapters/table';
import { config } from '../../config';
import type { Caller } from '../caller';
import { stateOf } from '../engine';
import { AppError } from '../errors';
import { keys, type StoredRecord } from '../model';
import { endOfLocalDay } from '../working-days';
import {
  BELOW_THRESHOLD,
  type CountCell,
  HIDDEN,
  type ShownCell,
  type ShownTable,
  SUPPRESSION_THRESHOLD,
  suppressIndependent,
  suppressPartition,
} from './suppression';

/**
 * The analytical note on the diagnostics (A2 6.4): non-personalised aggregates over the results issued in a
 * period — participants, by category, overall level, block and level, subject, municipality, and the most frequent
 * deficits. `GET /v1/reports/diagnostics?from=&to=` for operator, centre and admin; `?format=pdf` is the note.
 *
 * Kinds contribute rows through `reports.diagnostics` (one row per participant's results); this module never sees a
 * name or an address (the row's `personKey` only counts distinct people and never leaves it). Records are read
 * through the queue index of each such kind — a key-condition query up to the end of the period, no scans.
 * No cell describing fewer than 5 people is published, and no published total lets one subtract to a hidden cell
 * (see suppression.ts).
 */

export const REPORT_NAME = 'diagnostics';

/** One participant's results, as a kind hands them to the report. */
export interface DiagnosticsObservation {
  /** Distinguishes people (a lower-cased email); used for counting only. */
  personKey: string;
  /** The day the results were issued (instance's time zone). */
  issuedOn: string;
  municipality: string;
  category: string;
  categoryLabel: string;
  subject?: string;
  level: string;
  levelLabel: string;
  blocks: { block: string; label: string; level: string; levelLabel: string }[];
  deficits: { code: string; title: string }[];
}

export interface ReportQuery {
  from: string;
  to: string;
}

export interface ShownTotal {
  count?: number;
  display: string;
  suppressed?: true;
}

export interface BlockRow {
  block: string;
  label: string;
  total: ShownTotal;
  levels: ShownTable;
}

export interface DiagnosticsReport {
  title: string;
  period: ReportQuery;
  generatedAt: string;
  threshold: number;
  /** Fewer than `threshold` people in the period: nothing but this is published. */
  suppressed: boolean;
  participants: ShownTotal;
  byCategory: ShownTable;
  byLevel: ShownTable;
  byMunicipality: ShownTable;
  bySubject: ShownTable;
  byBlock: BlockRow[];
  topDeficits: ShownCell[];
  notes: string[];
}

const TITLE = 'Аналитическая справка по результатам диагностики профессиональных дефицитов';
const TOP_DEFICITS = 10;
const NO_SUBJECT = 'без предмета';
const LEVEL_ORDER = ['high', 'medium', 'low'];

const NOTES = [
  'Справка содержит только обобщённые (неперсонифицированные) сведения (п. 6.4 Положения о диагностике).',
  `«${BELOW_THRESHOLD}» — значение скрыто, так как описывает менее ${SUPPRESSION_THRESHOLD} человек; «скрыто» — значение скрыто дополнительно, чтобы скрытые значения нельзя было вычислить из итогов.`,
  'Участник, прошедший диагностику по двум предметам, учитывается по каждому предмету.',
];

function assertStaff(caller: Caller): void {
  if (caller.type === 'anonymous') throw new AppError('unauthenticated', 'Войдите, чтобы открыть отчёт');
  const allowed =
    caller.type === 'staff' && caller.roles.some((r) => r === 'operator' || r === 'centre' || r === 'admin');
  if (!allowed) throw new AppError('forbidden', 'Отчёт доступен оператору диагностики и специалистам центра');
}

/** Every contributed row whose results were issued in the period. */
async function observations(query: ReportQuery): Promise<DiagnosticsObservation[]> {
  const settings = config().instance;
  // A record's results come after it was created: records created after the period cannot count.
  const upTo = `${endOfLocalDay(query.to, settings.timeZone)}#\uffff`;
  const rows: DiagnosticsObservation[] = [];
  for (const kind of kinds) {
    const contribute = kind.reports?.[REPORT_NAME];
    if (!contribute) continue;
    const records = (await table.queryAll({
      index: 'queue',
      partition: keys.queuePk(kind.kind),
      sort: { lte: upTo },
    })) as unknown as StoredRecord[];
    for (const record of records) {
      for (const row of contribute(stateOf(record)) as DiagnosticsObservation[]) {
        if (row.issuedOn >= query.from && row.issuedOn <= query.to) rows.push(row);
      }
    }
  }
  return rows;
}

function cellsBy(
  rows: DiagnosticsObservation[],
  keyOf: (r: DiagnosticsObservation) => { key: string; label: string },
  order?: string[],
): CountCell[] {
  const cells = new Map<string, { label: string; count: number; people: Set<string> }>();
  for (const row of rows) {
    const { key, label } = keyOf(row);
    const cell = cells.get(key) ?? { label, count: 0, people: new Set<string>() };
    cell.count += 1;
    cell.people.add(row.personKey);
    cells.set(key, cell);
  }
  const list = [...cells.entries()].map(([key, c]) => ({
    key,
    label: c.label,
    count: c.count,
    people: c.people.size,
  }));
  return order
    ? list.sort((a, b) => rank(order, a.key) - rank(order, b.key))
    : list.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'ru'));
}

function rank(order: string[], key: string): number {
  const i = order.indexOf(key);
  return i === -1 ? order.length : i;
}

function total(count: number, people: number): ShownTotal {
  return count < SUPPRESSION_THRESHOLD || people < SUPPRESSION_THRESHOLD
    ? { display: BELOW_THRESHOLD, suppressed: true }
    : { count, display: String(count) };
}

/** The aggregates of a period, suppressed (pure: exposed for unit tests). */
export function aggregate(
  rows: DiagnosticsObservation[],
  query: ReportQuery,
  generatedAt: string,
): DiagnosticsReport {
  const people = new Set(rows.map((r) => r.personKey)).size;
  const participants = total(rows.length, people);
  const empty: ShownTable = { cells: [] };
  const base = {
    title: TITLE,
    period: query,
    generatedAt,
    threshold: SUPPRESSION_THRESHOLD,
    participants,
    notes: NOTES,
  };
  if (participants.suppressed) {
    return {
      ...base,
      suppressed: true,
      byCategory: empty,
      byLevel: empty,
      byMunicipality: empty,
      bySubject: empty,
      byBlock: [],
      topDeficits: [],
    };
  }
  const blocks = new Map<string, string>();
  for (const r of rows) for (const b of r.blocks) blocks.set(b.block, b.label);
  const byBlock = [...blocks.entries()].map(([block, label]): BlockRow => {
    const inBlock = rows.flatMap((r) =>
      r.blocks
        .filter((b) => b.block === block)
        .map((b) => ({ row: r, level: b.level, levelLabel: b.levelLabel })),
    );
    const rowTotal = total(inBlock.length, new Set(inBlock.map((x) => x.row.personKey)).size);
    const levels = rowTotal.suppressed
      ? { cells: [] }
      : suppressPartition(
          cellsBy(
            inBlock.map((x) => ({ ...x.row, level: x.level, levelLabel: x.levelLabel })),
            (r) => ({ key: r.level, label: r.levelLabel }),
            LEVEL_ORDER,
          ),
        );
    return { block, label, total: rowTotal, levels };
  });
  const deficitCells = new Map<string, { title: string; rows: DiagnosticsObservation[] }>();
  for (const r of rows) {
    for (const d of r.deficits) {
      const entry = deficitCells.get(d.code) ?? { title: d.title, rows: [] };
      entry.rows.push(r);
      deficitCells.set(d.code, entry);
    }
  }
  const topDeficits = suppressIndependent(
    [...deficitCells.entries()].map(([code, d]) => ({
      key: code,
      label: d.title,
      count: d.rows.length,
      people: new Set(d.rows.map((r) => r.personKey)).size,
    })),
  )
    // A rare deficit is not even named: only the frequent ones are listed.
    .filter((c) => !c.suppressed)
    .sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.key.localeCompare(b.key, 'ru'))
    .slice(0, TOP_DEFICITS);
  return {
    ...base,
    suppressed: false,
    byCategory: suppressPartition(cellsBy(rows, (r) => ({ key: r.category, label: r.categoryLabel }))),
    byLevel: suppressPartition(cellsBy(rows, (r) => ({ key: r.level, label: r.levelLabel }), LEVEL_ORDER)),
    byMunicipality: suppressPartition(cellsBy(rows, (r) => ({ key: r.municipality, label: r.municipality }))),
    bySubject: suppressPartition(
      cellsBy(rows, (r) => ({ key: r.subject ?? NO_SUBJECT, label: r.subject ?? NO_SUBJECT })),
    ),
    byBlock,
    topDeficits,
  };
}

export async function diagnosticsReport(query: ReportQuery, caller: Caller): Promise<DiagnosticsReport> {
  assertStaff(caller);
  return aggregate(await observations(query), query, clockNow().toISOString());
}

/** `?format=pdf`: the analytical note, with the same figures as the JSON. */
export async function diagnosticsReportPdf(
  query: ReportQuery,
  caller: Caller,
): Promise<{ bytes: Uint8Array; fileName: string }> {
  const report = await diagnosticsReport(query, caller);
  const settings = config().instance;
  // The PDF engine loads with the first PDF: most calls want JSON or a page, and a cold start should not pay
  // for pdf-lib and the templates (test/bench/functions.ts measures the import).
  const { renderTemplateToPdf } = await import('../../documents/render');
  const bytes = await renderTemplateToPdf(
    'pdf/reports/diagnostics.hbs',
    { report, settings, charts: chartsOf(report), blockRows: blockRowsOf(report) },
    { title: TITLE, author: `${settings.centre.short} ${settings.institute.short}`, date: clockNow() },
  );
  return { bytes, fileName: `Аналитическая справка ${query.from} — ${query.to}` };
}

/** The block × level table of the note: what each cell shows ("—" for a level nobody has). */
export function blockRowsOf(report: DiagnosticsReport) {
  return report.byBlock.map((row) => {
    const shown = (level: string) => {
      if (row.total.suppressed) return '—';
      if (row.levels.withheld) return HIDDEN;
      return row.levels.cells.find((c) => c.key === level)?.display ?? '0';
    };
    return {
      label: row.label,
      total: row.total.display,
      high: shown('high'),
      medium: shown('medium'),
      low: shown('low'),
    };
  });
}

/** Bars only for published cells: a hidden value has no bar, so a chart cannot reveal it. */
function chartsOf(report: DiagnosticsReport) {
  const bars = (table: ShownTable) =>
    table.cells.filter((c) => c.count !== undefined).map((c) => ({ label: c.label, value: c.count }));
  return {
    byLevel: bars(report.byLevel),
    byMunicipality: bars(report.byMunicipality),
    bySubject: bars(report.bySubject),
    topDeficits: report.topDeficits.map((c) => ({ label: c.key, value: c.count })),
  };
}
