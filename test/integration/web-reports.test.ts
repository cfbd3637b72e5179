import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { put } from '../../functions/adapters/table';
import { internshipApplication } from '../support/internship-fixtures';
import { diagnosticsPayload, recordItem, uniqueEmail, withResults } from '../support/records';
import { api, useStack } from '../support/stack';
import { staffToken } from '../support/staff';

/**
 * The staff workspace's reports page (issue 8, "the analytical note and the internship register"): both readable
 * on the page, with the very figures and entries of their JSON (GET /v1/reports/diagnostics,
 * GET /v1/registry/internship-sites), and the period checked beside its fields.
 */

const stack = useStack();

/** Results issued on a day of 2019 no other test uses, so the period holds this file's participants only. */
const DAY = '2019-06-13';

async function session(roles: string[]) {
  const { authorization } = await staffToken(stack, roles);
  return { cookie: `session=${authorization.replace(/^Bearer /, '')}`, authorization };
}

async function page(path: string, headers: Record<string, string>) {
  const res = await fetch(`${stack.appUrl}${path}`, { headers, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

const ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  quot: '"',
  '#x27': "'",
  '#x60': '`',
  '#x3D': '=',
  amp: '&',
};

/** The text of each row of each table, cells joined by " | ", tags dropped. */
function tableRows(html: string): string[][] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) =>
    [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)]
        .map((c) =>
          c[1]!
            .replace(/<br>/g, ' ')
            .replace(/<[^>]+>/g, '')
            .trim(),
        )
        .join(' | ')
        .replace(/&(lt|gt|quot|#x27|#x60|#x3D|amp);/g, (_, e: string) => ENTITIES[e]!),
    ),
  );
}

describe('reports page', () => {
  it('shows the analytical note with the figures of its JSON, hidden cells hidden alike', async () => {
    // Six participants in one municipality, one of them in another: that one is hidden (< 5) on the page too.
    for (let i = 0; i < 7; i++) {
      const payload = withResults(diagnosticsPayload(uniqueEmail()));
      if (i === 6) payload.participant.organization.municipality = 'Велижский район';
      const results = { ...payload.results!, issuedOn: DAY };
      const record = recordItem({
        stage: 'results-issued',
        payload: { ...payload, results },
        at: new Date(`${DAY}T06:00:00Z`),
      });
      await put(record as unknown as Record<string, unknown>);
    }
    const who = await session(['operator']);
    const json = await api(stack, 'GET', `/v1/reports/diagnostics?from=${DAY}&to=${DAY}`, undefined, {
      authorization: who.authorization,
    });
    expect(json.status).toBe(200);
    expect(json.json.participants.display).toBe('7');

    const shown = await page(`/staff/reports?report=diagnostics&from=${DAY}&to=${DAY}`, {
      cookie: who.cookie,
    });
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('Участников диагностики (результаты направлены): <strong>7</strong>');
    const tables = tableRows(shown.html);
    const cells = (t: { cells: { label: string; display: string }[] }) =>
      t.cells.map((c) => `${c.label} | ${c.display}`);
    // Tables in the order of the PDF: category, level, subject, municipality, blocks, deficits.
    expect(tables[0]!.slice(1)).toEqual(cells(json.json.byCategory));
    expect(tables[1]!.slice(1)).toEqual(cells(json.json.byLevel));
    expect(tables[2]!.slice(1)).toEqual(cells(json.json.bySubject));
    expect(tables[3]!.slice(1)).toEqual(cells(json.json.byMunicipality));
    expect(tables[3]).toContain('Велижский район | < 5');
    expect(tables[4]!.slice(1)).toEqual(
      json.json.byBlock.map((b: { label: string; total: { display: string } }) =>
        expect.stringContaining(b.label),
      ),
    );
    expect(tables[5]!.slice(1)).toEqual(
      json.json.topDeficits.map(
        (c: { key: string; label: string; display: string }) => `${c.key} | ${c.label} | ${c.display}`,
      ),
    );
    // The PDF stays one click away, with the same period.
    expect(shown.html).toContain('formaction="/v1/reports/diagnostics"');
  });

  it('says which date is wrong, beside it, and keeps what was typed', async () => {
    const who = await session(['centre']);
    const wrong = await page('/staff/reports?report=diagnostics&from=2019-06-20&to=2019-06-13', {
      cookie: who.cookie,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toMatch(
      /<p class="error" id="diagnostics-to-error">Дата окончания раньше даты начала<\/p>/,
    );
    expect(wrong.html).toMatch(
      /id="diagnostics-to" name="to" value="2019-06-13" required aria-invalid="true"/,
    );
    expect(wrong.html).toContain('value="2019-06-20"');
    const garbage = await page('/staff/reports?report=diagnostics&from=13.06&to=2019-06-13', {
      cookie: who.cookie,
    });
    expect(garbage.status).toBe(400);
    expect(garbage.html).toContain('id="diagnostics-from-error"');
  });

  it('refuses the note to a curator on the page as the API does', async () => {
    const who = await session(['curator']);
    const refused = await page(`/staff/reports?report=diagnostics&from=${DAY}&to=${DAY}`, {
      cookie: who.cookie,
    });
    expect(refused.status).toBe(403);
    expect(refused.html).not.toContain('Участников диагностики');
  });

  it('shows the internship register with the entries of its JSON, public contacts only', async () => {
    const application = internshipApplication(2);
    const name = `МБОУ «Средняя школа № 40» ${randomUUID().slice(0, 6)}`;
    application.body.organization.fullName = name;
    const payload = {
      ...application.body,
      order: { orderNumber: '123-од', orderDate: '2026-11-20' },
      validUntil: '2029-11-19',
    };
    await put(
      recordItem({ kind: 'internship-application', stage: 'active', payload }) as unknown as Record<
        string,
        unknown
      >,
    );
    const register = await api(stack, 'GET', '/v1/registry/internship-sites');
    const mine = register.json.items.filter((i: { organization: string }) => i.organization === name);
    expect(mine).toHaveLength(2);

    const who = await session(['centre']);
    const shown = await page('/staff/reports?register=internship-sites', { cookie: who.cookie });
    expect(shown.status).toBe(200);
    const rows = tableRows(shown.html)[0]!.filter((r) => r.includes(name));
    expect(rows).toHaveLength(2);
    for (const [i, entry] of mine.entries()) {
      expect(rows[i]).toContain(entry.topic);
      expect(rows[i]).toContain(entry.contacts.email);
      expect(rows[i]).toContain('с 20.11.2026 по 19.11.2029 (приказ № 123-од)');
    }
    // The head's own address is not public (A4 5.1.4): the register shows the organisation's.
    expect(shown.html).not.toContain(application.headEmail);
  });
});
