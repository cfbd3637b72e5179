import { describe, expect, it } from 'vitest';
import { PersonSchema } from '../../forms/common/types';
import { kinds } from '../../forms/registry';
import * as z from '../../functions/core/zod-ru';
import {
  applyRowOperation,
  entriesFromUrlEncoded,
  formValue,
  rawFromEntries,
  rawOf,
  readForm,
} from '../../functions/web/form-data';
import {
  actionForm,
  creationForm,
  type FieldNode,
  formModel,
  type ObjectNode,
} from '../../functions/web/form-model';
import { FormRenderer, placeIssues } from '../../functions/web/form-render';
import { escapeHtml, html } from '../../functions/web/html';
import { entriesOf } from '../support/form-entries';

/** The web forms are generated from the kinds' schemas: models, reading posted forms, messages, markup. */

function leaves(node: FieldNode, out: FieldNode[] = []): FieldNode[] {
  if (node.type === 'object') for (const f of node.fields) leaves(f, out);
  else if (node.type === 'list') leaves(node.item, out);
  else if (node.type === 'union') {
    out.push(node);
    for (const v of node.variants) for (const f of v.fields) leaves(f, out);
  } else out.push(node);
  return out;
}

function render(model: ObjectNode, raw = {}, issues: { path: string; message: string }[] = []) {
  const placed = placeIssues(model, raw, issues);
  const renderer = new FormRenderer({
    idPrefix: 'f-',
    raw,
    errors: placed.byPath,
    defaultConsentText: 'Текст',
  });
  return { html: renderer.render(model).value, renderer, general: placed.general };
}

const publicKinds = kinds.filter((k) => k.createdBy === 'public');

describe('form models from the kinds', () => {
  it('gives every field of every public form a Russian label, and enumerations their Russian options', () => {
    expect(publicKinds.length).toBeGreaterThan(0);
    for (const kind of publicKinds) {
      const model = creationForm(kind);
      for (const leaf of leaves(model)) {
        if (leaf.type === 'hidden' || leaf.type === 'const') continue;
        expect(leaf.label, `${kind.kind}: ${leaf.pattern}`).toMatch(/[А-Яа-яЁё]/);
        if (leaf.type === 'enum' || leaf.type === 'multi') {
          for (const o of leaf.options)
            expect(o.label, `${kind.kind}: ${leaf.pattern}=${o.value}`).toMatch(/[А-Яа-яЁё]/);
        }
      }
    }
  });

  it('labels in Russian every field of every action a person takes, and renders each action form', () => {
    for (const kind of kinds) {
      for (const [name, action] of Object.entries(kind.actions)) {
        if (action.by.every((who) => who === 'system')) continue;
        const model = actionForm(kind, name);
        for (const leaf of leaves(model)) {
          if (leaf.type === 'hidden' || leaf.type === 'const') continue;
          expect(leaf.label, `${kind.kind}.${name}: ${leaf.pattern}`).toMatch(/[А-Яа-яЁё]/);
          const options = leaf.type === 'union' ? leaf.variants : leaf.type === 'enum' ? leaf.options : [];
          for (const o of options)
            expect(o.label, `${kind.kind}.${name}: ${leaf.pattern}=${o.value}`).toMatch(/[А-Яа-яЁё]/);
        }
        const out = render(model).html;
        const ids = [
          ...out.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"/g),
        ].map((m) => m[1]!);
        for (const id of ids) expect(out, `${kind.kind}.${name}: label for ${id}`).toContain(`for="${id}"`);
      }
    }
  });

  it('adds a field added to a schema to the page, with no markup written for it', () => {
    const base = z.strictObject({ person: PersonSchema });
    const extended = base.extend({ snils: z.string().trim().min(1).meta({ title: 'СНИЛС' }) });
    const before = render(formModel(base, {})).html;
    const after = render(formModel(extended, {})).html;
    expect(before).not.toContain('name="snils"');
    expect(after).toMatch(
      /<label for="f-snils">СНИЛС<\/label>[\s\S]*<input type="text" id="f-snils" name="snils"/,
    );
  });

  it('makes lists of objects repeatable rows, enumerations radios or selects, lists of choices checkboxes', () => {
    const schema = z.strictObject({
      level: z.enum(['high', 'low']),
      tags: z.array(z.enum(['a', 'b', 'c', 'd', 'e', 'f'])).min(1),
      rows: z
        .array(z.strictObject({ email: z.string(), phone: z.string().optional() }))
        .min(2)
        .max(3),
      when: z.iso.date(),
      agree: z.literal(true),
    });
    const model = formModel(schema, {
      labels: { level: 'Уровень', tags: 'Метки', rows: 'Строки', when: 'Когда', agree: 'Согласие' },
      enums: { level: { high: 'высокий', low: 'низкий' } },
    });
    const { html: out } = render(model);
    expect(out).toContain('role="radiogroup"');
    expect(out).toContain('<label for="f-level-0">высокий</label>');
    expect(out.match(/type="checkbox" id="f-tags-\d"/g)).toHaveLength(6);
    // Two rows (the minimum), a template for a third, and the add button that works without scripts too.
    expect(out).toContain('name="rows.1.email"');
    expect(out).not.toContain('name="rows.2.email"');
    expect(out).toContain('name="rows.__i0__.email"');
    expect(out).toContain('value="add:rows"');
    expect(out).toContain('type="email" id="f-rows-0-email"');
    expect(out).toContain('type="tel" id="f-rows-0-phone"');
    expect(out).toContain('type="date" id="f-when"');
    expect(out).toMatch(/<div class="consent-text" id="f-agree-text"><p>Текст<\/p><\/div>/);
  });

  it('offers choices that follow another field, and carries a consent edition and row ids hidden', () => {
    const schema = z.strictObject({
      category: z.enum(['teacher', 'manager']),
      blocks: z.array(z.string()).min(1),
      rows: z.array(z.strictObject({ id: z.string().optional(), name: z.string() })).min(1),
      personalDataConsent: z.literal(true),
      personalDataConsentVersion: z.string().default('2025-09-01'),
    });
    const model = formModel(schema, {
      enums: { teacherBlock: { subject: 'предметный' }, managerBlock: { staff: 'управление кадрами' } },
      presentation: {
        choices: {
          blocks: [
            { options: 'teacherBlock', when: { field: 'category', equals: 'teacher' } },
            { options: 'managerBlock', when: { field: 'category', equals: 'manager' } },
          ],
        },
      },
    });
    const { html: out } = render(model);
    expect(out).toContain('data-when-field="category" data-when-equals="teacher"><input type="checkbox"');
    expect(out).toContain('<input type="hidden" name="personalDataConsentVersion" value="2025-09-01">');
    expect(out).toContain('<input type="hidden" name="rows.0.id" value="">');
  });
});

describe('reading a posted form', () => {
  const diagnostics = kinds.find((k) => k.kind === 'diagnostics-request')!;

  it('reads a complete form into what the schema accepts, as the browser posts it', () => {
    const model = creationForm(diagnostics);
    const payload = {
      participant: {
        person: { lastName: 'Иванова', firstName: 'Мария' },
        email: 'ivanova@school.example.ru',
        organization: { name: 'МБОУ «Средняя школа № 5»', municipality: 'город Смоленск' },
        position: 'учитель',
        category: 'teacher',
        subjects: ['математика', 'физика'],
      },
      form: 'self',
      blocks: ['subject', 'digital'],
      subject: 'математика',
      preferredPeriod: { from: '2030-02-01', to: '2030-02-20' },
      personalDataConsent: true,
    };
    const entries = entriesOf(rawOf(model, payload));
    const body = new URLSearchParams(entries).toString();
    const { value, issues } = readForm(
      model,
      diagnostics.schema,
      rawFromEntries(entriesFromUrlEncoded(body)),
    );
    expect(issues).toEqual([]);
    expect(value).toMatchObject(payload);
  });

  it('keeps empty required fields empty and leaves empty optional ones out', () => {
    const model = formModel(
      z.strictObject({
        name: z.string().min(1),
        note: z.string().optional(),
        count: z.number().int().optional(),
      }),
      {},
    );
    expect(
      formValue(
        model,
        rawFromEntries([
          ['name', ''],
          ['note', ' '],
          ['count', ''],
        ]),
      ),
    ).toEqual({ name: '' });
    expect(
      formValue(
        model,
        rawFromEntries([
          ['name', 'А'],
          ['count', '1 200'],
        ]),
      ),
    ).toEqual({ name: 'А', count: 1200 });
  });

  it('says in Russian, beside each field, what is wrong — the field named, not zod’s wording', () => {
    const model = creationForm(diagnostics);
    const { issues } = readForm(
      model,
      diagnostics.schema,
      rawFromEntries([
        ['participant.person.lastName', ''],
        ['participant.email', 'не-почта'],
      ]),
    );
    const byPath = new Map(issues.map((i) => [i.path, i.message]));
    expect(byPath.get('participant.person.lastName')).toBe('Заполните поле «Фамилия»');
    expect(byPath.get('participant.email')).toBe('Укажите корректный адрес электронной почты');
    expect(byPath.get('preferredPeriod.from')).toBe('Укажите дату');
    expect(byPath.get('personalDataConsent')).toMatch(/согласи/i);
    for (const issue of issues) expect(issue.message).not.toMatch(/Неверный ввод|ожидалось/);
  });

  it('adds and removes rows for browsers without scripts, keeping what was typed', () => {
    const raw = rawFromEntries([
      ['rows.0.name', 'первая'],
      ['rows.1.name', 'вторая'],
      ['rows.2.name', 'третья'],
    ]);
    applyRowOperation(raw, 'remove:rows.1');
    expect(raw.rows).toEqual({ 0: { name: 'первая' }, 1: { name: 'третья' } });
    applyRowOperation(raw, 'add:rows');
    expect(Object.keys(raw.rows as object)).toEqual(['0', '1', '2']);
  });
});

describe('markup', () => {
  it('escapes everything typed, in values and in messages', () => {
    const model = formModel(z.strictObject({ name: z.string().min(5) }), { labels: { name: 'Имя' } });
    const { html: out } = render(model, { name: '"><script>alert(1)</script>' }, [
      { path: 'name', message: '<b>плохо</b>' },
    ]);
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<b>');
    expect(out).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html`${'<i>'}`.value).toBe(escapeHtml('<i>'));
  });

  it('ties errors to their fields: aria-invalid, aria-describedby, autofocus on the first, a summary with links', () => {
    const model = formModel(z.strictObject({ a: z.string(), b: z.string() }), { labels: { a: 'А', b: 'Б' } });
    const {
      html: out,
      renderer,
      general,
    } = render(model, {}, [
      { path: 'b', message: 'Заполните поле «Б»' },
      { path: 'nowhere.deep', message: 'Общая ошибка' },
    ]);
    expect(out).toMatch(
      /id="f-b" name="b" aria-describedby="f-b-error" required aria-invalid="true" autofocus/,
    );
    expect(out).toContain('<p class="error" id="f-b-error">');
    expect(renderer.summary).toEqual([{ id: 'f-b', message: 'Заполните поле «Б»' }]);
    expect(general).toEqual(['Общая ошибка']);
  });

  it('shows the issues of hidden fields: in their row, or at the top of the form', () => {
    // A consent text changed since the page was opened, a row id tampered with: found by test/integration/fuzz-web.
    const model = formModel(
      z.strictObject({
        rows: z.array(z.strictObject({ id: z.string().regex(/^\w+$/).optional(), name: z.string() })).min(1),
        personalDataConsentVersion: z.literal('2025-09-01'),
      }),
      { labels: { name: 'Имя' } },
    );
    const raw = { rows: { '0': { id: '!', name: 'Иван' } }, personalDataConsentVersion: '2024-01-01' };
    const { html: out, general } = render(model, raw, [
      { path: 'rows.0.id', message: 'Идентификатор строки: латинские буквы' },
      { path: 'personalDataConsentVersion', message: 'Текст согласия изменился' },
    ]);
    expect(out).toMatch(
      /<fieldset class="row invalid" id="f-rows-0"[^>]*>[\s\S]*Идентификатор строки: латинские буквы/,
    );
    expect(general).toEqual(['Текст согласия изменился']);
  });
});
