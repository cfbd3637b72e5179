import type { FieldIssue } from '../core/errors';
import type { FormPresentation, KindDefinition, RecordState } from '../core/kind';
import type { HistoryView, RecordView } from '../core/views';
import { formatDate } from '../documents/templating';
import { type RawObject, rawOf } from './form-data';
import { actionForm, creationForm, type FieldNode, nodeAt, type ObjectNode } from './form-model';
import { errorSummary, FormRenderer, placeIssues } from './form-render';
import { html, type SafeHtml } from './html';
import { PayloadView } from './payload-view';

/**
 * Pieces of the pages that show one record (the party's page by link, the staff record page): the stage as a
 * timeline, the payload as a readable form, and a form for each action the viewer may take, generated from the
 * action's input schema like the submission forms are.
 */

/** Who acted, in the words of the history (DOMAIN.md, "Parties"). */
export const PARTY_TITLES: Record<string, string> = {
  applicant: 'заявитель',
  participant: 'педагог',
  teacher: 'педагог',
  head: 'руководитель организации',
  curator: 'куратор',
  operator: 'региональный оператор диагностики',
  centre: 'ЦНППМ',
  admin: 'администратор',
  system: 'система',
  anonymous: 'заявитель',
};

export interface TimelineEntry {
  title: string;
  when?: string;
  state: 'done' | 'current' | 'next';
  note?: string;
}

/**
 * Stages passed (from the history), the current one with its deadline, then the stages ahead in the order the kind
 * declares them, up to its first final stage.
 */
export function timeline(
  kind: KindDefinition<unknown>,
  record: RecordView,
  history: HistoryView[],
  timeZone: string,
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const moves = history.filter((h) => h.fromStage !== h.toStage || h.action === 'create');
  moves.forEach((h, i) => {
    const last = i === moves.length - 1;
    entries.push({
      title: kind.stages[h.toStage]?.title ?? h.toStage,
      when: formatDate(h.at, timeZone, 'long'),
      state: last && h.toStage === record.stage ? 'current' : 'done',
      note: PARTY_TITLES[h.by.party] ? `Кто: ${PARTY_TITLES[h.by.party]}` : undefined,
    });
  });
  if (!entries.some((e) => e.state === 'current')) {
    entries.push({ title: record.stageTitle, state: 'current' });
  }
  if (!kind.stages[record.stage]?.final) {
    const names = Object.keys(kind.stages);
    for (const name of names.slice(names.indexOf(record.stage) + 1)) {
      const stage = kind.stages[name]!;
      entries.push({ title: stage.title, state: 'next' });
      if (stage.final) break;
    }
  }
  return entries;
}

export function historyRows(kind: KindDefinition<unknown>, history: HistoryView[], timeZone: string) {
  return history.map((h) => ({
    when: formatDate(h.at, timeZone, 'short'),
    time: new Date(h.at).toLocaleTimeString('ru-RU', { timeZone, hour: '2-digit', minute: '2-digit' }),
    action: h.action === 'create' ? 'Создание записи' : (kind.actions[h.action]?.title ?? h.action),
    stage: kind.stages[h.toStage]?.title ?? h.toStage,
    by: `${PARTY_TITLES[h.by.party] ?? h.by.party}${h.by.email ? ` (${h.by.email})` : ''}`,
    comment: h.comment,
  }));
}

export function payloadHtml(kind: KindDefinition<unknown>, payload: unknown, timeZone: string): SafeHtml {
  const view = new PayloadView({ labels: kind.labels ?? {}, enums: kind.enums ?? {} }, timeZone);
  return view.render(creationForm(kind), payload);
}

export interface ActionFormState {
  raw: RawObject;
  issues: FieldIssue[];
  /** A refusal that is about no field (a rule, a version conflict). */
  general?: string[];
}

/**
 * The choices an action's form takes from the record when its kind says nothing of them, by two conventions of
 * DOMAIN.md: a field `<row>Id` points at a row of a list `<row>s` (or `<row>ies`) with ids — a participant, an
 * activity — offered by their names; a free-text field `<x>` offers the values of the record's own list `<x>s`
 * (the blocks a request asked for), by their enumeration labels.
 */
function inferredChoices(
  kind: KindDefinition<unknown>,
  model: ObjectNode,
  payload: unknown,
): NonNullable<FormPresentation['choices']> {
  const lists = new Map<string, unknown[]>();
  const walk = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 4) return;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (Array.isArray(v)) {
        if (!lists.has(key)) lists.set(key, v);
      } else walk(v, depth + 1);
    }
  };
  walk(payload, 0);
  const enums = Object.values(kind.enums ?? {});
  const choices: NonNullable<FormPresentation['choices']> = {};
  const visit = (node: FieldNode, plain: string[]) => {
    const path = [...plain, node.key].filter(Boolean);
    if (node.type === 'object') for (const f of node.fields) visit(f, path);
    else if (node.type === 'list') visit({ ...node.item, key: '' }, path);
    else if (node.type === 'multi') {
      // An answer chooses among what the record offers: the blocks a teacher is asked to consent to.
      const offered = lists.get(node.key);
      if (offered?.length && offered.every((v) => node.options.some((o) => o.value === v))) {
        const labels = Object.fromEntries(node.options.map((o) => [o.value, o.label]));
        choices[path.join('.')] = [
          { options: Object.fromEntries((offered as string[]).map((v) => [v, labels[v]!])) },
        ];
      }
    } else if (node.type === 'input' && node.input === 'text') {
      const row = /^(\w+)Id$/.exec(node.key)?.[1];
      const rows = row ? (lists.get(`${row}s`) ?? lists.get(`${row.replace(/y$/, '')}ies`)) : undefined;
      if (rows?.every((r) => r && typeof r === 'object' && typeof (r as { id?: unknown }).id === 'string')) {
        const options = Object.fromEntries(
          (rows as Record<string, unknown>[]).map((r, i) => [String(r.id), rowTitle(r, i)]),
        );
        if (Object.keys(options).length) choices[path.join('.')] = [{ options }];
        return;
      }
      const values = lists.get(`${node.key}s`);
      const enumOf = (v: string) => enums.find((e) => v in e);
      if (values?.length && values.every((v) => typeof v === 'string' && enumOf(v))) {
        const options = Object.fromEntries((values as string[]).map((v) => [v, enumOf(v)![v]!]));
        choices[path.join('.')] = [{ options }];
      }
    }
  };
  for (const f of model.fields) visit(f, []);
  return choices;
}

/** A row of a list as a person reads it: a name, a title, a subject, its period. */
function rowTitle(row: Record<string, unknown>, index: number): string {
  const person = row.person as { lastName?: string; firstName?: string; middleName?: string } | undefined;
  const name = person ? [person.lastName, person.firstName, person.middleName].filter(Boolean).join(' ') : '';
  const period = row.period as { from?: string; to?: string } | undefined;
  const parts = [
    name,
    typeof row.title === 'string' ? row.title : '',
    typeof row.subject === 'string' ? row.subject : '',
    period?.from && period.to ? `${period.from} — ${period.to}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : `№ ${index + 1}`;
}

/** The model of an action's form for a record: the kind's presentation, completed by the record's own lists. */
export function actionFormOf(kind: KindDefinition<unknown>, state: RecordState<unknown>, actionName: string) {
  const action = kind.actions[actionName];
  const { defaults, ...given } = action?.form?.(state as never) ?? {};
  const inferred = inferredChoices(kind, actionForm(kind, actionName, given), state.payload);
  const shown: FormPresentation = { ...given, choices: { ...inferred, ...given.choices } };
  if (!Object.keys(shown.choices ?? {}).length) delete shown.choices;
  const model = actionForm(kind, actionName, shown);
  // Choices narrowed to what the record offers start ticked: the teacher unticks what they decline.
  const prefilled: Record<string, unknown> = { ...defaults };
  if (model.fields.some((f) => f.type === 'hidden' && f.key === 'baseVersion')) {
    prefilled.baseVersion ??= state.version;
  }
  for (const field of model.fields) {
    if (field.type === 'multi' && inferred[field.key] && prefilled[field.key] === undefined) {
      prefilled[field.key] = field.options.map((o) => o.value);
    }
  }
  return { defaults: prefilled, shown, model };
}

/** One action as a form: its fields from the input schema, prefilled where the kind says, and its button. */
export function actionFormHtml(
  kind: KindDefinition<unknown>,
  state: RecordState<unknown>,
  actionName: string,
  options: { url: string; hidden?: Record<string, string>; current?: ActionFormState },
): SafeHtml {
  const action = kind.actions[actionName];
  if (!action) return html``;
  const { defaults, shown, model } = actionFormOf(kind, state, actionName);
  const raw = options.current?.raw ?? (rawOf(model, defaults ?? {}) as RawObject | undefined) ?? {};
  const placed = placeIssues(model, raw, options.current?.issues ?? []);
  const idPrefix = `a-${actionName}-`;
  const renderer = new FormRenderer({
    idPrefix,
    raw,
    errors: placed.byPath,
    labelOf: (path) => nodeAt(model, path.split('.'))?.label,
  });
  const fields = renderer.render(model);
  const summary = errorSummary([...(options.current?.general ?? []), ...placed.general], renderer.summary);
  const hidden = Object.entries(options.hidden ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  return html`<section class="action${options.current ? ' active' : ''}" id="action-${actionName}" aria-labelledby="action-${actionName}-title">
<h3 id="action-${actionName}-title">${action.title}</h3>
<form method="post" action="${options.url}" novalidate data-kind="${kind.kind}" data-action="${actionName}" data-id-prefix="${idPrefix}"${Object.keys(shown).length ? html` data-presentation="${JSON.stringify(shown)}"` : ''} data-progress-text="Отправляем…">
${summary}${hidden}<div class="fields">${fields}</div><div class="actions"><button type="submit" class="primary">${action.title}</button></div>
</form>
</section>
`;
}

/** Documents the current stage is still preparing for this viewer (the page then waits for them). */
export function documentsPending(
  kind: KindDefinition<unknown>,
  record: RecordView,
  state: RecordState<unknown>,
  party: string | undefined,
): number {
  const expected = kind.stages[record.stage]?.onEnter?.documents ?? [];
  return expected.filter((name) => {
    const doc = kind.documents[name];
    if (!doc || (party && !doc.audience.includes(party as never))) return false;
    if (doc.when && !doc.when(state)) return false;
    return !record.documents.some((d) => d.name === name);
  }).length;
}
