import { describe, expect, it } from 'vitest';
import { CollectiveRequestSchema } from '../../forms/collective-diagnostics-request/schema';
import { PERSONAL_DATA_CONSENT } from '../../forms/common/personal-data';
import { findKind } from '../../forms/registry';
import type { RecordState } from '../../functions/core/kind';
import { renderMail } from '../../functions/documents/mail-render';
import { renderDocumentText, templateContext } from '../../functions/documents/render';
import { loadInstance } from '../../infra/instances';
import { collectiveRequest, participantRows, results } from '../support/diagnostics-fixtures';

/**
 * The letter of the seed's sample (A2, "Примерный образец коллективной заявки"), the consent sheet, and every mail of
 * the collective request and the consent, rendered from realistic records: every field present, nothing unfilled,
 * and no result in anything addressed to the head.
 */

const settings = loadInstance('smolensk');
const collective = findKind('collective-diagnostics-request')!;
const consent = findKind('consent')!;
const AT = '2026-11-20T11:05:00.000Z';
const appUrl = 'https://forms.example-soiro.ru';
const link = `${appUrl}/l/${'A'.repeat(43)}`;

function collectiveRecord(stage: string): RecordState<unknown> {
  const payload = CollectiveRequestSchema.parse(
    collectiveRequest({ rows: participantRows(12), period: { from: '2026-12-01', to: '2026-12-18' } }),
  );
  const participants = payload.participants.map((p, i) => ({
    ...p,
    consent:
      i === 11
        ? { state: 'declined' as const, at: AT }
        : { state: 'given' as const, at: AT, blocks: i === 0 ? ['subject'] : p.blocks },
  }));
  return {
    id: '7a2d9c41-0e3b-4f5a-8c6d-1b2e3f4a5b6c',
    kind: collective.kind,
    stage,
    version: 20,
    createdAt: '2026-11-16T07:00:00.000Z',
    updatedAt: AT,
    enteredAt: AT,
    dueAt: '2026-11-25T20:59:59.999Z',
    payload: {
      ...payload,
      participants: stage === 'awaiting-consents' ? payload.participants : participants,
      schedule: { date: '2026-12-08', place: 'ГАУ ДПО СОИРО, ауд. 12' },
      conductedOn: '2026-12-08',
      resultsIssued: Object.fromEntries(participants.slice(0, 11).map((p) => [p.id, '2026-12-10'])),
      rejection: { reason: 'Период совпадает с плановой диагностикой Департамента' },
    },
  };
}

function consentRecord(stage: string): RecordState<unknown> {
  const request = collectiveRecord('submitted').payload as ReturnType<typeof CollectiveRequestSchema.parse>;
  const row = request.participants[0]!;
  return {
    ...collectiveRecord(stage),
    id: '0b9e1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
    kind: consent.kind,
    parentId: '7a2d9c41-0e3b-4f5a-8c6d-1b2e3f4a5b6c',
    payload: {
      organization: request.organization,
      head: { person: request.head.person, position: request.head.position, email: request.head.email },
      period: request.period,
      participantId: row.id,
      participant: { person: row.person, email: row.email, subject: row.subject, blocks: row.blocks },
      personalData: PERSONAL_DATA_CONSENT,
      answer: { decision: 'given', at: AT, blocks: ['subject', 'methodical'], evidence: {} },
      schedule: { date: '2026-12-08', place: 'ГАУ ДПО СОИРО, ауд. 12' },
      conductedOn: '2026-12-08',
      results: { ...results(), issuedOn: '2026-12-10' },
      closed: { at: AT, reason: 'withdrawn' },
    },
  };
}

describe('the collective request letter (the sample of A2)', () => {
  it('asks for the diagnostics with the period, the blocks and the per-subject counts, signed by the head', async () => {
    const text = (
      await renderDocumentText(collective, 'collective-request', collectiveRecord('submitted'), settings)
    ).replace(/\s+/g, ' ');
    expect(text).toContain('В ГАУ ДПО СОИРО');
    expect(text).toContain('Исх. № 01-12/518 от 21.11.2026');
    expect(text).toContain(
      'Просим рассмотреть заявку на проведение стандартизированной диагностики профессиональных дефицитов учителей нашей образовательной организации в период с 01.12.2026 по 18.12.2026.',
    );
    expect(text).toContain('цифровая грамотность и ИКТ');
    expect(text).toContain(
      'В диагностике примут участие 9 учителей по предметам: математика — 3 чел.; информатика — 1 чел.; русский язык — 2 чел.; литература — 1 чел.;',
    );
    expect(text).toContain(
      'Письменное согласие педагогических работников на проведение диагностики прилагается',
    );
    expect(text).toMatch(/Директор .*Н\.А\. Григорьева/);
  });

  it('speaks of every row while the consents are being collected', async () => {
    const text = (
      await renderDocumentText(
        collective,
        'collective-request',
        collectiveRecord('awaiting-consents'),
        settings,
      )
    ).replace(/\s+/g, ' ');
    expect(text).toContain(
      '10 учителей по предметам: математика — 3 чел.; информатика — 1 чел.; русский язык — 2 чел.; литература — 2 чел.',
    );
    expect(text).toContain('собираются в электронной форме');
  });

  it('the consent sheet: one row per teacher and subject, the blocks consented to, and how consent was given', async () => {
    const text = (
      await renderDocumentText(collective, 'consent-sheet', collectiveRecord('submitted'), settings)
    ).replace(/\s+/g, ' ');
    expect(text).toContain('Подпись педагогического работника');
    const row = (...cells: string[]) => cells.join(' ').replace(/ \| /g, ' ');
    const flat = text.replace(/ \| /g, ' ');
    expect(flat).toContain(
      row(
        '1',
        'Ковалёва Ирина Николаевна',
        'математика',
        'предметный',
        'согласие дано в электронной форме 20.11.2026 14:05',
      ),
    );
    expect(flat).toContain(
      row('12', 'Кузнецова Анна Геннадьевна', 'литература', 'предметный, методический', 'отказ от участия'),
    );
    expect(flat.match(/согласие дано в электронной форме/g)).toHaveLength(11);
  });
});

describe('mails of the collective request and the consent', () => {
  const collectiveMails = [
    'received',
    'consents-collected',
    'new-request',
    'invitation',
    'results-issued',
    'rejected',
    'cancelled',
    'withdrawn',
    'withdrawn-head',
  ];
  const consentMails = [
    'request',
    'reminder',
    'overdue-head',
    'given',
    'declined',
    'closed',
    'invitation',
    'results',
  ];
  const extra = { appUrl, link, linkValidUntil: '2026-12-20T08:00:00Z', remindedAt: AT };

  it.each(collectiveMails)(
    'collective %s: Russian, complete, and without a single result',
    async (template) => {
      const record = collectiveRecord(template === 'received' ? 'awaiting-consents' : 'results-issued');
      const mail = await renderMail(`collective-diagnostics-request/${template}`, {
        ...templateContext(collective, record, settings),
        ...extra,
      });
      expect(mail.subject.length).toBeGreaterThan(10);
      expect(mail.text).toMatch(/^Здравствуйте/);
      expect(mail.text).toContain('С уважением,');
      expect(mail.text).not.toMatch(/\{\{|undefined|\[object|NaN|\n{3,}|\.\./);
      for (const secret of ['ПД-1.2', 'ЦД-4.1', '18 из 20', 'Цифровая дидактика'])
        expect(mail.text).not.toContain(secret);
    },
  );

  it.each(consentMails)('consent %s: Russian and complete', async (template) => {
    const mail = await renderMail(`consent/${template}`, {
      ...templateContext(consent, consentRecord('given'), settings),
      ...extra,
    });
    expect(mail.text).toMatch(/^Здравствуйте, (Ирина Николаевна|Надежда Алексеевна)!/);
    expect(mail.text).not.toMatch(/\{\{|undefined|\[object|NaN|\n{3,}|\.\./);
  });

  it.each([
    ['collective-diagnostics-request/confirm', 'unconfirmed'],
    ['diagnostics-request/confirm', 'unconfirmed'],
    ['diagnostics-request/withdrawn', 'withdrawn'],
  ])('%s: Russian and complete', async (template, stage) => {
    const individual = findKind('diagnostics-request')!;
    const record = template.startsWith('collective')
      ? collectiveRecord(stage)
      : {
          ...collectiveRecord(stage),
          kind: individual.kind,
          payload: {
            ...(consentRecord(stage).payload as object),
            participant: {
              person: { lastName: 'Лебедева', firstName: 'Марина', middleName: 'Олеговна' },
              organization: {
                name: 'МБОУ «Средняя школа № 9» г. Рославля',
                municipality: 'Рославльский район',
              },
            },
          },
        };
    const kind = template.startsWith('collective') ? collective : individual;
    const mail = await renderMail(template, { ...templateContext(kind, record, settings), ...extra });
    expect(mail.text).toMatch(/^Здравствуйте/);
    expect(mail.text).not.toMatch(/\{\{|undefined|\[object|NaN|\n{3,}|\.\./);
    if (template.endsWith('confirm')) expect(mail.text).toContain(link);
  });

  it('tells the head how many results went out, never to whom or what', async () => {
    const mail = await renderMail('collective-diagnostics-request/results-issued', {
      ...templateContext(collective, collectiveRecord('results-issued'), settings),
      ...extra,
    });
    expect(mail.text).toContain('результаты направлены 11 участникам');
    expect(mail.text).not.toContain('Ковалёва');
  });

  it('the consent request shows the subject, the blocks and the edition of the personal-data text', async () => {
    const mail = await renderMail('consent/request', {
      ...templateContext(consent, consentRecord('pending'), settings),
      ...extra,
    });
    expect(mail.text).toContain('Предмет, по которому Вы будете проходить диагностику: математика');
    expect(mail.text).toContain(
      'Диагностические блоки: предметный, методический, цифровая грамотность и ИКТ',
    );
    expect(mail.text).toContain('редакция от 01.09.2025');
    expect(mail.text).toContain('Срок ответа: до 25 ноября 2026 г.');
    expect(mail.text).toContain(link);
  });
});

describe('documents of the consent record', () => {
  it('the results notice lists blocks, levels, deficits and recommendations for the teacher', async () => {
    const text = (await renderDocumentText(consent, 'results', consentRecord('given'), settings)).replace(
      /\s+/g,
      ' ',
    );
    for (const field of [
      'Ковалёва Ирина Николаевна',
      'математика',
      'средний',
      'ПД-1.2',
      '18 из 20',
      'Цифровая дидактика',
      'п. 6.3',
    ]) {
      expect(text).toContain(field);
    }
  });

  it('the invitation names the date, the place and the blocks consented to', async () => {
    const text = (await renderDocumentText(consent, 'invitation', consentRecord('given'), settings)).replace(
      /\s+/g,
      ' ',
    );
    expect(text).toContain('8 декабря 2026 г.');
    expect(text).toContain('ГАУ ДПО СОИРО, ауд. 12');
    expect(text).toContain('предметный, методический');
  });
});
