import { afterEach, describe, expect, it } from 'vitest';
import { ensureIssuerKeys, issueLocalToken } from '../../functions/adapters/local-issuer';
import { internshipApplication, ruralApplication } from '../support/internship-fixtures';
import { pdfText } from '../support/pdf-text';
import { api, useStack } from '../support/stack';

/**
 * A regional internship site from application to expiry (seed 004, Appendix 4) through the real emulators: the
 * engine's clock is moved with POST /dev/clock, the outbox and deadline workers run through POST /dev/run/*, mail
 * is read from the SES emulator and every PDF through pdftotext.
 */
const stack = useStack();
const CENTRE_MAILBOX = 'cnppm@forms.example-soiro.ru';

/**
 * A staff token of the internship coordinator from the local issuer's keys, valid for ten years from real now: the
 * verifier checks expiry against the real clock and against the shifted one, and this test moves the clock from
 * October 2026 to December 2029 (POST /dev/token issues 8-hour tokens at the shifted time).
 */
let token: Promise<string> | undefined;
async function centre(): Promise<Record<string, string>> {
  token ??= ensureIssuerKeys(stack.dataDir).then((keys) =>
    issueLocalToken(
      keys,
      `${stack.appUrl}/local-issuer`,
      { email: 'internship-coordinator@soiro.example.ru', roles: ['centre'], ttlSeconds: 10 * 365 * 86_400 },
      new Date(),
    ),
  );
  return { authorization: `Bearer ${await token}` };
}

afterEach(async () => {
  await api(stack, 'DELETE', '/dev/clock');
});

interface Mail {
  to: string[];
  subject: string;
  text: string;
  attachments: { filename: string; contentType: string; contentBase64: string }[];
}

async function setClock(iso: string) {
  const res = await api(stack, 'POST', '/dev/clock', { now: iso });
  expect(res.status).toBe(200);
}

/** Run the outbox until nothing is left to do for now. */
async function drainOutbox() {
  for (let i = 0; i < 10; i++) {
    const res = await api(stack, 'POST', '/dev/run/outbox');
    expect(res.status).toBe(200);
    if (res.json.result.processed === 0) return;
  }
}

async function mailTo(email: string, subjectPart?: string): Promise<Mail[]> {
  const res = await api(stack, 'GET', `/dev/mailbox?to=${encodeURIComponent(email)}`);
  expect(res.status).toBe(200);
  return (res.json as Mail[]).filter((m) => !subjectPart || m.subject.includes(subjectPart));
}

/** The one mail to `email` whose subject contains `subjectPart`. */
async function onlyMail(email: string, subjectPart: string): Promise<Mail> {
  const mails = await mailTo(email, subjectPart);
  expect(mails.map((m) => m.subject)).toHaveLength(1);
  expect(mails[0]!.to).toEqual([email]);
  return mails[0]!;
}

function attachmentText(mail: Mail, filenamePart: string): string {
  const file = mail.attachments.find((a) => a.filename.includes(filenamePart));
  expect(file, `attachment «${filenamePart}» of «${mail.subject}»`).toBeDefined();
  expect(file!.contentType).toBe('application/pdf');
  return pdfText(file!.contentBase64);
}

/** A staff action with If-Match of the version the coordinator sees. */
async function act(id: string, action: string, body: unknown) {
  const staff = await centre();
  const current = await api(stack, 'GET', `/v1/submissions/${id}`, undefined, staff);
  return api(stack, 'POST', `/v1/submissions/${id}/actions/${action}`, body, {
    ...staff,
    'if-match': String(current.json.version),
  });
}

async function staffView(id: string) {
  return api(stack, 'GET', `/v1/submissions/${id}`, undefined, await centre());
}

async function expectStage(res: { status: number; json: { stage: string } }, stage: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  expect(res.json.stage).toBe(stage);
}

const APPROVAL = {
  decision: 'approved',
  protocolNumber: '11',
  protocolDate: '2026-11-20',
  criteria: { relevance: 'met', effectiveness: 'met', completeness: 'met' },
};

async function register(query = '') {
  const res = await api(stack, 'GET', `/v1/registry/internship-sites${query}`);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as { title: string; count: number; items: Record<string, unknown>[] };
}

/** File on `filedAt` and take the application through the council, the order and the agreement to `active`. */
async function toActive(fixture: ReturnType<typeof internshipApplication>, filedAt: string) {
  await setClock(filedAt);
  const created = await api(stack, 'POST', '/v1/submissions/internship-application', fixture.body);
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const { id } = created.json;
  await expectStage(await act(id, 'startReview', {}), 'under-review');
  await expectStage(await act(id, 'sendToCouncil', { councilDate: '2026-11-20' }), 'council');
  await setClock('2026-11-20T15:00:00+03:00');
  await expectStage(await act(id, 'recordDecision', APPROVAL), 'approved');
  await setClock('2026-12-01T11:00:00+03:00');
  await expectStage(
    await act(id, 'recordOrder', { orderNumber: '1187-ОД', orderDate: '2026-12-01' }),
    'ordered',
  );
  await expectStage(
    await act(id, 'recordAgreement', { agreementNumber: '52/СП', agreementDate: '2026-12-01' }),
    'active',
  );
  await drainOutbox();
  return { id, number: created.json.number as string };
}

describe('internship-application: a site from the application to the end of its status', () => {
  it('files three topics on 15 October, is corrected, approved, ordered, agreed, listed, warned and expired', async () => {
    const started = Date.now();
    const fixture = internshipApplication(3);
    const { organizationEmail: org, headEmail: head } = fixture;

    // A4 3.2: inside the window (15 October, Moscow time).
    await setClock('2026-10-15T10:00:00+03:00');
    const created = await api(stack, 'POST', '/v1/submissions/internship-application', fixture.body);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const { id, number, accessToken } = created.json;
    expect(number).toMatch(/^СП-67-2026-\d{3}$/);
    expect(created.json.stage).toBe('submitted');
    await drainOutbox();

    // Receipt to the organisation and to the head: the application and one passport per topic, in PDF.
    for (const email of [org, head]) {
      const receipt = await onlyMail(email, `Заявка № ${number} на присвоение статуса`);
      expect(receipt.subject).toBe(
        `Заявка № ${number} на присвоение статуса «региональная стажировочная площадка» получена`,
      );
      expect(receipt.attachments.map((a) => a.filename).sort()).toEqual(
        [`Заявка ${number}.pdf`, ...[1, 2, 3].map((n) => `Паспорт ${n} к заявке ${number}.pdf`)].sort(),
      );
      expect(receipt.text).toContain('Формирование читательской грамотности');
      expect(receipt.text).toMatch(/\/l\/[A-Za-z0-9_-]{43}/);
    }
    const receipt = await onlyMail(org, `Заявка № ${number} на присвоение статуса`);
    expect(receipt.text).toContain('Здравствуйте!');
    expect((await onlyMail(head, `Заявка № ${number} на присвоение статуса`)).text).toContain(
      'Уважаемый(ая) Ирина Викторовна!',
    );
    const application = attachmentText(receipt, 'Заявка');
    for (const fragment of [
      'ЗАЯВКА',
      'на присвоение статуса «региональная стажировочная площадка»',
      'В ГАУ ДПО СОИРО',
      'Средняя школа № 40',
      'ул. Кирова, д. 27а',
      'смыслового чтения',
      'ФГИС «Моя школа»',
      'Школьная служба медиации',
      'январь 2027 г. — декабрь 2029 г.',
      'Ковалёва Ирина Викторовна',
      'И.В. Ковалёва',
    ]) {
      expect(application).toContain(fragment);
    }
    // «Оформляется на бланке организации»: the organisation's details come before the title.
    expect(application.indexOf('ул. Кирова')).toBeLessThan(application.indexOf('ЗАЯВКА'));
    const passports = [1, 2, 3].map((n) => attachmentText(receipt, `Паспорт ${n}`));
    expect(passports[0]).toContain('региональной стажировочной площадки № 1');
    expect(passports[0]).toContain('1. Общие сведения');
    expect(passports[0]).toContain(
      '2. Обоснование темы и возможности создания региональной стажировочной площадки',
    );
    expect(passports[0]).toContain('3. Предполагаемый формат и содержание деятельности');
    expect(passports[0]).toContain('Смысловое чтение как метапредметный результат');
    expect(passports[1]).toContain('по цифровой дидактике');
    expect(passports[2]).toContain('Восстановительные технологии и школьная медиация');
    expect(passports[2]).toContain('Сергеенкова Ольга Николаевна');
    expect(passports[2]).toContain('супервизия случаев медиации');
    for (const text of passports) expect(text).toContain('Раннее развитие детей в ДОО');

    const toCentre = await onlyMail(
      CENTRE_MAILBOX,
      `Новая заявка на статус стажировочной площадки № ${number}`,
    );
    expect(toCentre.attachments).toHaveLength(4);
    expect(toCentre.text).toContain('Цифровые технологии в образовании; мест: 15');
    expect(
      pdfText(toCentre.attachments.find((a) => a.filename.startsWith('Паспорт 2'))!.contentBase64),
    ).toContain('ФГИС «Моя школа» в основной школе');

    // Review: changes requested, the applicant edits through the mailed link.
    await expectStage(await act(id, 'startReview', {}), 'under-review');
    await expectStage(
      await act(id, 'requestChanges', {
        comments: 'Уточните количество стажировочных мест по теме № 1 и сроки реализации программы.',
      }),
      'changes-requested',
    );
    await drainOutbox();
    for (const email of [org, head]) {
      const review = await onlyMail(email, `Заявка № ${number} принята к рассмотрению`);
      expect(review.attachments).toEqual([]);
      expect(review.text).toContain('принята к рассмотрению ЦНППМ ГАУ ДПО СОИРО');
    }
    const returned = await onlyMail(org, `Заявка № ${number} возвращена на доработку`);
    expect(returned.text).toContain('Уточните количество стажировочных мест по теме № 1');
    const resubmitToken = /\/l\/([A-Za-z0-9_-]{43})/.exec(returned.text)?.[1];
    expect(resubmitToken).toBeDefined();
    const headReturned = await onlyMail(head, `Заявка № ${number} возвращена на доработку`);
    expect(headReturned.text).not.toMatch(/\/l\/[A-Za-z0-9_-]{43}/);
    expect((await api(stack, 'GET', `/v1/links/${resubmitToken}`)).json.actions).toEqual(['resubmit']);

    const corrected = structuredClone(fixture.body);
    corrected.passports[0].maxPlaces = 30;
    corrected.proposedPeriod = 'январь 2027 г. — июнь 2029 г.';
    const resubmitted = await api(
      stack,
      'POST',
      `/v1/submissions/${id}/actions/resubmit`,
      { payload: corrected },
      { 'x-link-token': resubmitToken! },
    );
    await expectStage(resubmitted, 'under-review');
    await drainOutbox();

    // The history keeps both versions: the staff see the previous payload and what changed.
    const history = await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, await centre());
    const resubmitEvent = history.json.find((e: { action: string }) => e.action === 'resubmit');
    expect(resubmitEvent).toMatchObject({ fromStage: 'changes-requested', toStage: 'under-review' });
    expect(resubmitEvent.details.changedFields.sort()).toEqual(['passports.0.maxPlaces', 'proposedPeriod']);
    expect(resubmitEvent.details.previousPayload.passports[0].maxPlaces).toBe(25);
    expect(resubmitEvent.details.previousPayload.proposedPeriod).toBe('январь 2027 г. — декабрь 2029 г.');
    const record = await staffView(id);
    expect(record.json.payload.passports[0].maxPlaces).toBe(30);
    // Both renderings of the application stay among the documents.
    expect(record.json.documents.filter((d: { name: string }) => d.name === 'application')).toHaveLength(2);
    // The applicant's view of the history carries no details.
    const applicantHistory = await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, {
      'x-link-token': accessToken,
    });
    expect(applicantHistory.status).toBe(200);
    expect(applicantHistory.json.some((e: { details?: unknown }) => e.details)).toBe(false);

    const resubmittedToCentre = await onlyMail(
      CENTRE_MAILBOX,
      `Исправленная заявка на статус стажировочной площадки № ${number}`,
    );
    expect(attachmentText(resubmittedToCentre, 'Заявка')).toContain('январь 2027 г. — июнь 2029 г.');
    expect(resubmittedToCentre.attachments).toHaveLength(4);
    for (const email of [org, head]) {
      const again = await onlyMail(email, `Исправленная заявка № ${number} получена`);
      expect(attachmentText(again, 'Паспорт 1')).toContain('Максимальное количество стажировочных мест 30');
    }

    // Council (A4 3.5–3.6), its decision, the department's order (3.8–3.9) and the agreement (3.10).
    await expectStage(await act(id, 'sendToCouncil', { councilDate: '2026-11-20' }), 'council');
    await drainOutbox();
    for (const email of [org, head]) {
      const council = await onlyMail(email, `Заявка № ${number} передана на заседание Ученого совета`);
      expect(council.text).toContain('которое состоится 20 ноября 2026 г.');
      expect(council.attachments).toEqual([]);
    }
    await setClock('2026-11-20T15:00:00+03:00');
    await expectStage(await act(id, 'recordDecision', APPROVAL), 'approved');
    await drainOutbox();
    for (const email of [org, head]) {
      const decision = await onlyMail(
        email,
        `Решение Ученого совета по заявке № ${number}: статус присвоить`,
      );
      expect(decision.attachments.map((a) => a.filename)).toEqual([
        `Решение Ученого совета по заявке ${number}.pdf`,
      ]);
      const text = attachmentText(decision, 'Решение');
      expect(text).toContain('из протокола заседания Ученого совета ГАУ ДПО СОИРО');
      expect(text).toContain('№ 11');
      expect(text).toContain('актуальность выбранного направления деятельности');
      expect(text).toContain('полнота представленного пакета документов');
      expect(text).toContain('присвоить статус «региональная стажировочная площадка»');
    }

    await setClock('2026-12-01T11:00:00+03:00');
    // A4 3.9: at most three years after the order.
    const tooLong = await act(id, 'recordOrder', {
      orderNumber: '1187-ОД',
      orderDate: '2026-12-01',
      validUntil: '2029-12-02',
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.error.rule).toBe('status-term-exceeded');
    expect(tooLong.json.error.message).toContain('не позднее 01.12.2029');
    await expectStage(
      await act(id, 'recordOrder', { orderNumber: '1187-ОД', orderDate: '2026-12-01' }),
      'ordered',
    );
    const ordered = await staffView(id);
    expect(ordered.json.payload.validUntil).toBe('2029-12-01');
    // Not active yet: not in the register.
    expect((await register()).items.filter((i) => i.number === number)).toEqual([]);
    await expectStage(
      await act(id, 'recordAgreement', { agreementNumber: '52/СП', agreementDate: '2026-12-01' }),
      'active',
    );
    await drainOutbox();
    for (const email of [org, head]) {
      const ordered = await onlyMail(email, 'присвоен: приказ № 1187-ОД');
      expect(ordered.subject).toBe('Статус «региональная стажировочная площадка» присвоен: приказ № 1187-ОД');
      expect(ordered.text).toContain(
        'Приказ: Департамент Смоленской области по образованию и науке, от 01.12.2026 № 1187-ОД',
      );
      expect(ordered.text).toContain('по 1 декабря 2029 г.');
    }
    for (const email of [org, head]) {
      const certificate = await onlyMail(
        email,
        `Свидетельство о статусе региональной стажировочной площадки № ${number}`,
      );
      const text = attachmentText(certificate, 'Свидетельство');
      expect(text).toContain('СВИДЕТЕЛЬСТВО');
      expect(text).toContain('с 01.12.2026 по 01.12.2029');
      expect(text).toContain('1187-ОД');
      expect(text).toContain('52/СП');
      expect(text).toContain('Восстановительные технологии и школьная медиация');
    }

    // A4 5.1.4: the public register, without authentication.
    const listed = (await register()).items.filter((i) => i.number === number);
    expect(listed.map((i) => i.topic)).toEqual(
      fixture.body.topics.slice().sort((a: string, b: string) => a.localeCompare(b, 'ru')),
    );
    const digital = listed.find((i) => i.direction === 'digital')!;
    expect(digital).toMatchObject({
      organization: fixture.body.organization.fullName,
      municipality: 'город Смоленск',
      directionTitle: 'Цифровые технологии в образовании',
      maxPlaces: 15,
      formatTitles: [
        'Стажировка как самостоятельный вид повышения квалификации',
        'Реализация индивидуальных образовательных маршрутов',
      ],
      validUntil: '2029-12-01',
      contacts: { phone: '+74812554109', email: org, website: 'https://sch40-smolensk.example.ru' },
    });
    expect((listed.find((i) => i.direction === 'other') as { directionTitle: string }).directionTitle).toBe(
      'Восстановительные технологии и школьная медиация',
    );
    const published = JSON.stringify(listed);
    for (const personal of ['Ковалёва', 'Ирина', head, '+79107123456', 'Сергеенкова']) {
      expect(published).not.toContain(personal);
    }
    expect((await register('?direction=digital')).items.filter((i) => i.number === number)).toHaveLength(1);
    expect(
      (await register(`?municipality=${encodeURIComponent('Город  СМОЛЕНСК')}`)).items.filter(
        (i) => i.number === number,
      ),
    ).toHaveLength(3);
    expect(
      (await register(`?municipality=${encodeURIComponent('Гагаринский муниципальный округ')}`)).items.filter(
        (i) => i.number === number,
      ),
    ).toEqual([]);
    const pdf = await fetch(`${stack.appUrl}/v1/registry/internship-sites?format=pdf&direction=digital`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const printed = pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(printed).toContain('Реестр региональных стажировочных площадок');
    expect(printed).toContain('ФГИС «Моя школа»');
    expect(printed).not.toContain('смыслового чтения');
    expect(printed).not.toContain('Ковалёва');

    // DOMAIN.md: a notice 90 days before the status ends (1 December 2029 → 2 September 2029), exactly once.
    await setClock('2029-09-01T12:00:00+03:00');
    await api(stack, 'POST', '/dev/run/deadlines');
    await drainOutbox();
    expect(await mailTo(head, 'истекает')).toEqual([]);
    await setClock('2029-09-02T09:00:00+03:00');
    await api(stack, 'POST', '/dev/run/deadlines');
    await api(stack, 'POST', '/dev/run/deadlines');
    await drainOutbox();
    for (const email of [org, head, CENTRE_MAILBOX]) {
      const notice = await onlyMail(
        email,
        `Срок статуса стажировочной площадки № ${number} истекает 01.12.2029`,
      );
      expect(notice.text).toContain('1 декабря 2029 г.');
    }
    expect((await staffView(id)).json.stage).toBe('active');

    // A4 3.11: the last day of the status is still in it; the next morning the deadline worker expires it.
    await setClock('2029-12-01T20:00:00+03:00');
    await api(stack, 'POST', '/dev/run/deadlines');
    expect((await staffView(id)).json.stage).toBe('active');
    await setClock('2029-12-02T00:30:00+03:00');
    const run = await api(stack, 'POST', '/dev/run/deadlines');
    expect(run.json.result.timed).toBeGreaterThanOrEqual(1);
    const expired = await staffView(id);
    expect(expired.json.stage).toBe('expired');
    expect(expired.json.payload.expiredOn).toBe('2029-12-02');
    await drainOutbox();
    for (const email of [org, head]) {
      expect((await onlyMail(email, `Срок статуса стажировочной площадки № ${number} истёк`)).text).toContain(
        'исключена из реестра',
      );
    }
    expect((await register()).items.filter((i) => i.number === number)).toEqual([]);
    // One mail per stage to each of them, nothing twice: received, under review, returned, corrected, council,
    // decision, order, certificate, notice, expiry.
    expect(await mailTo(org)).toHaveLength(10);
    expect(await mailTo(head)).toHaveLength(10);
    const events = (await api(stack, 'GET', `/v1/submissions/${id}/history`, undefined, await centre())).json;
    expect(events.at(-1)).toMatchObject({ action: 'expire', by: { party: 'system' }, toStage: 'expired' });
    console.log(`internship site, application to expiry: ${Date.now() - started} ms`);
    // About 7 s alone; a whole path of ~40 PDFs and mails gets room when the machine is busy.
  }, 120_000);

  it('terminates an active site early on a ground of A4 3.12 and takes it off the register', async () => {
    const fixture = internshipApplication(1);
    const { id, number } = await toActive(fixture, '2026-10-20T12:00:00+03:00');
    expect((await register()).items.filter((i) => i.number === number)).toHaveLength(1);
    // One topic, one passport: passport-2 and passport-3 are declared by the kind but not rendered.
    const receipt = await onlyMail(fixture.organizationEmail, `Заявка № ${number} на присвоение статуса`);
    expect(receipt.attachments.map((a) => a.filename)).toEqual([
      `Заявка ${number}.pdf`,
      `Паспорт 1 к заявке ${number}.pdf`,
    ]);
    const record = await staffView(id);
    expect(record.json.documents.map((d: { name: string }) => d.name).sort()).toEqual([
      'application',
      'decision',
      'passport-1',
      'status-certificate',
    ]);

    const unknown = await act(id, 'terminate', { reason: 'bankruptcy', details: 'Нет' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['reason']);

    await setClock('2027-03-01T10:00:00+03:00');
    await expectStage(
      await act(id, 'terminate', {
        reason: 'no-demand',
        details: 'В 2025–2027 гг. на стажировку не записался ни один слушатель.',
      }),
      'terminated',
    );
    await drainOutbox();
    for (const email of [fixture.organizationEmail, fixture.headEmail]) {
      const mail = await onlyMail(email, `Статус стажировочной площадки № ${number} прекращён досрочно`);
      expect(mail.text).toContain('п. 3.12.3');
      expect(mail.attachments.map((a) => a.filename)).toEqual([`Прекращение статуса ${number}.pdf`]);
      const text = attachmentText(mail, 'Прекращение');
      expect(text).toContain('о досрочном прекращении статуса');
      expect(text).toContain(
        'невостребованность программы стажировочной площадки педагогическими работниками и/или управленческими кадрами в течение 2 лет',
      );
      expect(text).toContain('01.03.2027');
      expect(text).toContain('ни один слушатель');
    }
    expect((await register()).items.filter((i) => i.number === number)).toEqual([]);
    // The deadline worker has nothing more to do with it: no expiry of a terminated site.
    await setClock('2029-12-02T10:00:00+03:00');
    await api(stack, 'POST', '/dev/run/deadlines');
    expect((await staffView(id)).json.stage).toBe('terminated');
  });

  it('records a refusal of the council with its grounds, and refuses an approval against its own criteria', async () => {
    const fixture = internshipApplication(2);
    await setClock('2026-09-01T00:05:00+03:00');
    const created = await api(stack, 'POST', '/v1/submissions/internship-application', fixture.body);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const { id, number } = created.json;
    await expectStage(await act(id, 'startReview', {}), 'under-review');
    await expectStage(await act(id, 'sendToCouncil', { councilDate: '2026-11-20' }), 'council');
    await setClock('2026-11-20T15:00:00+03:00');
    const contradictory = await act(id, 'recordDecision', {
      ...APPROVAL,
      criteria: { relevance: 'met', effectiveness: 'not-met', completeness: 'met' },
    });
    expect(contradictory.status).toBe(422);
    expect(contradictory.json.error.rule).toBe('criteria-not-met');
    const noGrounds = await act(id, 'recordDecision', { ...APPROVAL, decision: 'rejected' });
    expect(noGrounds.status).toBe(400);
    expect(noGrounds.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['comment']);
    await expectStage(
      await act(id, 'recordDecision', {
        ...APPROVAL,
        decision: 'rejected',
        criteria: { relevance: 'met', effectiveness: 'not-met', completeness: 'met' },
        comment: 'Результативность практики не подтверждена данными внешней оценки.',
      }),
      'rejected',
    );
    await drainOutbox();
    for (const email of [fixture.organizationEmail, fixture.headEmail]) {
      const mail = await onlyMail(
        email,
        `Решение Ученого совета по заявке № ${number}: в присвоении статуса отказано`,
      );
      expect(mail.text).toContain('Результативность практики не подтверждена');
      const text = attachmentText(mail, 'Решение');
      expect(text).toContain('отказать в присвоении статуса «региональная стажировочная площадка»');
      expect(text).toContain('не соответствует');
      expect(text).toContain('Основания отказа');
    }
  });
});

describe('internship-application: rules of filing', () => {
  it('refuses the same application on 2 November (Moscow time) with outside-selection-window naming the window', async () => {
    const fixture = internshipApplication(3);
    // 2 November 00:10 in Moscow is still 1 November in UTC: the window is the instance's time zone's.
    await setClock('2026-11-01T21:10:00Z');
    const late = await api(stack, 'POST', '/v1/submissions/internship-application', fixture.body);
    expect(late.status).toBe(422);
    expect(late.json.error).toMatchObject({ code: 'rule', rule: 'outside-selection-window' });
    expect(late.json.error.message).toContain('Заявки принимаются с 1 сентября по 1 ноября');
    // 1 November 23:50 in Moscow: the last day of the window is included.
    await setClock('2026-11-01T20:50:00Z');
    expect((await api(stack, 'POST', '/v1/submissions/internship-application', fixture.body)).status).toBe(
      201,
    );
    await setClock('2026-08-31T23:00:00+03:00');
    const early = await api(
      stack,
      'POST',
      '/v1/submissions/internship-application',
      internshipApplication(1).body,
    );
    expect(early.status).toBe(422);
    expect(early.json.error.rule).toBe('outside-selection-window');
  });

  it('refuses an application with no ground of A4 3.1.1–3.1.4, counting an innovation platform of over 5 years ago as none', async () => {
    await setClock('2026-10-15T10:00:00+03:00');
    const fixture = ruralApplication();
    const passport = fixture.body.passports[0];
    delete passport.justification.positiveExperience;
    const none = await api(stack, 'POST', '/v1/submissions/internship-application', fixture.body);
    expect(none.status).toBe(422);
    expect(none.json.error.rule).toBe('no-eligibility-ground');
    expect(none.json.error.message).toContain('п. 3.1.1–3.1.4');
    expect(none.json.error.message).toContain('№ 1');

    passport.justification.innovationPlatform = {
      level: 'regional',
      topic: 'Сетевое взаимодействие сельских школ',
      programFrom: '2017-09-01',
      programTo: '2021-06-30',
    };
    const stale = await api(stack, 'POST', '/v1/submissions/internship-application', fixture.body);
    expect(stale.status).toBe(422);
    expect(stale.json.error.rule).toBe('no-eligibility-ground');
    expect(stale.json.error.message).toContain('завершённая более 5 лет назад');

    passport.justification.innovationPlatform.programTo = '2021-10-15';
    const recent = await api(stack, 'POST', '/v1/submissions/internship-application', fixture.body);
    expect(recent.status, JSON.stringify(recent.json)).toBe(201);
  });

  it('refuses a passport for a fourth topic, and passports that do not match the topics, with validation errors', async () => {
    await setClock('2026-10-15T10:00:00+03:00');
    const fixture = internshipApplication(3);
    const fourth = structuredClone(fixture.body);
    fourth.passports.push({
      ...structuredClone(fourth.passports[0]),
      topic: 'Наставничество молодых педагогов',
    });
    const res = await api(stack, 'POST', '/v1/submissions/internship-application', fourth);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation');
    const paths = res.json.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(['passports']);
    expect(res.json.error.issues[0].message).toBe(
      'Не более 3 паспортов: по одному на каждую тему (проблему)',
    );

    const fourTopics = structuredClone(fourth);
    fourTopics.topics.push('Наставничество молодых педагогов');
    const tooMany = await api(stack, 'POST', '/v1/submissions/internship-application', fourTopics);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.issues.map((i: { path: string }) => i.path)).toContain('topics');

    const swapped = structuredClone(fixture.body);
    swapped.passports.reverse();
    const mismatch = await api(stack, 'POST', '/v1/submissions/internship-application', swapped);
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error.issues.map((i: { path: string }) => i.path)).toEqual([
      'passports.0.topic',
      'passports.2.topic',
    ]);

    const other = structuredClone(fixture.body);
    delete other.passports[2].directionOther;
    const noOther = await api(stack, 'POST', '/v1/submissions/internship-application', other);
    expect(noOther.status).toBe(400);
    expect(noOther.json.error.issues.map((i: { path: string }) => i.path)).toEqual([
      'passports.2.directionOther',
    ]);
  });

  it('describes the form with the passport’s enumerations in Russian', async () => {
    const form = await api(stack, 'GET', '/v1/forms/internship-application');
    expect(form.status).toBe(200);
    expect(form.json.public).toBe(true);
    expect(form.json.enums.direction['early-development']).toBe('Раннее развитие детей в ДОО');
    expect(form.json.enums.format.routes).toBe('Реализация индивидуальных образовательных маршрутов');
    expect(form.json.schema.properties.passports.maxItems).toBe(3);
    expect(Object.keys(form.json.actions)).toEqual([
      'startReview',
      'requestChanges',
      'resubmit',
      'sendToCouncil',
      'recordDecision',
      'recordOrder',
      'recordAgreement',
      'expire',
      'terminate',
    ]);
    const openapi = await api(stack, 'GET', '/openapi.json');
    expect(openapi.json.paths['/v1/registry/internship-sites'].get.summary).toContain('Реестр');
  });

  it('validates the register filters', async () => {
    const bad = await api(stack, 'GET', '/v1/registry/internship-sites?direction=cooking&format=docx');
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'direction',
      'format',
    ]);
    const unknown = await api(stack, 'GET', '/v1/registry/internship-sites?region=67');
    expect(unknown.status).toBe(400);
  });
});
