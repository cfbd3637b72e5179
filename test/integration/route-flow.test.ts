import { afterEach, describe, expect, it } from 'vitest';
import { listBlobKeys } from '../../functions/adapters/blobs';
import * as table from '../../functions/adapters/table';
import { hashLinkToken } from '../../functions/core/links';
import { keys } from '../../functions/core/model';
import { diagnosticsRequest } from '../support/fixtures';
import {
  attachmentText,
  documentText,
  drainDeadlines,
  drainOutbox,
  expectOk,
  expectRule,
  lastMail,
  linkOf,
  longStaffToken,
  mailTo,
  setClock,
  staffAct,
} from '../support/route-api';
import { DEFICITS, routeCompletion, routeParties } from '../support/routes';
import { api, useStack } from '../support/stack';

/**
 * One individual educational route (seed 004, Appendix 3) from an issued diagnostics result to its deletion a
 * year after completion, through the real emulators: the clock is moved with POST /dev/clock (March 2027 to
 * January 2029), the workers run through POST /dev/run/*, mail is read from the SES emulator and every PDF
 * through pdftotext.
 */
const stack = useStack();
const CENTRE_MAILBOX = 'cnppm@forms.example-soiro.ru';
const MSK = '+03:00';

afterEach(async () => {
  await api(stack, 'DELETE', '/dev/clock');
});

const clock = (iso: string) => setClock(stack, iso);
const at = (day: string, time = '10:00') => `${day}T${time}:00${MSK}`;

/** A diagnostics request of the teacher taken to `results-issued` with the three deficits of the fixtures. */
async function issuedDiagnostics(operator: Record<string, string>, teacherEmail: string) {
  await clock(at('2027-03-01'));
  const created = await api(
    stack,
    'POST',
    '/v1/submissions/diagnostics-request',
    diagnosticsRequest({ preferredPeriod: { from: '2027-03-01', to: '2027-03-12' } }, teacherEmail),
  );
  expectOk(created, 201);
  const { id } = created.json;
  expectOk(
    await staffAct(stack, operator, id, 'agree', {
      date: '2027-03-02',
      place: 'ГАУ ДПО СОИРО, г. Смоленск, ул. Октябрьской революции, д. 20а, ауд. 12',
    }),
  );
  await clock(at('2027-03-02', '15:00'));
  expectOk(await staffAct(stack, operator, id, 'conduct', { conductedOn: '2027-03-02' }));
  await clock(at('2027-03-03'));
  expectOk(
    await staffAct(stack, operator, id, 'issueResults', {
      level: 'medium',
      blocks: [
        { block: 'subject', level: 'low', score: 17, maxScore: 20 },
        { block: 'digital', level: 'high', score: 6, maxScore: 20 },
      ],
      deficits: DEFICITS,
      recommendations: ['Пройти курсы повышения квалификации по цифровой дидактике'],
    }),
  );
  return id as string;
}

describe('route: from a diagnostics result to deletion a year after completion', () => {
  it('runs review with two corrections, approval by link, marks, an acknowledged correction, conclusion and retention', async () => {
    const started = Date.now();
    const parties = routeParties();
    const centre = await longStaffToken(stack, `developer-${parties.teacher}`, ['centre']);
    const operator = await longStaffToken(stack, `operator-${parties.teacher}`, ['operator']);
    const curator = await longStaffToken(stack, parties.curator, ['curator']);

    // ---- creation from the issued result (A3 4.2.4, 4.3.1–4.3.3) ----------------------------------------------
    const sourceId = await issuedDiagnostics(operator, parties.teacher);
    await clock(at('2027-03-04'));
    const created = await api(
      stack,
      'POST',
      '/v1/submissions/route',
      { sourceId, ...routeCompletion(parties, '2027-03-15') },
      centre,
    );
    expectOk(created, 201);
    const id = created.json.id as string;
    expect(created.json.number).toMatch(/^ИОМ-67-2027-\d{5}$/);
    expect(created.json.stage).toBe('draft');
    const number = created.json.number as string;
    let route = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, centre);
    // Pre-filled from the result: the teacher, the diagnostics section and the deficits.
    expect(route.json.payload.teacher).toMatchObject({
      person: { lastName: 'Иванова', firstName: 'Мария', middleName: 'Петровна' },
      email: parties.teacher,
      organization: { name: 'МБОУ «Средняя школа № 5» г. Смоленска' },
      position: 'учитель математики',
      subject: 'математика',
      education: 'higher-pedagogical',
    });
    expect(route.json.payload.diagnostics).toMatchObject({
      form: 'standardized',
      date: '2027-03-02',
      level: 'medium',
      deficits: DEFICITS,
    });
    expect(route.json.payload.sourceId).toBe(sourceId);
    // A3 4.3.2: due 10 working days after the diagnostics (2 March 2027; 8 March is a holiday) → 17 March.
    expect(route.json.dueAt).toBe('2027-03-17T20:59:59.999Z');
    const activities = route.json.payload.roadmap.activities as { id: string; title: string }[];
    expect(activities).toHaveLength(5);
    expect(new Set(activities.map((a) => a.id)).size).toBe(5);
    const [courses, seminar, visits, openLesson] = activities as [
      { id: string },
      { id: string },
      { id: string; title: string },
      { id: string; title: string },
    ];

    // ---- review: card and links to the teacher, the curator and the head (A3 4.3.4) --------------------------
    await clock(at('2027-03-04', '11:00'));
    expectOk(await staffAct(stack, centre, id, 'sendForReview'));
    await drainOutbox(stack);
    const reviewMails = {
      teacher: await lastMail(stack, parties.teacher, 'на ознакомление и корректировку'),
      curator: await lastMail(stack, parties.curator, 'на ознакомление и корректировку'),
      head: await lastMail(stack, parties.head, 'на ознакомление и корректировку'),
    };
    expect(reviewMails.teacher.subject).toBe(
      `ИОМ № ${number}: карта маршрута на ознакомление и корректировку`,
    );
    expect(reviewMails.teacher.text).toContain('Здравствуйте, Мария Петровна!');
    expect(reviewMails.curator.text).toContain('Вы назначены куратором маршрута');
    for (const mail of Object.values(reviewMails)) {
      const card = attachmentText(mail, 'Карта ИОМ');
      expect(card).toContain(`Индивидуальный образовательный маршрут № ${number}`);
      expect(card).toContain('Редакция 1');
      expect(card).toContain('1. Информационная справка о педагогическом работнике');
      expect(card).toContain('2. Результаты диагностики профессиональных дефицитов');
      expect(card).toContain('3. Дорожная карта по устранению выявленных дефицитов');
      expect(card).toContain('Профилактика профессионального выгорания');
      expect(card).toContain('Продолжительность прохождения ИОМ: 9 месяцев');
    }
    const teacherLink = linkOf(reviewMails.teacher);
    const headLink = linkOf(reviewMails.head);

    // Two proposals on redaction 1: the teacher moves the courses; the head drops the seminar and narrows the
    // open lesson, which would leave П-3 without any activity.
    await clock(at('2027-03-05'));
    const byTeacher = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/proposeCorrection`,
      {
        baseVersion: 1,
        reason: 'Курсы в марте совпадают с подготовкой к ВПР; прошу перенести на апрель',
        changes: [
          {
            op: 'update-activity',
            activityId: courses.id,
            patch: { period: { from: '2027-04-05', to: '2027-05-05' } },
          },
        ],
      },
      teacherLink,
    );
    expectOk(byTeacher);
    const byHead = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/proposeCorrection`,
      {
        baseVersion: 1,
        reason: 'Нагрузка педагога в апреле: 28 часов в неделю',
        changes: [
          { op: 'remove-activity', activityId: seminar.id },
          { op: 'update-activity', activityId: openLesson.id, patch: { deficitCodes: ['Ц-1'] } },
        ],
      },
      headLink,
    );
    expectOk(byHead);
    route = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, centre);
    const corrections = route.json.children as { id: string; kind: string; stage: string }[];
    expect(corrections.map((c) => [c.kind, c.stage])).toEqual([
      ['route-correction', 'proposed'],
      ['route-correction', 'proposed'],
    ]);
    const correctionOf = async (proposer: string) => {
      for (const c of corrections) {
        const r = await api(stack, 'GET', `/v1/submissions/${c.id}`, undefined, centre);
        if (r.json.payload.proposedBy.party === proposer) return c.id;
      }
      throw new Error(`no correction by ${proposer}`);
    };
    const teacherCorrection = await correctionOf('teacher');
    const headCorrection = await correctionOf('head');
    await drainOutbox(stack);
    const proposed = await mailTo(stack, CENTRE_MAILBOX, `ИОМ № ${number}: предложение о корректировке`);
    expect(proposed).toHaveLength(2);
    const proposalSheet = attachmentText(proposed[0]!, 'Корректировка ИОМ');
    expect(proposalSheet).toContain(
      `ЛИСТ КОРРЕКТИРОВКИ индивидуального образовательного маршрута № ${number}`,
    );
    expect(await mailTo(stack, parties.teacher, 'принято к рассмотрению')).toHaveLength(1);

    // The developer cannot finalise with proposals undecided.
    expectRule(await staffAct(stack, centre, id, 'finalize'), 'pending-corrections');
    // Accepting the head's proposal would uncover П-3: refused with that rule, nothing changes.
    await clock(at('2027-03-09'));
    const uncovering = await staffAct(stack, centre, headCorrection, 'accept');
    expectRule(uncovering, 'uncovered-deficits');
    expect(uncovering.json.error.message).toContain('П-3');
    expectOk(await staffAct(stack, centre, teacherCorrection, 'accept'));
    route = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, centre);
    expect(route.json.payload.revision).toBe(2);
    expect(route.json.payload.roadmap.activities[0].period).toEqual({ from: '2027-04-05', to: '2027-05-05' });
    // The head's proposal was made on redaction 1: now it is stale.
    const stale = await staffAct(stack, centre, headCorrection, 'accept');
    expect([stale.status, stale.json.error.code]).toEqual([409, 'version-conflict']);
    expectOk(
      await staffAct(stack, centre, headCorrection, 'reject', {
        reason: 'Семинар — единственное мероприятие по функциональной грамотности до мая',
      }),
    );
    await drainOutbox(stack);
    const updated = await lastMail(stack, parties.head, 'внесены изменения, редакция 2');
    const card2 = attachmentText(updated, 'Карта ИОМ');
    expect(card2).toContain('Редакция 2');
    expect(card2).toContain('Лист изменений');
    expect(card2).toContain('было «Курсы повышения квалификации');
    expect(card2).toContain('05.04.2027 — 05.05.2027');
    const accepted = await lastMail(stack, parties.teacher, 'корректировка принята');
    expect(attachmentText(accepted, 'Корректировка ИОМ')).toContain('Корректировка принята');
    const rejected = await lastMail(stack, parties.head, 'корректировка отклонена');
    expect(rejected.text).toContain('Причина: Семинар — единственное мероприятие');
    const rejectedSheet = attachmentText(rejected, 'Корректировка ИОМ');
    expect(rejectedSheet).toContain('Исключено мероприятие');
    expect(rejectedSheet).toContain('отклонена');

    // ---- finalisation and approval by the head's link (A3 4.3.7–4.3.10) ---------------------------------------
    await clock(at('2027-03-10'));
    expectOk(await staffAct(stack, centre, id, 'finalize'));
    await drainOutbox(stack);
    const approvalRequest = await lastMail(stack, parties.head, 'направлен Вам на утверждение');
    expect(attachmentText(approvalRequest, 'Карта ИОМ')).toContain('Редакция 2');
    await clock(at('2027-03-11'));
    const approved = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/approve`,
      {},
      linkOf(approvalRequest),
    );
    expectOk(approved);
    expect(approved.json.stage).toBe('active');
    await drainOutbox(stack);
    const teacherActive = await lastMail(stack, parties.teacher, 'утверждён: начинается реализация');
    const headActive = await lastMail(stack, parties.head, 'утверждён: начинается реализация');
    expect(headActive.text).toContain('Вы можете предложить корректировку маршрута');
    await lastMail(stack, parties.curator, 'утверждён: начинается реализация');
    await lastMail(stack, CENTRE_MAILBOX, `ИОМ № ${number} утверждён руководителем`);
    expect(attachmentText(teacherActive, 'Карта ИОМ')).toContain(
      'утверждён руководителем образовательной организации 11.03.2027',
    );
    const teacherRouteLink = linkOf(teacherActive);
    // The implementation link lives until a month after the route's end, not only the usual 30 days.
    const linkInfo = await api(stack, 'GET', `/v1/links/${teacherRouteLink['x-link-token']}`);
    expect(linkInfo.json).toMatchObject({ recordId: id, party: 'teacher' });
    expect(linkInfo.json.expiresAt > '2028-01-01').toBe(true);

    // ---- two marks by the teacher (A3 5.10) ---------------------------------------------------------------
    await clock(at('2027-05-06'));
    expectOk(
      await api(
        stack,
        'POST',
        `/v1/submissions/${id}/actions/markActivity`,
        {
          activityId: courses.id,
          done: true,
          evidence: 'Удостоверение о повышении квалификации № 672400012345',
        },
        teacherRouteLink,
      ),
    );
    expectOk(
      await api(
        stack,
        'POST',
        `/v1/submissions/${id}/actions/markActivity`,
        { activityId: seminar.id, done: true, evidence: 'Сертификат участника семинара' },
        teacherRouteLink,
      ),
    );
    await drainOutbox(stack);
    const marked = await documentText(stack, centre, id, 'route-card');
    expect(marked).toContain('Удостоверение о повышении квалификации № 672400012345');
    expect(marked).toContain('выполнено (отметка 06.05.2027)');
    expectOk(
      await staffAct(stack, curator, id, 'recordProgress', {
        date: '2027-05-06',
        note: 'Курсы пройдены, на семинаре выступила с сообщением о заданиях PISA',
      }),
    );

    // ---- a correction during implementation, decided by the curator and signed by all three (A3 5.11) -----
    const proposedInActive = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/proposeCorrection`,
      {
        baseVersion: 2,
        reason: 'Открытый урок переносится на начало учебного года',
        changes: [
          {
            op: 'update-activity',
            activityId: openLesson.id,
            patch: { period: { from: '2027-09-13', to: '2027-09-23' } },
          },
        ],
      },
      teacherRouteLink,
    );
    expectOk(proposedInActive);
    await drainOutbox(stack);
    const toDecide = await lastMail(
      stack,
      parties.curator,
      'предложение о корректировке ждёт Вашего решения',
    );
    const activeCorrection = (
      await api(stack, 'GET', `/v1/submissions/${id}`, undefined, centre)
    ).json.children.find((c: { id: string; stage: string }) => c.stage === 'proposed').id as string;
    // The developer does not decide corrections during implementation; the curator does (here by the mailed link).
    expectRule(await staffAct(stack, centre, activeCorrection, 'accept'), 'correction-decider');
    expectOk(
      await api(stack, 'POST', `/v1/submissions/${activeCorrection}/actions/accept`, {}, linkOf(toDecide)),
    );
    await drainOutbox(stack);
    expect((await api(stack, 'GET', `/v1/submissions/${id}`, undefined, centre)).json.payload.revision).toBe(
      3,
    );
    const ackTeacher = await lastMail(stack, parties.teacher, 'ознакомьтесь с изменениями маршрута');
    const ackHead = await lastMail(stack, parties.head, 'ознакомьтесь с изменениями маршрута');
    await lastMail(stack, parties.curator, 'ознакомьтесь с изменениями маршрута');
    expect(attachmentText(ackHead, 'Корректировка ИОМ')).toContain('не подписано');
    await clock(at('2027-05-07'));
    expectOk(
      await api(
        stack,
        'POST',
        `/v1/submissions/${activeCorrection}/actions/acknowledge`,
        {},
        linkOf(ackTeacher),
      ),
    );
    expectRule(
      await api(
        stack,
        'POST',
        `/v1/submissions/${activeCorrection}/actions/acknowledge`,
        {},
        linkOf(ackTeacher),
      ),
      'already-acknowledged',
    );
    expectOk(
      await api(
        stack,
        'POST',
        `/v1/submissions/${activeCorrection}/actions/acknowledge`,
        {},
        linkOf(ackHead),
      ),
    );
    const signed = await staffAct(stack, curator, activeCorrection, 'acknowledge');
    expectOk(signed);
    expect(signed.json.stage).toBe('acknowledged');
    await drainOutbox(stack);
    const signedCard = await documentText(stack, centre, id, 'route-card');
    expect(signedCard).toContain('Редакция 3');
    expect(signedCard).toContain('Педагогический работник: Иванова Мария Петровна, 07.05.2027');
    expect(signedCard).toContain(
      'Руководитель образовательной организации: Сидоров Андрей Викторович, 07.05.2027',
    );
    expect(signedCard).toContain('Куратор ИОМ: Петрова Ольга Николаевна, 07.05.2027');
    expect(
      attachmentText(await lastMail(stack, parties.curator, 'подписаны всеми участниками'), 'Корректировка'),
    ).toContain('Дата ознакомления');

    // ---- reminders: an activity ended without a mark → the teacher; the end in 30 days → the curator -------
    await clock(at('2027-07-14'));
    expect((await drainDeadlines(stack)).noticed).toBeGreaterThanOrEqual(1);
    const overdue = await lastMail(stack, parties.teacher, 'отметьте выполнение мероприятия');
    expect(overdue.text).toContain(visits.title);
    expect(overdue.text).toContain('13 июля 2027 г. истёк срок мероприятия');
    expect(await mailTo(stack, parties.curator, 'завершается')).toHaveLength(0);
    await clock(at('2027-11-15'));
    await drainDeadlines(stack);
    const ending = await lastMail(stack, parties.curator, `ИОМ № ${number} завершается 14.12.2027`);
    expect(ending.text).toContain('Выполнено мероприятий: 2 из 5');
    const curatorRouteLink = linkOf(ending);
    // Running again sends nothing twice.
    await drainDeadlines(stack);
    expect(await mailTo(stack, parties.curator, 'завершается')).toHaveLength(1);

    // ---- conclusion: first extended, then completed (A3 4.5.3) --------------------------------------------
    await clock(at('2027-12-01'));
    const extended = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/conclude`,
      {
        outcome: 'extended',
        finalDiagnostics: { date: '2027-11-29', level: 'medium' },
        conclusion: 'Дефицит Ц-1 преодолён не полностью: требуется ещё одно открытое занятие',
        extendTo: '2028-01-31',
      },
      curatorRouteLink,
    );
    expectOk(extended);
    expect(extended.json.stage).toBe('active');
    expect(extended.json.payload.roadmap.end).toBe('2028-01-31');
    await drainOutbox(stack);
    expect(
      attachmentText(await lastMail(stack, parties.teacher, 'продлён до 31.01.2028'), 'Карта ИОМ'),
    ).toContain('Редакция 4');
    await clock(at('2028-01-25', '12:00'));
    const completed = await staffAct(stack, curator, id, 'conclude', {
      outcome: 'completed',
      finalDiagnostics: { date: '2028-01-24', level: 'low' },
      conclusion: 'Выявленные дефициты в целом преодолены; рекомендовано обобщить опыт на заседании ШМО',
    });
    expectOk(completed);
    expect(completed.json.stage).toBe('completed');
    await drainOutbox(stack);
    const completion = attachmentText(
      await lastMail(stack, parties.head, `ИОМ № ${number} завершён`),
      'Заключение',
    );
    expect(completion).toContain('ЗАКЛЮЧЕНИЕ о реализации индивидуального образовательного маршрута');
    expect(completion).toContain('уровень профессиональных дефицитов снизился: с «средний» до «низкий»');
    expect(completion).toContain('рекомендовано обобщить опыт на заседании ШМО');
    expect(completion).toContain('Выполнено мероприятий: 2 из 5');

    // ---- retention: one year after completion nothing of it is readable, then it is deleted (A3 4.5.4) ----
    const record = (await table.get(keys.record(id))) as { expiresAt: number };
    const expiresAt = Math.floor(Date.parse(at('2028-01-25', '12:00')) / 1000) + 365 * 86_400;
    expect(record.expiresAt).toBe(expiresAt);
    // Every item of the route and of its corrections carries the expiry (TTL), links at the latest then too.
    const routeItems = await table.queryAll({ partition: keys.record(id).pk });
    expect(routeItems.filter((i) => String(i.sk).startsWith('HIST#'))).toHaveLength(15);
    expect(routeItems.filter((i) => String(i.sk).startsWith('CHILD#'))).toHaveLength(3);
    for (const item of routeItems) expect(item.expiresAt, String(item.sk)).toBeLessThanOrEqual(expiresAt);
    for (const c of routeItems.filter((i) => String(i.sk).startsWith('CHILD#'))) {
      for (const item of await table.queryAll({ partition: keys.record(String(c.id)).pk })) {
        // A link note keeps its link's own end when that comes first.
        if (String(item.sk).startsWith('LINK#')) expect(item.expiresAt).toBeLessThanOrEqual(expiresAt);
        else expect(item.expiresAt, String(item.sk)).toBe(expiresAt);
      }
    }
    const linkHash = hashLinkToken(teacherRouteLink['x-link-token']!);
    expect(routeItems.some((i) => i.sk === `LINK#${linkHash}`)).toBe(true);
    const linkItem = await table.get(keys.link(linkHash));
    expect(linkItem?.expiresAt).toBeLessThanOrEqual(expiresAt);
    expect((await listBlobKeys(`records/${id}/`)).length).toBeGreaterThanOrEqual(8);
    expect((await listBlobKeys(`records/${activeCorrection}/`)).length).toBeGreaterThan(0);

    const readable = async () => ({
      route: (await api(stack, 'GET', `/v1/submissions/${id}`, undefined, centre)).status,
      history: (await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, centre)).status,
      correction: (await api(stack, 'GET', `/v1/submissions/${activeCorrection}`, undefined, centre)).status,
      correctionHistory: (
        await api(stack, 'GET', `/v1/submissions/${activeCorrection}/history`, undefined, centre)
      ).status,
    });
    await clock(at('2029-01-24', '11:59'));
    expect(await readable()).toEqual({ route: 200, history: 200, correction: 200, correctionHistory: 200 });
    const docId = (await api(stack, 'GET', `/v1/submissions/${id}`, undefined, centre)).json.documents[0].id;
    await clock(at('2029-01-24', '12:01'));
    expect(await readable()).toEqual({ route: 404, history: 404, correction: 404, correctionHistory: 404 });
    expect(
      (await api(stack, 'GET', `/v1/submissions/${id}/documents/${docId}`, undefined, centre)).status,
    ).toBe(404);
    expect((await api(stack, 'GET', `/v1/links/${teacherRouteLink['x-link-token']}`)).status).toBe(401);
    const queue = await api(
      stack,
      'GET',
      `/v1/submissions?kind=route&q=${encodeURIComponent(number)}`,
      undefined,
      centre,
    );
    expect(queue.json.items).toEqual([]);
    // The deadline worker deletes it for good: items, children, links and documents.
    expect((await drainDeadlines(stack)).purged).toBeGreaterThanOrEqual(1);
    expect(await listBlobKeys(`records/${id}/`)).toEqual([]);
    expect(await listBlobKeys(`records/${activeCorrection}/`)).toEqual([]);
    expect(await table.get(keys.record(id), { includeExpired: true })).toBeUndefined();
    expect(await table.get(keys.record(activeCorrection), { includeExpired: true })).toBeUndefined();
    expect(await table.queryAll({ partition: keys.record(id).pk, includeExpired: true })).toEqual([]);
    expect(
      await table.queryAll({ partition: keys.record(activeCorrection).pk, includeExpired: true }),
    ).toEqual([]);
    expect(await table.get(keys.link(linkHash), { includeExpired: true })).toBeUndefined();
    // The diagnostics record it came from is not the route's: it stays.
    expect(await table.get(keys.record(sourceId))).toBeDefined();
    console.log(`route flow in ${Date.now() - started} ms`);
  }, 240_000);
});
