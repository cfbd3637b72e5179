import { describe, expect, it } from 'vitest';
import { diagnosticsRequest, uniqueEmail } from '../support/fixtures';
import { api, useStack } from '../support/stack';

const stack = useStack();

describe('the page a mailed link opens', () => {
  it('shows the record, its stage and deadline in Russian, escapes what applicants typed, and leaks no token', async () => {
    const body = diagnosticsRequest({}, uniqueEmail());
    (body.participant as { position: string }).position = '<script>alert(1)</script> учитель';
    const created = await api(stack, 'POST', '/v1/submissions/diagnostics-request', body);
    const page = await fetch(`${stack.appUrl}/l/${created.json.accessToken}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="ru">');
    expect(html).toContain('Заявка на диагностику профессиональных дефицитов');
    expect(html).toContain('Этап: <strong>Заявка подана</strong>');
    expect(html).toMatch(/Срок: до \d{1,2} [а-я]+ \d{4} г\./);
    expect(html).toContain('Отозвать заявку');
    // What the applicant typed is shown, escaped; the only script is the page script from /assets/.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; учитель');
    expect(html).not.toContain('<script>alert');
    expect(html.match(/<script[^>]*>/g)).toEqual([
      expect.stringMatching(/^<script type="module" src="\/assets\/app\.js\?v/),
    ]);
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    // The stage as a timeline, the action as a form posting to this link's own address.
    expect(html).toMatch(/<li class="current" aria-current="step">.*Заявка подана/);
    expect(html).toContain(`<form method="post" action="/l/${created.json.accessToken}/actions/withdraw"`);
    // The link's party may not see the history's other people, nor reach staff pages with it.
    expect(html).not.toContain('/staff/');
  });

  it('explains a broken or expired link in Russian with the right status', async () => {
    const res = await fetch(`${stack.appUrl}/l/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('Ссылка не открывается');
    expect(html).toContain('Ссылка недействительна');
  });
});
