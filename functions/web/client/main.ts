/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The pages' one script (bundled by infra/web/client-build.ts; CSP allows scripts only from /assets/). Every page
 * works without it; with it, a form is checked in the browser with the kind's own zod schemas before it is sent,
 * repeatable rows are added and removed in place, choices that depend on another field follow it, and a
 * progress indicator shows while a form is sent or a document is being prepared.
 */
import { findKind } from '../../../forms/registry';
import type { FormPresentation } from '../../core/kind';
import * as z from '../../core/zod-ru';
import { rawFromEntries, readForm } from '../form-data';
import { actionForm, creationForm, type ObjectNode } from '../form-model';

// Zod compiles object parsers with `new Function` when it may; the page's CSP forbids eval, so do not try.
z.config({ jitless: true });

interface FormSetup {
  model: ObjectNode;
  schema: z.ZodType;
}

function setupOf(form: HTMLFormElement): FormSetup | undefined {
  const kind = findKind(form.dataset.kind ?? '');
  if (!kind) return undefined;
  const actionName = form.dataset.action;
  if (!actionName) return { model: creationForm(kind), schema: kind.schema };
  const action = kind.actions[actionName];
  if (!action) return undefined;
  const presentation = form.dataset.presentation
    ? (JSON.parse(form.dataset.presentation) as FormPresentation)
    : undefined;
  return { model: actionForm(kind, actionName, presentation), schema: action.input };
}

function entries(form: HTMLFormElement): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string') out.push([name, value]);
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function cssEscape(value: string): string {
  return typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------------- errors

function clearErrors(form: HTMLFormElement): void {
  for (const el of form.querySelectorAll('.error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  for (const el of form.querySelectorAll<HTMLElement>('[aria-describedby]')) {
    const ids = (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id && !id.endsWith('-error'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  form.querySelector('[data-error-summary]')?.remove();
}

function fieldElement(form: HTMLFormElement, path: string): HTMLElement | undefined {
  const parts = path ? path.split('.') : [];
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join('.');
    const el = form.querySelector<HTMLElement>(`[data-field="${cssEscape(candidate)}"]`);
    if (el && !el.closest('template')) return el;
  }
  return undefined;
}

function controlsOf(el: HTMLElement): HTMLElement[] {
  const name = el.dataset.field ?? '';
  const own = [...el.querySelectorAll<HTMLElement>(`[name="${cssEscape(name)}"]`)].filter(
    (c) => !(c instanceof HTMLButtonElement),
  );
  if (own.length) return own;
  const first = el.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea');
  return first ? [first] : [];
}

function addDescribedBy(el: Element, id: string): void {
  const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) el.setAttribute('aria-describedby', [...ids, id].join(' '));
}

function showErrors(
  form: HTMLFormElement,
  issues: { path: string; message: string }[],
): HTMLElement | undefined {
  clearErrors(form);
  const general: string[] = [];
  const links: { id: string; message: string }[] = [];
  const byElement = new Map<HTMLElement, string[]>();
  for (const issue of issues) {
    const el = fieldElement(form, issue.path);
    if (!el) general.push(issue.message);
    else byElement.set(el, [...(byElement.get(el) ?? []), issue.message]);
  }
  let first: HTMLElement | undefined;
  const ordered = [...byElement.entries()].sort(([a], [b]) =>
    a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
  );
  for (const [el, messages] of ordered) {
    const baseId =
      el.id || `${form.dataset.idPrefix ?? 'f-'}${(el.dataset.field ?? '').replaceAll('.', '-')}`;
    const errorId = `${baseId}-error`;
    const p = document.createElement('p');
    p.className = 'error';
    p.id = errorId;
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = 'Ошибка: ';
    p.append(hidden, messages.join(' '));
    const anchor =
      el.querySelector(':scope > .hint') ??
      el.querySelector(':scope > legend') ??
      el.querySelector(':scope > label');
    if (anchor) anchor.after(p);
    else el.prepend(p);
    el.classList.add('invalid');
    const controls = controlsOf(el);
    const group = el.getAttribute('role') === 'radiogroup';
    if (group) {
      el.setAttribute('aria-invalid', 'true');
      addDescribedBy(el, errorId);
    } else if (el.tagName === 'FIELDSET') {
      addDescribedBy(el, errorId);
    }
    for (const c of controls) {
      if (!group && !(c instanceof HTMLInputElement && c.type === 'radio'))
        c.setAttribute('aria-invalid', 'true');
      if (!group && el.tagName !== 'FIELDSET') addDescribedBy(c, errorId);
    }
    const target = controls[0] ?? el;
    if (!target.id) target.id = `${baseId}-control`;
    for (const message of messages) links.push({ id: target.id, message });
    first ??= target;
  }
  const summary = document.createElement('div');
  summary.className = 'error-summary';
  summary.setAttribute('role', 'alert');
  summary.dataset.errorSummary = '';
  const h = document.createElement('h2');
  h.textContent = 'Проверьте, пожалуйста, заполнение';
  const ul = document.createElement('ul');
  for (const m of general) {
    const li = document.createElement('li');
    li.textContent = m;
    ul.append(li);
  }
  for (const l of links) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#${l.id}`;
    a.textContent = l.message;
    li.append(a);
    ul.append(li);
  }
  summary.append(h, ul);
  form.prepend(summary);
  return first ?? summary;
}

// ------------------------------------------------------------------------------------------------ conditions

function valueOfField(form: HTMLFormElement, name: string): string {
  const controls = form.querySelectorAll<HTMLInputElement | HTMLSelectElement>(`[name="${cssEscape(name)}"]`);
  for (const c of controls) {
    if (c instanceof HTMLInputElement && (c.type === 'radio' || c.type === 'checkbox')) {
      if (c.checked) return c.value;
    } else return c.value;
  }
  return '';
}

function applyConditions(form: HTMLFormElement): void {
  for (const el of form.querySelectorAll<HTMLElement>('[data-when-field]')) {
    const show = valueOfField(form, el.dataset.whenField ?? '') === el.dataset.whenEquals;
    el.hidden = !show;
    if (el instanceof HTMLOptionElement) {
      el.disabled = !show;
      if (!show && el.selected) (el.parentElement as HTMLSelectElement).value = '';
    }
    for (const input of el.querySelectorAll('input')) {
      input.disabled = !show;
      if (!show) input.checked = false;
    }
  }
  for (const note of form.querySelectorAll<HTMLElement>('[data-choices-waiting]')) {
    const group = note.closest('fieldset');
    const conditional = group ? [...group.querySelectorAll<HTMLElement>('[data-when-field]')] : [];
    note.hidden = conditional.length === 0 || conditional.some((o) => !o.hidden);
  }
  for (const el of form.querySelectorAll<HTMLElement>('[data-variant-for]')) {
    el.hidden = valueOfField(form, el.dataset.variantFor ?? '') !== el.dataset.variant;
  }
}

// ------------------------------------------------------------------------------------------------------ rows

function rowsContainer(list: HTMLElement): HTMLElement | null {
  return list.querySelector<HTMLElement>(':scope > [data-rows]');
}

function updateRowButtons(list: HTMLElement): void {
  const rows = rowsContainer(list)?.children.length ?? 0;
  const min = Number(list.dataset.min ?? 0);
  const max = list.dataset.max ? Number(list.dataset.max) : Number.POSITIVE_INFINITY;
  const add = list.querySelector<HTMLButtonElement>(':scope > [data-op=add]');
  if (add) add.hidden = rows >= max;
  for (const row of rowsContainer(list)?.children ?? []) {
    const remove = row.querySelector<HTMLButtonElement>(':scope > [data-op=remove]');
    if (remove) remove.hidden = rows <= min;
  }
}

const DOTTED = ['name', 'data-field', 'data-list', 'value', 'data-variant-for'];
const IDS = ['id', 'for', 'aria-describedby', 'href'];

function rewrite(
  root: Element | DocumentFragment,
  dotted: RegExp,
  dottedTo: string,
  ids: RegExp,
  idsTo: string,
) {
  const all =
    root instanceof Element ? [root, ...root.querySelectorAll('*')] : [...root.querySelectorAll('*')];
  for (const el of all) {
    for (const name of DOTTED) {
      const v = el.getAttribute(name);
      if (v !== null && (name !== 'value' || el.getAttribute('name') === '_op')) {
        el.setAttribute(name, v.replace(dotted, dottedTo));
      }
    }
    for (const name of IDS) {
      const v = el.getAttribute(name);
      if (v !== null) el.setAttribute(name, v.replace(ids, idsTo));
    }
    if (el instanceof HTMLTemplateElement) rewrite(el.content, dotted, dottedTo, ids, idsTo);
  }
}

/** After a removal the rows are numbered 0..n-1 again, names and ids included, as the server expects. */
function renumber(form: HTMLFormElement, list: HTMLElement): void {
  const name = list.dataset.list ?? '';
  const idBase = `${form.dataset.idPrefix ?? 'f-'}${name.replaceAll('.', '-')}`;
  const rows = [...(rowsContainer(list)?.children ?? [])];
  rows.forEach((row, i) => {
    const named = row.querySelector('[name]:not([name="_op"])')?.getAttribute('name') ?? '';
    const m = new RegExp(`^${escapeRe(name)}\\.(\\d+)`).exec(named);
    const from = m ? Number(m[1]) : i;
    if (from !== i) {
      rewrite(
        row,
        new RegExp(`^${escapeRe(name)}\\.${from}(?=\\.|$)`),
        `${name}.${i}`,
        new RegExp(`${escapeRe(idBase)}-${from}(?=-|$|\\s)`, 'g'),
        `${idBase}-${i}`,
      );
    }
    for (const n of row.querySelectorAll(':scope [data-row-number]')) {
      if (n.closest('[data-row]') === row) n.textContent = String(i + 1);
    }
    for (const label of row.querySelectorAll<HTMLLabelElement>(':scope > .field > label')) {
      label.textContent = label.textContent?.replace(/№ \d+/, `№ ${i + 1}`) ?? '';
    }
  });
}

function addRow(form: HTMLFormElement, list: HTMLElement): void {
  const template = list.querySelector<HTMLTemplateElement>(':scope > template[data-row-template]');
  const rows = rowsContainer(list);
  if (!template || !rows) return;
  const depth = list.dataset.depth ?? '0';
  const n = rows.children.length;
  const markup = template.innerHTML
    .replaceAll(`__i${depth}__`, String(n))
    .replaceAll(`__n${depth}__`, String(n + 1));
  rows.insertAdjacentHTML('beforeend', markup);
  const row = rows.lastElementChild;
  updateRowButtons(list);
  applyConditions(form);
  row?.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea')?.focus();
}

function removeRow(form: HTMLFormElement, row: HTMLElement): void {
  const list = row.closest<HTMLElement>('[data-list]');
  if (!list) return;
  const previous = row.previousElementSibling;
  row.remove();
  renumber(form, list);
  updateRowButtons(list);
  const focusTarget =
    previous?.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea') ??
    list.querySelector<HTMLElement>(':scope > [data-op=add]');
  focusTarget?.focus();
}

// -------------------------------------------------------------------------------------------------- progress

function showProgress(container: HTMLElement, text: string): void {
  let status = container.querySelector<HTMLElement>('[data-progress]');
  if (!status) {
    status = document.createElement('div');
    status.className = 'progress';
    status.dataset.progress = '';
    status.setAttribute('role', 'status');
    const bar = document.createElement('progress');
    bar.setAttribute('aria-label', text);
    const label = document.createElement('span');
    status.append(bar, label);
    container.append(status);
  }
  const label = status.querySelector('span');
  if (label) label.textContent = text;
}

// ------------------------------------------------------------------------------------------------------ wiring

function wireForm(form: HTMLFormElement): void {
  const setup = setupOf(form);
  const validate = (): HTMLElement | undefined => {
    if (!setup) return undefined;
    const { issues } = readForm(setup.model, setup.schema, rawFromEntries(entries(form)));
    if (!issues.length) {
      clearErrors(form);
      return undefined;
    }
    return showErrors(form, issues);
  };

  form.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-op]');
    if (!button || !form.contains(button)) return;
    event.preventDefault();
    if (button.dataset.op === 'add') {
      const list = button.closest<HTMLElement>('[data-list]');
      if (list) addRow(form, list);
    } else {
      const row = button.closest<HTMLElement>('[data-row]');
      if (row) removeRow(form, row);
    }
  });
  // Errors are refreshed on submit only: redrawing them when a field loses focus would move the button under a
  // pointer that is just clicking it.
  form.addEventListener('change', () => applyConditions(form));
  form.addEventListener('submit', (event) => {
    const first = validate();
    if (first) {
      event.preventDefault();
      first.focus();
      return;
    }
    const submit = form.querySelector<HTMLButtonElement>('button[type=submit]:not([data-op])');
    showProgress(form, form.dataset.progressText ?? 'Отправляем…');
    // After the browser has taken the form data: a second click must not send it twice.
    setTimeout(() => {
      if (submit) submit.disabled = true;
    }, 0);
  });
  for (const list of form.querySelectorAll<HTMLElement>('[data-list]')) {
    if (!list.closest('template')) updateRowButtons(list);
  }
  applyConditions(form);
  // The server marked the first wrong field with autofocus; keep the focus there after the script loads.
  form.querySelector<HTMLElement>('[autofocus]')?.focus();
}

/** While the documents of a record are being prepared, the page asks for them and reloads when they are ready. */
function awaitDocuments(el: HTMLElement): void {
  const id = el.dataset.recordId;
  const token = el.dataset.linkToken ? decodeURIComponent(location.pathname.split('/')[2] ?? '') : undefined;
  const known = Number(el.dataset.awaitDocuments ?? 0);
  if (!id) return;
  showProgress(el, 'Документы готовятся…');
  let tries = 0;
  const poll = async () => {
    tries++;
    try {
      const response = await fetch(`/v1/submissions/${encodeURIComponent(id)}`, {
        headers: token ? { 'x-link-token': token } : {},
        credentials: 'same-origin',
      });
      if (response.ok) {
        const record = (await response.json()) as { documents?: unknown[] };
        if ((record.documents?.length ?? 0) > known) {
          location.reload();
          return;
        }
      }
    } catch {
      // A network hiccup: try again on the next tick.
    }
    if (tries < 60) setTimeout(poll, 2000);
    else el.querySelector('[data-progress]')?.remove();
  };
  setTimeout(poll, 1500);
}

function start(): void {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-kind]')) wireForm(form);
  for (const el of document.querySelectorAll<HTMLElement>('[data-await-documents]')) awaitDocuments(el);
  for (const form of document.querySelectorAll<HTMLFormElement>(
    'form[data-progress-text]:not([data-kind])',
  )) {
    form.addEventListener('submit', () => showProgress(form, form.dataset.progressText ?? 'Отправляем…'));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
