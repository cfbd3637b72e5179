import type { InstanceSettings } from '../core/instance-settings';
import type { KindDefinition, RecordState } from '../core/kind';
import { textToPdf } from './pdf';
import { renderTemplate } from './templating';

/**
 * Documents of a record: `templates/pdf/<kind>/<template>.hbs` → plain text (handlebars) → PDF (A4, GOST margins).
 * A simple renderer for now; the HTML-subset layout engine replaces the text step later with the same signature.
 */

/** How a document refers to its record when the kind has no registration number. */
export function recordReference(record: Pick<RecordState, 'id' | 'number'>): string {
  return record.number ?? record.id.slice(0, 8);
}

/** What every template sees: the record, its payload, the kind's labels and enumerations, the instance. */
export function templateContext(
  kind: KindDefinition<unknown>,
  record: RecordState<unknown>,
  settings: InstanceSettings,
) {
  return {
    record,
    payload: record.payload,
    ref: recordReference(record),
    kind: { kind: kind.kind, title: kind.title },
    stageTitle: kind.stages[record.stage]?.title ?? record.stage,
    settings,
    labels: kind.labels ?? {},
    enums: kind.enums ?? {},
  };
}

/** The text of a document, before drawing (exposed for tests and previews). */
export async function renderDocumentText(
  kind: KindDefinition<unknown>,
  docName: string,
  record: RecordState<unknown>,
  settings: InstanceSettings,
): Promise<string> {
  const definition = kind.documents[docName];
  if (!definition) throw new Error(`Document ${docName} is not declared by ${kind.kind}`);
  return renderTemplate(`pdf/${kind.kind}/${definition.template}.hbs`, {
    ...templateContext(kind, record, settings),
    document: { name: docName, title: definition.title },
  });
}

export async function renderDocument(
  kind: KindDefinition<unknown>,
  docName: string,
  record: RecordState<unknown>,
  settings: InstanceSettings,
): Promise<Uint8Array> {
  const text = await renderDocumentText(kind, docName, record, settings);
  return textToPdf(text, {
    title: kind.documents[docName]?.title ?? docName,
    author: `${settings.centre.short} ${settings.institute.short}`,
    date: new Date(record.updatedAt),
  });
}
