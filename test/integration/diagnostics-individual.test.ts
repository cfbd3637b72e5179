import { describe, expect, it } from 'vitest';
import { put } from '../../functions/adapters/table';
import { config } from '../../functions/config';
import { calendarOf } from '../../functions/core/calendar';
import { newLink } from '../../functions/core/links';
import {
  attachmentText,
  download,
  drainOutbox,
  link,
  linkOf,
  mailTo,
  staff,
  staffAction,
} from '../support/diagnostics-api';
import {
  addDays,
  DEFICITS,
  individualRequest,
  results,
  schoolEmail,
  today,
} from '../support/diagnostics-fixtures';
import { diagnosticsPayload, recordItem } from '../support/records';
import { api, useStack } from '../support/stack';

/**
 * An individual request (A2 5.9.1–5.9.6) from submission to results: the receipt with the application, the operator's
 * notice and 3-working-day deadline, the invitation, the diagnostics held under an order of the Department (results
 * due in 15 working days, A2 5.10.4), and the results to the participant alone (A2 6.3).
 */
const stack = useStack();
const d = (iso: string) => iso.split('-').reverse().join('.');

describe('an individual request', () => {
  it('goes from submission to results, every mail and PDF checked', async () => {
    const settings = config().instance;
    const calendar = calendarOf(settings);
    const operator = await staff(stack, ['operator']);
    const email = schoolEmail('lebedeva');
    const body = individualRequest({ email });

    const form = await api(stack, 'GET', '/v1/forms/diagnostics-request');
    expect(form.json.texts.personalDataConsent).toContain('редакция от 01.09.2025');

    const created = await api(stack, 'POST', '/v1/submissions/diagnostics-request', body);
    expect(created.status).toBe(201);
    const { id, accessToken } = created.json;
    const ref = id.slice(0, 8);
    await drainOutbox(stack);

    // Receipt: the application attached, a link to withdraw; the operator's copy and deadline (A2 5.9.4).
    const [receipt] = await mailTo(stack, email);
    expect(receipt!.to).toEqual([email]);
    expect(receipt!.subject).toBe(`Заявка на диагностику профессиональных дефицитов № ${ref} принята`);
    expect(receipt!.attachments.map((a) => a.filename)).toEqual([`Заявление на диагностику ${ref}.pdf`]);
    const application = attachmentText(receipt!, `Заявление на диагностику ${ref}.pdf`);
    for (const field of [
      'ЗАЯВЛЕНИЕ',
      'Лебедева Марина Олеговна',
      'МБОУ «Средняя школа № 9» г. Рославля',
      'Рославльский район',
      'математика',
      'предметный, методический, цифровая грамотность и ИКТ',
      `с ${d(body.preferredPeriod.from)} по ${d(body.preferredPeriod.to)}`,
      '+79156301248',
      '(редакция от 01.09.2025)',
      'М.О. Лебедева',
    ]) {
      expect(application).toContain(field);
    }
    const applicantLink = linkOf(receipt!)!;
    expect((await api(stack, 'GET', `/v1/links/${applicantLink}`)).json).toMatchObject({
      recordId: id,
      party: 'applicant',
      actions: ['withdraw'],
    });
    const record = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, operator);
    expect(record.json.dueAt).toBe(calendar.dueAtFrom(record.json.createdAt, 3));
    expect(record.json.payload.personalDataConsentVersion).toBe('2025-09-01');
    const toOperator = (await mailTo(stack, settings.mailboxes.operator)).filter(
      (m) => m.subject === `Новая заявка на диагностику № ${ref}`,
    );
    expect(toOperator).toHaveLength(1);
    expect(toOperator[0]!.attachments.map((a) => a.filename)).toEqual([
      `Заявление на диагностику ${ref}.pdf`,
    ]);
    expect(toOperator[0]!.text).toContain('в течение 3 рабочих дней');

    // Agreement under an order of the Department: the invitation names the order.
    const day = addDays(today(), 5);
    const order = { number: '622-ОД', date: addDays(today(), -30) };
    const pastDate = await staffAction(stack, operator, id, 'agree', {
      date: addDays(today(), -1),
      place: 'ГАУ ДПО СОИРО',
    });
    expect(pastDate.status).toBe(400);
    expect(pastDate.json.error.issues[0].path).toBe('date');
    const agreed = await staffAction(stack, operator, id, 'agree', {
      date: day,
      place: 'ГАУ ДПО СОИРО, г. Смоленск, ул. Октябрьской революции, д. 20а, ауд. 12',
      details: 'При себе иметь паспорт',
      departmentOrder: order,
    });
    expect(agreed.status).toBe(200);
    expect(agreed.json.stage).toBe('scheduled');
    await drainOutbox(stack);
    const invitation = (await mailTo(stack, email)).find(
      (m) => m.subject === `Приглашение на диагностику профессиональных дефицитов (заявка № ${ref})`,
    )!;
    expect(invitation.attachments.map((a) => a.filename)).toEqual(['Приглашение на диагностику.pdf']);
    const invitationText = attachmentText(invitation, 'Приглашение на диагностику.pdf');
    expect(invitationText).toContain('ул. Октябрьской революции, д. 20а, ауд. 12');
    expect(invitationText).toContain('При себе иметь паспорт');
    expect(invitationText).toContain('№ 622-ОД');
    expect((await api(stack, 'GET', `/v1/links/${linkOf(invitation)}`)).json.recordId).toBe(id);

    // Conducted: results due 15 working days after (A2 5.10.4), not 10 (A2 5.9.6).
    const future = await staffAction(stack, operator, id, 'conduct', { conductedOn: addDays(today(), 1) });
    expect(future.status).toBe(400);
    const conducted = await staffAction(stack, operator, id, 'conduct', { conductedOn: today() });
    expect(conducted.status).toBe(200);
    expect(conducted.json.dueAt).toBe(calendar.deadlineEndOfDay(calendar.addWorkingDays(today(), 15)));
    expect(conducted.json.dueAt).not.toBe(calendar.deadlineEndOfDay(calendar.addWorkingDays(today(), 10)));

    // Results: a block that was not requested is refused; then the participant alone gets them.
    const wrongBlock = await staffAction(stack, operator, id, 'issueResults', {
      ...results(),
      blocks: [{ block: 'communicative', level: 'low' }],
    });
    expect(wrongBlock.status).toBe(400);
    expect(wrongBlock.json.error.issues[0].path).toBe('blocks.0.block');
    const issued = await staffAction(
      stack,
      operator,
      id,
      'issueResults',
      results('high', [DEFICITS.lesson, DEFICITS.digital]),
    );
    expect(issued.status).toBe(200);
    expect(issued.json.stage).toBe('results-issued');
    expect(issued.json.payload.results.issuedOn).toBe(calendar.localDate(new Date()));
    await drainOutbox(stack);
    const resultsMail = (await mailTo(stack, email)).find(
      (m) => m.subject === `Результаты диагностики профессиональных дефицитов (заявка № ${ref})`,
    )!;
    expect(resultsMail.to).toEqual([email]);
    expect(resultsMail.attachments.map((a) => a.filename)).toEqual(['Результаты диагностики.pdf']);
    expect(resultsMail.text).not.toContain('ПД-1.2');
    const notice = attachmentText(resultsMail, 'Результаты диагностики.pdf');
    for (const field of [
      'УВЕДОМЛЕНИЕ',
      'высокий',
      'ПД-1.2',
      'ФГИС «Моя школа»',
      '18 из 20',
      'Цифровая дидактика',
    ]) {
      expect(notice).toContain(field);
    }
    const participantLink = linkOf(resultsMail)!;
    expect((await api(stack, 'GET', `/v1/links/${participantLink}`)).json).toMatchObject({
      party: 'participant',
      actions: [],
    });
    const own = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, link(participantLink));
    expect(own.json.payload.results.level).toBe('high');
    const resultsDoc = own.json.documents.find((x: { name: string }) => x.name === 'results');
    expect((await download(stack, id, resultsDoc.id, link(participantLink))).body).toContain('ПД-1.2');

    // The applicant's link (the receipt's) is not the participant's: no results there.
    const asApplicant = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, link(accessToken));
    expect(asApplicant.json.payload.results).toBeUndefined();
    expect(asApplicant.json.documents.map((x: { name: string }) => x.name)).toEqual([
      'request',
      'invitation',
    ]);
    expect((await download(stack, id, resultsDoc.id, link(accessToken))).status).toBe(404);
    const withdraw = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/withdraw`,
      {},
      link(accessToken),
    );
    expect(withdraw.status).toBe(422);
    expect(withdraw.json.error.rule).toBe('action-not-allowed');
  });

  it('tells the operator when the applicant withdraws, and refuses an outdated consent text or a past period', async () => {
    const settings = config().instance;
    const email = schoolEmail('gromova');
    const created = await api(
      stack,
      'POST',
      '/v1/submissions/diagnostics-request',
      individualRequest({ email, school: 'safonovo4', person: { lastName: 'Громова', firstName: 'Алла' } }),
    );
    expect(created.status).toBe(201);
    const res = await api(
      stack,
      'POST',
      `/v1/submissions/${created.json.id}/actions/withdraw`,
      { reason: 'Перевожусь в другую школу' },
      link(created.json.accessToken),
    );
    expect(res.json.stage).toBe('withdrawn');
    await drainOutbox(stack);
    const notice = (await mailTo(stack, settings.mailboxes.operator)).find(
      (m) => m.subject === `Заявка на диагностику № ${created.json.id.slice(0, 8)} отозвана заявителем`,
    );
    expect(notice?.text).toContain('МБОУ «Средняя школа № 4» г. Сафоново');

    const outdated = await api(stack, 'POST', '/v1/submissions/diagnostics-request', {
      ...individualRequest(),
      personalDataConsentVersion: '2024-01-01',
    });
    expect(outdated.status).toBe(400);
    expect(outdated.json.error.issues).toEqual([
      { path: 'personalDataConsentVersion', message: expect.stringContaining('изменился') },
    ]);
    const past = await api(
      stack,
      'POST',
      '/v1/submissions/diagnostics-request',
      individualRequest({ period: { from: addDays(today(), -2), to: addDays(today(), 5) } }),
    );
    expect(past.status).toBe(400);
    expect(past.json.error.issues[0].path).toBe('preferredPeriod.from');
  });

  it('where the instance asks for email confirmation: confirmed through the mailed link, or gone 72 hours after', async () => {
    // The Smolensk instance does not ask for it, so the records are written as the engine writes an unconfirmed one.
    const email = schoolEmail('unconfirmed');
    const waiting = recordItem({
      stage: 'unconfirmed',
      payload: diagnosticsPayload(email),
      nextCheck: new Date(Date.now() + 72 * 3_600_000).toISOString(),
    });
    await put(waiting as unknown as Record<string, unknown>);
    const confirmLink = newLink({
      recordId: waiting.id,
      kind: waiting.kind,
      party: 'applicant',
      email,
      actions: ['confirm'],
      now: new Date(),
      ttlDays: 3,
    });
    await put(confirmLink.item as unknown as Record<string, unknown>);
    const confirmed = await api(
      stack,
      'POST',
      `/v1/submissions/${waiting.id}/actions/confirm`,
      {},
      link(confirmLink.token),
    );
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    expect(confirmed.json.stage).toBe('submitted');
    await drainOutbox(stack);
    expect((await mailTo(stack, email)).map((m) => m.subject)).toEqual([
      `Заявка на диагностику профессиональных дефицитов № ${waiting.id.slice(0, 8)} принята`,
    ]);

    const stale = recordItem({
      stage: 'unconfirmed',
      payload: diagnosticsPayload(schoolEmail('stale')),
      at: new Date(Date.now() - 73 * 3_600_000),
      nextCheck: new Date(Date.now() - 3_600_000).toISOString(),
    });
    await put(stale as unknown as Record<string, unknown>);
    const operator = await staff(stack, ['operator']);
    expect((await api(stack, 'GET', `/v1/submissions/${stale.id}`, undefined, operator)).status).toBe(200);
    const run = await api(stack, 'POST', '/dev/run/deadlines');
    expect(run.json.result.timed).toBeGreaterThanOrEqual(1);
    // Discarded, kept no days at all: gone for every reader at once (the deadline worker purges it for good).
    expect((await api(stack, 'GET', `/v1/submissions/${stale.id}`, undefined, operator)).status).toBe(404);
  });
});
