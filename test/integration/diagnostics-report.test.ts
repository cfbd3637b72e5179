import { afterEach, describe, expect, it } from 'vitest';
import {
  answerAll,
  conductAndIssue,
  drainOutbox,
  link,
  pdfRawText,
  resetClock,
  setClock,
  staff,
  staffAction,
  submitCollective,
} from '../support/diagnostics-api';
import {
  DEFICITS,
  individualRequest,
  participantRows,
  results,
  schoolEmail,
} from '../support/diagnostics-fixtures';
import { api, useStack } from '../support/stack';

/**
 * The analytical note (A2 6.4): non-personalised aggregates over the results issued in a period, no cell describing
 * fewer than 5 people, and no published total from which a hidden cell could be subtracted. The results are issued
 * with the clock on a day of 2027 no other test uses, so the period holds this test's participants only.
 */
const stack = useStack();
const DAY = '2027-04-12';

afterEach(async () => {
  await resetClock(stack);
});

interface Cell {
  key: string;
  label: string;
  count?: number;
  display: string;
  suppressed?: true;
}

describe('GET /v1/reports/diagnostics', () => {
  it('7 participants in one municipality and 3 in another: the second is hidden and cannot be subtracted back', async () => {
    // Monday 12 April 2027, 10:00 Moscow.
    await setClock(stack, `${DAY}T07:00:00Z`);
    const operator = await staff(stack, ['operator']);
    const period = { from: '2027-04-19', to: '2027-04-30' };

    // Вяземский район: a collective request of 7 rows (5 teachers, two of them in two subjects).
    const run = await submitCollective(stack, { rows: participantRows(7), school: 'vyazma2', period });
    await answerAll(stack, run);
    await conductAndIssue(stack, run, DAY);

    // Рославльский район: 3 individual requests.
    const people = [
      { lastName: 'Лебедева', firstName: 'Марина', middleName: 'Олеговна' },
      { lastName: 'Тихонова', firstName: 'Галина', middleName: 'Петровна' },
      { lastName: 'Медведев', firstName: 'Павел', middleName: 'Андреевич' },
    ];
    for (const [i, person] of people.entries()) {
      const created = await api(
        stack,
        'POST',
        '/v1/submissions/diagnostics-request',
        individualRequest({
          school: 'roslavl9',
          email: schoolEmail(`roslavl-${i}`),
          person,
          subject: 'русский язык',
          period,
        }),
      );
      expect(created.status).toBe(201);
      const id = created.json.id;
      expect(
        (
          await staffAction(stack, operator, id, 'agree', {
            date: DAY,
            place: 'МБОУ «Средняя школа № 9» г. Рославля, каб. 21',
          })
        ).status,
      ).toBe(200);
      expect((await staffAction(stack, operator, id, 'conduct', { conductedOn: DAY })).status).toBe(200);
      const issued = await staffAction(
        stack,
        operator,
        id,
        'issueResults',
        results(i === 2 ? 'low' : 'medium', [DEFICITS.lesson, DEFICITS.literacy]),
      );
      expect(issued.status).toBe(200);
    }
    await drainOutbox(stack);

    const res = await api(stack, 'GET', `/v1/reports/diagnostics?from=${DAY}&to=${DAY}`, undefined, operator);
    expect(res.status).toBe(200);
    const report = res.json;
    expect(report.suppressed).toBe(false);
    expect(report.participants).toEqual({ count: 10, display: '10' });

    // The municipality of 3 is shown as "< 5"; the one of 7 is hidden too, or 10 − 7 would give the 3 back.
    const municipalities = report.byMunicipality.cells as Cell[];
    const roslavl = municipalities.find((c) => c.label === 'Рославльский район')!;
    const vyazma = municipalities.find((c) => c.label === 'Вяземский район')!;
    expect(roslavl).toEqual({
      key: 'Рославльский район',
      label: 'Рославльский район',
      display: '< 5',
      suppressed: true,
    });
    expect(vyazma.count).toBeUndefined();
    expect(vyazma.suppressed).toBe(true);
    expect(JSON.stringify(report.byMunicipality)).not.toMatch(/"count":\s*(3|7)\b/);

    // In every table that adds up to the participants, a hidden cell never stands alone and the hidden ones
    // together describe at least 5; the published cells never leave exactly one unknown.
    for (const name of ['byCategory', 'byLevel', 'byMunicipality', 'bySubject']) {
      const cells = report[name].cells as Cell[];
      const hidden = cells.filter((c) => c.suppressed);
      expect(hidden.length, name).not.toBe(1);
      if (hidden.length) {
        const visible = cells.reduce((a, c) => a + (c.count ?? 0), 0);
        expect(10 - visible, `${name}: the hidden cells together`).toBeGreaterThanOrEqual(5);
      }
      for (const c of cells)
        if (!c.suppressed) expect(c.count, `${name} ${c.label}`).toBeGreaterThanOrEqual(5);
    }
    // By level: 3 high, 4 medium, 3 low — all under 5, all hidden.
    expect((report.byLevel.cells as Cell[]).map((c) => c.display)).toEqual(['< 5', '< 5', '< 5']);
    // By subject: Russian has 5 (2 + 3) and is shown; the rest are hidden.
    const subjects = report.bySubject.cells as Cell[];
    expect(subjects.find((c) => c.label === 'русский язык')).toMatchObject({ count: 5, display: '5' });
    expect(
      subjects
        .filter((c) => c.suppressed)
        .map((c) => c.label)
        .sort(),
    ).toEqual(['информатика', 'литература', 'математика', 'физика']);
    // Deficits: only those found in at least 5 people are named.
    expect(report.topDeficits.map((c: Cell) => [c.key, c.count])).toEqual([
      [DEFICITS.lesson.code, 10],
      [DEFICITS.digital.code, 7],
    ]);
    const subjectBlock = report.byBlock.find((b: { block: string }) => b.block === 'subject');
    expect(subjectBlock.total).toEqual({ count: 10, display: '10' });
    expect(subjectBlock.levels.cells).toEqual([{ key: 'low', label: 'низкий', count: 10, display: '10' }]);
    const methodical = report.byBlock.find((b: { block: string }) => b.block === 'methodical');
    expect((methodical.levels.cells as Cell[]).every((c) => c.suppressed)).toBe(true);
    // Nothing personal: no name, no address.
    const json = JSON.stringify(report);
    for (const leak of ['Ковалёва', 'Лебедева', '@', 'personKey']) expect(json).not.toContain(leak);

    // The analytical note as a PDF, with the same figures.
    const pdf = await fetch(`${stack.appUrl}/v1/reports/diagnostics?from=${DAY}&to=${DAY}&format=pdf`, {
      headers: operator,
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const note = pdfRawText(new Uint8Array(await pdf.arrayBuffer()));
    for (const text of [
      'АНАЛИТИЧЕСКАЯ СПРАВКА',
      'за период с 12.04.2027 по 12.04.2027',
      'Рославльский район < 5',
      'Вяземский район скрыто',
      'русский язык 5',
      `${DEFICITS.lesson.code} ${DEFICITS.lesson.title} 10`,
    ]) {
      expect(note).toContain(text);
    }
    for (const leak of ['Ковалёва', 'Лебедева', '@school']) expect(note).not.toContain(leak);

    // A day without results: nothing is published.
    const empty = await api(
      stack,
      'GET',
      '/v1/reports/diagnostics?from=2027-04-13&to=2027-04-13',
      undefined,
      operator,
    );
    expect(empty.json).toMatchObject({
      suppressed: true,
      participants: { display: '< 5' },
      byMunicipality: { cells: [] },
    });
  });

  it('is for the operator, the centre and the administrator only, and checks its parameters', async () => {
    const q = '/v1/reports/diagnostics?from=2026-01-01&to=2026-12-31';
    expect((await api(stack, 'GET', q)).status).toBe(401);
    expect((await api(stack, 'GET', q, undefined, await staff(stack, ['curator']))).status).toBe(403);
    for (const role of ['operator', 'centre', 'admin']) {
      expect((await api(stack, 'GET', q, undefined, await staff(stack, [role]))).status, role).toBe(200);
    }
    const created = await api(stack, 'POST', '/v1/submissions/diagnostics-request', individualRequest());
    const asApplicant = await api(stack, 'GET', q, undefined, link(created.json.accessToken));
    expect(asApplicant.status).toBe(403);
    const operator = await staff(stack, ['operator']);
    const reversed = await api(
      stack,
      'GET',
      '/v1/reports/diagnostics?from=2026-12-31&to=2026-01-01',
      undefined,
      operator,
    );
    expect(reversed.status).toBe(400);
    expect(reversed.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['to']);
    const missing = await api(stack, 'GET', '/v1/reports/diagnostics?format=docx', undefined, operator);
    expect(missing.status).toBe(400);
    expect(missing.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'format',
      'from',
      'to',
    ]);
  });
});
