import { describe, expect, it } from 'vitest';
import { config } from '../../functions/config';
import {
  attachmentText,
  download,
  drainOutbox,
  link,
  linkOf,
  mailTo,
  staff,
  staffAction,
  submitCollective,
} from '../support/diagnostics-api';
import { addDays, DEFICITS, participantRows, results, today } from '../support/diagnostics-fixtures';
import { api, useStack } from '../support/stack';

/**
 * A collective request of 12 participants (A2 5.9.3 and the sample letter): 10 teachers of one Smolensk school, two
 * of them in two subjects (footnote * of the consent form: one consent per subject), one declining. Every mail is
 * checked (recipient, subject, attachments, the link works) and every PDF by its extracted text.
 */
const stack = useStack();
const LETTER = 'Коллективная заявка на диагностику.pdf';
const SHEET = 'Согласие педагогических работников.pdf';
const DECLINING = 11;

const d = (iso: string) => iso.split('-').reverse().join('.');

describe('a collective request of 12 participants', () => {
  it('goes from submission through online consents, agreement and conduct to results for each participant', async () => {
    const operator = await staff(stack, ['operator']);
    const operatorBox = config().instance.mailboxes.operator;
    const rows = participantRows(12);
    expect(new Set(rows.map((r) => r.email)).size).toBe(10);

    // Submission: the head gets the letter and a link; every row gets a consent and its teacher a link.
    const run = await submitCollective(stack, { rows });
    const ref = run.id.slice(0, 8);
    expect(run.consents.size).toBe(12);
    const headMails = () => mailTo(stack, run.headEmail);
    const [receipt] = await headMails();
    expect(receipt!.to).toEqual([run.headEmail]);
    expect(receipt!.subject).toBe(
      `Коллективная заявка на диагностику № ${ref} принята: идёт сбор согласий педагогов`,
    );
    expect(receipt!.attachments.map((a) => a.filename)).toEqual([LETTER]);
    const draft = attachmentText(receipt!, LETTER);
    expect(draft).toContain(
      'Просим рассмотреть заявку на проведение стандартизированной диагностики профессиональных дефицитов учителей',
    );
    const period = (await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, operator)).json.payload
      .period;
    expect(draft).toContain(`в период с ${d(period.from)} по ${d(period.to)}`);
    expect(draft).toContain(
      '10 учителей по предметам: математика — 3 чел.; информатика — 1 чел.; русский язык — 2 чел.; литература — 2 чел.',
    );
    expect(draft).toContain('предметный');
    expect(draft).toContain('цифровая грамотность и ИКТ');
    expect(draft).toContain('собираются в электронной форме');
    expect(draft).toContain('Н.А. Григорьева');
    const headLink = linkOf(receipt!)!;
    const headDescribed = await api(stack, 'GET', `/v1/links/${headLink}`);
    expect(headDescribed.json).toMatchObject({ recordId: run.id, party: 'head' });
    expect(headDescribed.json.actions.sort()).toEqual(['finalize', 'withdraw']);

    // The consent page/API shows the teacher the request and the personal-data text with its edition.
    const firstPid = run.participantIds[0]!;
    const consentView = await api(
      stack,
      'GET',
      `/v1/submissions/${run.consents.get(firstPid)}`,
      undefined,
      link(run.consentLinks.get(firstPid)!),
    );
    expect(consentView.status).toBe(200);
    expect(consentView.json.payload.organization.name).toContain('«Средняя школа № 33» города Смоленска');
    expect(consentView.json.payload.period).toEqual(period);
    expect(consentView.json.payload.participant).toMatchObject({
      subject: 'математика',
      blocks: ['subject', 'methodical', 'digital'],
    });
    expect(consentView.json.payload.personalData.version).toBe('2025-09-01');
    expect(consentView.json.payload.personalData.text).toContain('152-ФЗ');
    expect(consentView.json.allowedActions.sort()).toEqual(['decline', 'give']);
    const requestMail = (await mailTo(stack, rows[0]!.email)).find(
      (m) => linkOf(m) === run.consentLinks.get(firstPid),
    )!;
    expect(requestMail.text).toContain('Предмет, по которому Вы будете проходить диагностику: математика');
    expect(requestMail.text).toContain('редакция от 01.09.2025');
    expect(requestMail.attachments).toEqual([]);

    // A teacher consents to fewer blocks than asked; a block not in the row is refused.
    const refused = await api(
      stack,
      'POST',
      `/v1/submissions/${run.consents.get(firstPid)}/actions/give`,
      { blocks: ['communicative'], personalDataConsent: true },
      link(run.consentLinks.get(firstPid)!),
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error.issues[0].path).toBe('blocks.0');
    for (const [i, pid] of run.participantIds.entries()) {
      const token = run.consentLinks.get(pid)!;
      const res =
        i === DECLINING
          ? await api(
              stack,
              'POST',
              `/v1/submissions/${run.consents.get(pid)}/actions/decline`,
              { reason: 'Высокая учебная нагрузка' },
              { ...link(token), 'user-agent': `Teacher-${i}` },
            )
          : await api(
              stack,
              'POST',
              `/v1/submissions/${run.consents.get(pid)}/actions/give`,
              { blocks: i === 0 ? ['subject', 'methodical'] : rows[i]!.blocks, personalDataConsent: true },
              { ...link(token), 'user-agent': `Mozilla/5.0 (Teacher ${i})` },
            );
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      // Until the last answer the request waits.
      const parent = await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, link(run.accessToken));
      expect(parent.json.stage).toBe(i < 11 ? 'awaiting-consents' : 'submitted');
    }
    // An answered consent's link no longer answers.
    const again = await api(
      stack,
      'POST',
      `/v1/submissions/${run.consents.get(firstPid)}/actions/decline`,
      {},
      link(run.consentLinks.get(firstPid)!),
    );
    expect(again.status).toBe(422);
    expect(again.json.error.rule).toBe('action-not-allowed');

    // Evidence of the online answer: time, IP, user agent and link id (staff see it; the history keeps it).
    const answered = await api(
      stack,
      'GET',
      `/v1/submissions/${run.consents.get(firstPid)}`,
      undefined,
      operator,
    );
    expect(answered.json.payload.answer).toMatchObject({
      decision: 'given',
      blocks: ['subject', 'methodical'],
      personalDataConsentVersion: '2025-09-01',
    });
    expect(answered.json.payload.answer.evidence.userAgent).toBe('Mozilla/5.0 (Teacher 0)');
    expect(answered.json.payload.answer.evidence.ip).toMatch(/\d/);
    expect(answered.json.payload.answer.evidence.linkId).toMatch(/^[0-9a-f]{16}$/);
    const consentHistory = await api(
      stack,
      'GET',
      `/v1/submissions/${run.consents.get(firstPid)}/history`,
      undefined,
      operator,
    );
    expect(consentHistory.json.at(-1)).toMatchObject({
      action: 'give',
      toStage: 'given',
      details: { evidence: { userAgent: 'Mozilla/5.0 (Teacher 0)' } },
    });

    await drainOutbox(stack);
    // Each teacher is told their answer was received.
    const given0 = (await mailTo(stack, rows[0]!.email)).filter(
      (m) => m.subject === 'Ваше согласие на участие в диагностике получено',
    );
    expect(given0).toHaveLength(2);
    expect(given0.map((m) => m.text).join()).toContain('Диагностические блоки: предметный, методический\n');
    const declinedMail = (await mailTo(stack, rows[DECLINING]!.email)).find(
      (m) => m.subject === 'Ваш отказ от участия в диагностике получен',
    );
    expect(declinedMail?.text).toContain('предмет: литература');

    // The operator gets the letter with the consent sheet; the 3-working-day deadline runs (A2 5.9.4).
    const toOperator = (await mailTo(stack, operatorBox)).filter(
      (m) => m.subject === `Новая коллективная заявка на диагностику № ${ref}`,
    );
    expect(toOperator).toHaveLength(1);
    expect(toOperator[0]!.attachments.map((a) => a.filename)).toEqual([LETTER, SHEET]);
    const letter = attachmentText(toOperator[0]!, LETTER);
    expect(letter).toContain(
      '9 учителей по предметам: математика — 3 чел.; информатика — 1 чел.; русский язык — 2 чел.; литература — 1 чел.',
    );
    expect(letter).toContain(
      'Письменное согласие педагогических работников на проведение диагностики прилагается',
    );
    const sheet = attachmentText(toOperator[0]!, SHEET);
    expect(sheet).toContain('№ п/п');
    expect(sheet).toContain('Перечень диагностических блоков');
    expect(sheet.match(/согласие дано в электронной форме \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}/g)).toHaveLength(
      11,
    );
    expect(sheet).toContain('отказ от участия');
    expect(sheet).toContain('Ковалёва Ирина Николаевна математика предметный, методический согласие дано');
    expect(sheet).toContain('Кузнецова Анна Геннадьевна литература');
    const submitted = await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, operator);
    expect(submitted.json.stage).toBe('submitted');
    expect(Date.parse(submitted.json.dueAt)).toBeGreaterThan(Date.now());
    const collected = (await headMails()).find(
      (m) => m.subject === `Согласия собраны: коллективная заявка № ${ref} направлена оператору диагностики`,
    )!;
    expect(collected.attachments.map((a) => a.filename)).toEqual([LETTER, SHEET]);
    expect(collected.text).toContain('Согласие дали: 11\nОтказались: 1\nНе ответили: 0');
    expect((await api(stack, 'GET', `/v1/links/${linkOf(collected)}`)).json.recordId).toBe(run.id);

    // The head's documents: the letter (draft and final) and the consent sheet, downloadable through the link.
    const headView = await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, link(headLink));
    expect(headView.json.documents.map((x: { name: string }) => x.name).sort()).toEqual([
      'collective-request',
      'collective-request',
      'consent-sheet',
    ]);
    const sheetDoc = headView.json.documents.find((x: { name: string }) => x.name === 'consent-sheet');
    expect((await download(stack, run.id, sheetDoc.id, link(headLink))).body).toContain(
      'Морозова Елена Сергеевна',
    );
    // The head may not finalise any more.
    const late = await api(stack, 'POST', `/v1/submissions/${run.id}/actions/finalize`, {}, link(headLink));
    expect(late.status).toBe(422);

    // Agreement: the head gets the notice with the participants, every consenting teacher an invitation.
    const day = addDays(today(), 7);
    expect(
      (await staffAction(stack, operator, run.id, 'agree', { date: day, place: 'ГАУ ДПО СОИРО, ауд. 12' }))
        .status,
    ).toBe(200);
    await drainOutbox(stack);
    const headInvitation = (await headMails()).find(
      (m) => m.subject === `Диагностика профессиональных дефицитов назначена (коллективная заявка № ${ref})`,
    )!;
    expect(headInvitation.attachments.map((a) => a.filename)).toEqual([
      'Уведомление о проведении диагностики.pdf',
    ]);
    const notice = attachmentText(headInvitation, 'Уведомление о проведении диагностики.pdf');
    expect(notice).toContain('ГАУ ДПО СОИРО, ауд. 12');
    expect(notice).toContain('Белова Светлана Юрьевна английский язык');
    expect(notice).not.toContain('Кузнецова');
    const invitations0 = (await mailTo(stack, rows[0]!.email)).filter(
      (m) => m.subject === 'Приглашение на диагностику профессиональных дефицитов',
    );
    expect(invitations0).toHaveLength(2);
    for (const m of invitations0) {
      expect(m.attachments.map((a) => a.filename)).toEqual(['Приглашение на диагностику.pdf']);
      expect(attachmentText(m, 'Приглашение на диагностику.pdf')).toContain('ГАУ ДПО СОИРО, ауд. 12');
      expect((await api(stack, 'GET', `/v1/links/${linkOf(m)}`)).json.party).toBe('participant');
    }
    expect(
      (await mailTo(stack, rows[DECLINING]!.email)).some((m) => m.subject.startsWith('Приглашение')),
    ).toBe(false);

    // Conduct, then the results, one participant at a time.
    expect((await staffAction(stack, operator, run.id, 'conduct', { conductedOn: today() })).status).toBe(
      200,
    );
    const noConsent = await staffAction(stack, operator, run.id, 'issueResults', {
      participantId: run.participantIds[DECLINING],
      ...results(),
    });
    expect(noConsent.status).toBe(422);
    expect(noConsent.json.error.rule).toBe('no-consent');
    const notConsentedBlock = await staffAction(stack, operator, run.id, 'issueResults', {
      participantId: firstPid,
      ...results(),
      blocks: [{ block: 'digital', level: 'high' }],
    });
    expect(notConsentedBlock.status).toBe(400);
    expect(notConsentedBlock.json.error.issues[0].path).toBe('blocks.0.block');
    for (const [i, pid] of run.participantIds.entries()) {
      if (i === DECLINING) continue;
      const res = await staffAction(stack, operator, run.id, 'issueResults', {
        participantId: pid,
        ...results(i % 2 ? 'medium' : 'high', [DEFICITS.literacy, DEFICITS.assessment]),
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.stage).toBe(i === 10 ? 'results-issued' : 'conducted');
    }
    const twice = await staffAction(stack, operator, run.id, 'issueResults', {
      participantId: firstPid,
      ...results(),
    });
    expect(twice.status).toBe(422);
    await drainOutbox(stack);

    // Each participant has their own results mail, with the notice attached and a link that opens their results.
    for (const [i, pid] of run.participantIds.entries()) {
      const mails = (await mailTo(stack, rows[i]!.email)).filter(
        (m) => m.subject === 'Результаты диагностики профессиональных дефицитов',
      );
      if (i === DECLINING) {
        expect(mails).toHaveLength(0);
        continue;
      }
      const mine = [];
      for (const m of mails)
        if ((await api(stack, 'GET', `/v1/links/${linkOf(m)}`)).json.recordId === run.consents.get(pid))
          mine.push(m);
      expect(mine, `results of row ${i}`).toHaveLength(1);
      expect(mine[0]!.to).toEqual([rows[i]!.email]);
      expect(mine[0]!.attachments.map((a) => a.filename)).toEqual(['Результаты диагностики.pdf']);
      const text = attachmentText(mine[0]!, 'Результаты диагностики.pdf');
      expect(text).toContain(rows[i]!.subject);
      expect(text).toContain('МД-2.3');
      expect(text).toContain('Критериальное оценивание образовательных результатов');
      const own = await api(
        stack,
        'GET',
        `/v1/submissions/${run.consents.get(pid)}`,
        undefined,
        link(linkOf(mine[0]!)!),
      );
      expect(own.json.payload.results.level).toBe(i % 2 ? 'medium' : 'high');
      expect(own.json.documents.map((x: { name: string }) => x.name)).toEqual(['invitation', 'results']);
    }

    // The head: counts only.
    const done = (await headMails()).find(
      (m) => m.subject === `Диагностика по коллективной заявке № ${ref} завершена`,
    )!;
    expect(done.text).toContain('результаты направлены 11 участникам');
    expect(done.attachments).toEqual([]);
    const final = await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, link(headLink));
    expect(final.json.stage).toBe('results-issued');
    expect(final.json.payload.resultsIssuedCount).toBe(11);
    expect(final.json.payload.resultsIssued).toBeUndefined();
  });

  it('moves on when the head finalises early, closing the pending consents so their links no longer answer', async () => {
    const rows = participantRows(3);
    const run = await submitCollective(stack, { rows, school: 'vyazma2' });
    const [p0, p1, p2] = run.participantIds;
    const give = await api(
      stack,
      'POST',
      `/v1/submissions/${run.consents.get(p0!)}/actions/give`,
      { blocks: rows[0]!.blocks, personalDataConsent: true },
      link(run.consentLinks.get(p0!)!),
    );
    expect(give.status).toBe(200);
    const headLink = linkOf((await mailTo(stack, run.headEmail))[0]!)!;
    const finalized = await api(
      stack,
      'POST',
      `/v1/submissions/${run.id}/actions/finalize`,
      {},
      link(headLink),
    );
    expect(finalized.status, JSON.stringify(finalized.json)).toBe(200);
    expect(finalized.json.stage).toBe('submitted');
    // Before the outbox closes them, the links already refuse an answer.
    const refused = await api(
      stack,
      'POST',
      `/v1/submissions/${run.consents.get(p1!)}/actions/give`,
      { blocks: rows[1]!.blocks, personalDataConsent: true },
      link(run.consentLinks.get(p1!)!),
    );
    expect(refused.status).toBe(422);
    expect(refused.json.error.rule).toBe('consents-closed');
    await drainOutbox(stack);
    const operator = await staff(stack, ['operator']);
    for (const pid of [p1!, p2!]) {
      const consent = await api(
        stack,
        'GET',
        `/v1/submissions/${run.consents.get(pid)}`,
        undefined,
        operator,
      );
      expect(consent.json.stage).toBe('closed');
      const view = await api(
        stack,
        'GET',
        `/v1/submissions/${run.consents.get(pid)}`,
        undefined,
        link(run.consentLinks.get(pid)!),
      );
      expect(view.json.allowedActions).toEqual([]);
    }
    const closedMail = (await mailTo(stack, rows[2]!.email)).find(
      (m) => m.subject === 'Запрос согласия на диагностику закрыт',
    );
    expect(closedMail?.text).toContain('руководитель завершил сбор согласий');
    const parent = await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, operator);
    expect(
      parent.json.payload.participants.map((p: { consent?: { state: string } }) => p.consent?.state),
    ).toEqual(['given', 'closed', 'closed']);
    const sheet = (await mailTo(stack, config().instance.mailboxes.operator)).find(
      (m) => m.subject === `Новая коллективная заявка на диагностику № ${run.id.slice(0, 8)}`,
    )!;
    expect(attachmentText(sheet, SHEET)).toContain('согласие не получено');
  });

  it('ends cancelled when nobody consents, and refuses invalid rows with every failing path', async () => {
    const rows = participantRows(2);
    const run = await submitCollective(stack, { rows, school: 'gagarin1' });
    for (const pid of run.participantIds) {
      const res = await api(
        stack,
        'POST',
        `/v1/submissions/${run.consents.get(pid)}/actions/decline`,
        {},
        link(run.consentLinks.get(pid)!),
      );
      expect(res.status).toBe(200);
    }
    const operator = await staff(stack, ['operator']);
    expect((await api(stack, 'GET', `/v1/submissions/${run.id}`, undefined, operator)).json.stage).toBe(
      'cancelled',
    );
    await drainOutbox(stack);
    const cancelled = (await mailTo(stack, run.headEmail)).find((m) =>
      m.subject.endsWith('закрыта: согласий не получено'),
    );
    expect(cancelled?.text).toContain('отказались: 2, не ответили: 0');

    const bad = await api(stack, 'POST', '/v1/submissions/collective-diagnostics-request', {
      organization: { name: 'МБОУ «Средняя школа № 1» г. Ярцево', municipality: 'Ярцевский район' },
      head: {
        person: { lastName: 'Орлова', firstName: 'Вера' },
        position: 'Директор',
        email: 'orlova@school.example.ru',
      },
      period: { from: addDays(today(), 10), to: addDays(today(), 20) },
      blocks: ['subject'],
      participants: [
        {
          person: { lastName: 'Ильина', firstName: 'Ольга' },
          email: 'ilina@school.example.ru',
          subject: 'химия',
          blocks: ['subject', 'digital'],
        },
        {
          person: { lastName: 'Ильина', firstName: 'Ольга' },
          email: 'ILINA@school.example.ru',
          subject: 'Химия',
          blocks: ['subject'],
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'participants.0.blocks.1',
      'participants.1.subject',
    ]);
  });
});
