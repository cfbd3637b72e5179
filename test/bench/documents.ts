import { findKind } from '../../forms/registry';
import type { KindDefinition, RecordState } from '../../functions/core/kind';
import { renderDocument, renderTemplateToPdf, templateContext } from '../../functions/documents/render';
import { renderMarkupText } from '../../functions/documents/templating';
import { loadInstance } from '../../infra/instances';
import { collectiveRecord, routeRecord } from './fixtures';

/**
 * The two benchmark documents (issue 3/8): what each engine is given. Ours renders the real templates through the
 * public entry (`renderDocument`); pdfmake gets a docDefinition and Chromium HTML made from the same template
 * context, so all three show the same content.
 */

export type DocId = 'route-card' | 'consent-sheet-300';
export const DOCS: DocId[] = ['route-card', 'consent-sheet-300'];

export const settings = loadInstance('smolensk');

interface Spec {
  kind: string;
  document: string;
  template: string;
  record: () => RecordState<unknown>;
}

const SPECS: Record<DocId, Spec> = {
  'route-card': {
    kind: 'route',
    document: 'route-card',
    template: 'pdf/route/route-card.hbs',
    record: routeRecord,
  },
  'consent-sheet-300': {
    kind: 'collective-diagnostics-request',
    document: 'consent-sheet',
    template: 'pdf/collective-diagnostics-request/consent-sheet.hbs',
    record: () => collectiveRecord(300),
  },
};

const TEACHER_BLOCKS = {
  subject: 'предметный',
  methodical: 'методический',
  psychological: 'психолого-педагогический',
  communicative: 'коммуникативный',
  digital: 'цифровая грамотность и ИКТ',
};

const records = new Map<DocId, RecordState<unknown>>();

/**
 * The record a document is made from, built once per process: it is the input (the outbox reads it from the
 * table), so its construction is not part of any engine's render time.
 */
export function recordOf(doc: DocId): RecordState<unknown> {
  let record = records.get(doc);
  if (!record) {
    record = SPECS[doc].record();
    records.set(doc, record);
  }
  return record;
}

/** The template context of a benchmark document (the kind's own, or a stand-in while the kind is not there). */
export function contextOf(doc: DocId) {
  const spec = SPECS[doc];
  const record = recordOf(doc);
  const kind = findKind(spec.kind) as KindDefinition<unknown> | undefined;
  if (kind?.documents[spec.document]) {
    return {
      ...templateContext(kind, record, settings),
      document: { name: spec.document, title: kind.documents[spec.document]!.title },
    };
  }
  return {
    record,
    payload: record.payload,
    ref: record.number ?? record.id.slice(0, 8),
    kind: { kind: spec.kind, title: spec.kind },
    stageTitle: record.stage,
    settings,
    labels: {},
    enums: { teacherBlock: TEACHER_BLOCKS },
    data: {},
    document: { name: spec.document, title: spec.document },
  };
}

/** Ours: the production entry when the kind declares the document, else the same engine on the template. */
export async function renderOurs(doc: DocId): Promise<Uint8Array> {
  const spec = SPECS[doc];
  const kind = findKind(spec.kind) as KindDefinition<unknown> | undefined;
  if (kind?.documents[spec.document]) return renderDocument(kind, spec.document, recordOf(doc), settings);
  return renderTemplateToPdf(spec.template, contextOf(doc), {
    title: spec.document,
    author: settings.institute.short,
    date: new Date('2026-11-19T12:00:00Z'),
  });
}

/** The template's markup (the HTML Chromium gets is made from it). */
export function markupOf(doc: DocId): Promise<string> {
  return renderMarkupText(SPECS[doc].template, contextOf(doc));
}
