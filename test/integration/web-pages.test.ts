import { randomUUID } from 'node:crypto';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { kinds } from '../../forms/registry';
import { daysFromNow, uniqueEmail } from '../support/fixtures';
import { useStack } from '../support/stack';

/**
 * The web pages over HTTP, without a browser: forms generated for every public kind, the no-script path (plain
 * POST, re-rendered page with the errors beside their fields and nothing typed lost), security headers, the
 * staff sign-in with its cookie and the CSRF check on cookie posts.
 */

const stack = useStack();

type Node = {
  type: string;
  name?: string;
  attribs?: Record<string, string>;
  children?: Node[];
  data?: string;
};

function all(node: Node, test: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (test(node)) out.push(node);
  for (const c of node.children ?? []) all(c, test, out);
  return out;
}

function textOf(node: Node): string {
  if (node.type === 'text') return node.data ?? '';
  return (node.children ?? []).map(textOf).join('');
}

function parse(html: string): Node {
  return parseDocument(html) as unknown as Node;
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.appUrl}${path}`, { headers, redirect: 'manual' });
  return { res, html: await res.text() };
}

async function post(path: string, form: [string, string][], headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.appUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return { res, html: await res.text() };
}

/** The record a link page address opens (GET /v1/links/{token}). */
async function recordOf(location: string): Promise<string> {
  const token = /\/l\/([^?]+)/.exec(location)?.[1] ?? '';
  const res = await fetch(`${stack.appUrl}/v1/links/${token}`);
  return ((await res.json()) as { recordId: string }).recordId;
}

function expectPageHeaders(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toMatch(/^(same-origin|no-referrer)$/);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
}

function individualRequestForm(email: string): [string, string][] {
  return [
    ['participant.person.lastName', 'Иванова'],
    ['participant.person.firstName', 'Мария'],
    ['participant.email', email],
    ['participant.organization.name', 'МБОУ «Средняя школа № 5» г. Смоленска'],
    ['participant.organization.municipality', 'город Смоленск'],
    ['participant.position', 'учитель математики'],
    ['participant.category', 'teacher'],
    ['participant.subjects.0', 'математика'],
    ['form', 'standardized'],
    ['blocks', 'subject'],
    ['blocks', 'digital'],
    ['subject', 'математика'],
    ['preferredPeriod.from', daysFromNow(10)],
    ['preferredPeriod.to', daysFromNow(30)],
    ['personalDataConsent', 'on'],
  ];
}

describe('submission forms generated from the kinds', () => {
  it('has a page for every public kind, listed on the start page, every control labelled, no inline script or style', async () => {
    const home = await get('/');
    expect(home.res.status).toBe(200);
    expectPageHeaders(home.res);
    const publicKinds = kinds.filter((k) => k.createdBy === 'public');
    expect(publicKinds.length).toBeGreaterThan(0);
    for (const kind of publicKinds) {
      expect(home.html).toContain(`href="/forms/${kind.kind}"`);
      const { res, html } = await get(`/forms/${kind.kind}`);
      expect(res.status, kind.kind).toBe(200);
      expectPageHeaders(res);
      const doc = parse(html);
      expect(all(doc, (n) => n.name === 'html')[0]?.attribs?.lang).toBe('ru');
      expect(all(doc, (n) => n.name === 'style')).toEqual([]);
      expect(all(doc, (n) => Boolean(n.attribs?.style))).toEqual([]);
      for (const script of all(doc, (n) => n.name === 'script')) {
        expect(script.attribs?.src, 'scripts only from /assets/').toMatch(/^\/assets\//);
        expect(textOf(script).trim()).toBe('');
      }
      const labels = new Set(all(doc, (n) => n.name === 'label').map((l) => l.attribs?.for));
      const controls = all(
        doc,
        (n) =>
          (n.name === 'input' && n.attribs?.type !== 'hidden') ||
          n.name === 'select' ||
          n.name === 'textarea',
      ).filter((c) => !String(c.attribs?.id).includes('__i'));
      expect(controls.length, kind.kind).toBeGreaterThan(3);
      for (const c of controls)
        expect(labels.has(c.attribs?.id), `${kind.kind}: label for ${c.attribs?.id}`).toBe(true);
    }
  });

  it('answers a form with errors with the same page: errors beside their fields, in Russian, nothing typed lost', async () => {
    const form = individualRequestForm('ne-pochta');
    const { res, html } = await post('/forms/diagnostics-request', form);
    expect(res.status).toBe(400);
    expectPageHeaders(res);
    const doc = parse(html);
    const email = all(doc, (n) => n.attribs?.id === 'f-participant-email')[0]!;
    expect(email.attribs?.value).toBe('ne-pochta');
    expect(email.attribs?.['aria-invalid']).toBe('true');
    expect(email.attribs?.autofocus).toBeDefined();
    const error = all(doc, (n) => n.attribs?.id === 'f-participant-email-error')[0]!;
    expect(textOf(error)).toContain('Укажите корректный адрес электронной почты');
    expect(email.attribs?.['aria-describedby']).toContain('f-participant-email-error');
    // Everything else typed is still there.
    expect(all(doc, (n) => n.attribs?.id === 'f-participant-person-lastName')[0]?.attribs?.value).toBe(
      'Иванова',
    );
    expect(html).toContain('value="subject" checked');
    expect(all(doc, (n) => n.attribs?.id === 'f-personalDataConsent')[0]?.attribs?.checked).toBeDefined();
    expect(html).toContain('Проверьте, пожалуйста, заполнение');
  });

  it('adds a row without scripts (the page comes back with it), then creates the record and opens the applicant’s page', async () => {
    const email = uniqueEmail();
    const base = individualRequestForm(email);
    const attempt = randomUUID();
    const added = await post('/forms/diagnostics-request', [...base, ['_op', 'add:participant.subjects']]);
    expect(added.res.status).toBe(200);
    expect(added.html).toContain('name="participant.subjects.1"');
    expect(added.html).toContain('value="математика"');
    expect(added.html).not.toContain('class="error"');

    const created = await post('/forms/diagnostics-request', [
      ...base,
      ['participant.subjects.1', 'информатика'],
      ['_idem', attempt],
    ]);
    expect(created.res.status).toBe(303);
    const location = created.res.headers.get('location') ?? '';
    expect(location).toMatch(/^\/l\/[A-Za-z0-9_-]{43}\?created=1$/);

    const landing = await get(location);
    expect(landing.res.status).toBe(200);
    expect(landing.res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(landing.html).toContain('Заявка принята');
    expect(landing.html).toContain('Этап: <strong>Заявка подана</strong>');
    expect(landing.html).toContain('информатика');

    // The same form posted twice (a double click) is one record.
    const again = await post('/forms/diagnostics-request', [
      ...base,
      ['participant.subjects.1', 'информатика'],
      ['_idem', attempt],
    ]);
    expect(again.res.status).toBe(303);
    expect(await recordOf(again.res.headers.get('location') ?? '')).toBe(await recordOf(location));
  });

  it('refuses what is not a form post, and a form for a kind that is not public', async () => {
    const json = await fetch(`${stack.appUrl}/forms/diagnostics-request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect(await json.text()).toContain('<html lang="ru">');
    const hidden = kinds.find((k) => k.createdBy !== 'public');
    if (hidden) expect((await get(`/forms/${hidden.kind}`)).res.status).toBe(404);
    expect((await get('/forms/no-such-kind')).res.status).toBe(404);
  });

  it('serves the stylesheet and the script from /assets/, cacheable for good when addressed by hash', async () => {
    const { html } = await get('/');
    const css = /href="(\/assets\/app\.css\?v(?:=|&#x3D;)[0-9a-f]+)"/.exec(html)?.[1]?.replace('&#x3D;', '=');
    expect(css).toBeDefined();
    const res = await fetch(`${stack.appUrl}${css}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const js = await fetch(`${stack.appUrl}/assets/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-encoding')).toBe('gzip');
    // The kinds' schemas are in it, with their Russian messages, for checking forms in the browser.
    expect(await js.text()).toContain('Без согласия на обработку персональных данных');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${stack.appUrl}/assets/secrets.txt`)).status).toBe(404);
  });
});

describe('the party’s actions on the link page', () => {
  it('withdraws a request from the page, without scripts', async () => {
    const email = uniqueEmail();
    const created = await post('/forms/diagnostics-request', individualRequestForm(email));
    const location = created.res.headers.get('location') ?? '';
    const token = /\/l\/([^?]+)/.exec(location)?.[1] ?? '';
    const page = await get(`/l/${token}`);
    expect(page.html).toContain(`action="/l/${token}/actions/withdraw"`);
    const done = await post(`/l/${token}/actions/withdraw`, [['reason', 'Передумала']]);
    expect(done.res.status).toBe(303);
    const after = await get(done.res.headers.get('location') ?? '');
    expect(after.html).toContain('Этап: <strong>Заявка отозвана</strong>');
    expect(after.html).toContain('Готово: «Отозвать заявку»');
    expect(after.html).not.toContain(`/actions/withdraw"`);
    // Not again: the action is gone with the stage.
    expect((await post(`/l/${token}/actions/withdraw`, [])).res.status).toBe(403);
  });
});

describe('staff workspace', () => {
  const origin = () => ({ origin: stack.appUrl });

  async function signIn(email: string, roles: string[]) {
    const res = await post(
      '/staff/sign-in',
      [['email', email], ...roles.map((r) => ['roles', r] as [string, string])],
      origin(),
    );
    expect(res.res.status).toBe(303);
    const cookie = res.res.headers.get('set-cookie') ?? '';
    return { cookie, session: cookie.split(';')[0]! };
  }

  it('sends a visitor without a session to the sign-in page', async () => {
    const res = await get('/staff');
    expect(res.res.status).toBe(303);
    expect(res.res.headers.get('location')).toBe('/staff/sign-in');
    const page = await get('/staff/sign-in');
    expect(page.res.status).toBe(200);
    expectPageHeaders(page.res);
    expect(page.html).toContain('Вход для сотрудников');
  });

  it('signs in locally with an HttpOnly, SameSite=Strict session cookie; refuses a sign-in from another site', async () => {
    const foreign = await post(
      '/staff/sign-in',
      [
        ['email', 'operator@soiro.example.ru'],
        ['roles', 'operator'],
      ],
      {
        origin: 'https://evil.example',
      },
    );
    expect(foreign.res.status).toBe(403);
    expect(foreign.res.headers.get('set-cookie')).toBeNull();

    const invalid = await post('/staff/sign-in', [['email', 'не почта']], origin());
    expect(invalid.res.status).toBe(400);
    expect(invalid.html).toContain('Выберите хотя бы одну роль');

    const { cookie, session } = await signIn(uniqueEmail('operator'), ['operator']);
    expect(cookie).toMatch(/^session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    const queue = await get('/staff', { cookie: session });
    expect(queue.res.status).toBe(200);
    expect(queue.html).toContain('Очередь записей');
  });

  it('takes a staff action from the record page only from the service’s own pages (CSRF), with the version seen', async () => {
    const email = uniqueEmail();
    const created = await post('/forms/diagnostics-request', individualRequestForm(email));
    const id = await recordOf(created.res.headers.get('location') ?? '');
    const { session } = await signIn(uniqueEmail('operator'), ['operator']);

    const record = await get(`/staff/records/${id}`, { cookie: session });
    expect(record.res.status).toBe(200);
    expect(record.html).toContain('Согласовать дату и место');
    expect(record.html).toContain('name="_version" value="1"');
    expect(record.html).toContain('Иванова Мария');

    const form: [string, string][] = [
      ['_version', '1'],
      ['date', daysFromNow(12)],
      ['place', 'ГАУ ДПО СОИРО, ауд. 12'],
    ];
    const forged = await post(`/staff/records/${id}/actions/agree`, form, {
      cookie: session,
      origin: 'https://evil.example',
    });
    expect(forged.res.status).toBe(403);
    const noOrigin = await post(`/staff/records/${id}/actions/agree`, form, { cookie: session });
    expect(noOrigin.res.status).toBe(403);

    const missing = await post(`/staff/records/${id}/actions/agree`, [['_version', '1']], {
      cookie: session,
      ...origin(),
    });
    expect(missing.res.status).toBe(400);
    expect(missing.html).toContain('Заполните поле «Место проведения»');

    const done = await post(`/staff/records/${id}/actions/agree`, form, { cookie: session, ...origin() });
    expect(done.res.status).toBe(303);
    const after = await get(done.res.headers.get('location') ?? '', { cookie: session });
    expect(after.html).toContain('Этап: <strong>Диагностика назначена</strong>');

    // The page showed version 1; the record is now at 2: a stale form is refused, not applied.
    const stale = await post(`/staff/records/${id}/actions/reschedule`, form, {
      cookie: session,
      ...origin(),
    });
    expect(stale.res.status).toBe(409);
    expect(stale.html).toContain('Запись уже изменена другим пользователем');

    const queue = await get(`/staff?kind=diagnostics-request&q=${encodeURIComponent('Иванова')}`, {
      cookie: session,
    });
    expect(queue.html).toContain(`href="/staff/records/${id}"`);
  });

  it('signs out by clearing the cookie', async () => {
    const { session } = await signIn(uniqueEmail('centre'), ['centre']);
    const out = await post('/staff/sign-out', [], { cookie: session, ...origin() });
    expect(out.res.status).toBe(303);
    expect(out.res.headers.get('set-cookie')).toMatch(/^session=; .*Max-Age=0/);
  });
});
