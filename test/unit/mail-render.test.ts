import { describe, expect, it } from 'vitest';
import { findKind } from '../../forms/registry';
import { escalationMoment } from '../../functions/core/deadlines';
import { parseMailText, renderMail, textToHtml } from '../../functions/documents/mail-render';
import { templateContext } from '../../functions/documents/render';
import { loadInstance } from '../../infra/instances';
import { diagnosticsPayload, recordItem, stateOfFixture, withResults } from '../support/records';

const settings = loadInstance('smolensk');
const kind = findKind('diagnostics-request')!;
const email = 'maria.ivanova@school.example.ru';
const appUrl = 'https://forms.example-soiro.ru';
const link = `${appUrl}/l/${'A'.repeat(43)}`;

function context(stage: string, extra: Record<string, unknown> = {}) {
  const record = recordItem({
    stage,
    payload: {
      ...withResults(diagnosticsPayload(email)),
      rejection: { reason: 'Не указан предмет <диагностики>' },
    },
    at: new Date('2026-11-20T08:00:00Z'),
    dueAt: '2026-11-25T20:59:59.999Z',
  });
  return { ...templateContext(kind, stateOfFixture(record), settings), appUrl, ...extra };
}

describe('mail templates of the diagnostics request', () => {
  const mails = ['received', 'new-request', 'invitation', 'results', 'rejected'];

  it.each(mails)(
    '%s: a subject, a Russian body with the signature, nothing left unfilled',
    async (template) => {
      const mail = await renderMail(
        `diagnostics-request/${template}`,
        context('submitted', { link, linkValidUntil: '2026-12-20T08:00:00Z' }),
      );
      expect(mail.subject.length).toBeGreaterThan(10);
      expect(mail.subject).not.toMatch(/Тема/);
      expect(mail.text).toMatch(/^Здравствуйте/);
      expect(mail.text).toContain('С уважением,');
      expect(mail.text).toContain(settings.centre.full);
      expect(mail.text).toContain(settings.institute.full);
      expect(mail.text).not.toMatch(/\{\{|undefined|\[object|\n{3,}/);
      expect(mail.html).toContain('<p>');
    },
  );

  it('puts the party link into the text and as an anchor into the HTML', async () => {
    const ctx = context('submitted', { link, linkValidUntil: '2026-12-20T08:00:00Z' });
    const mail = await renderMail('diagnostics-request/received', ctx);
    expect(mail.subject).toBe(`Заявка на диагностику профессиональных дефицитов № ${ctx.ref} принята`);
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('действует до 20.12.2026');
    expect(mail.text).toContain('не позднее 25 ноября 2026 г.');
    expect(mail.html).toContain(`<a href="${link}">${link}</a>`);
  });

  it('escapes what people typed when it goes into HTML', async () => {
    const mail = await renderMail('diagnostics-request/rejected', context('rejected'));
    expect(mail.text).toContain('Причина: Не указан предмет <диагностики>');
    expect(mail.html).toContain('Не указан предмет &lt;диагностики&gt;');
    expect(mail.html).not.toContain('<диагностики>');
  });

  it('keeps the results mail free of scores: they travel only in the attached notice', async () => {
    const mail = await renderMail('diagnostics-request/results', context('results-issued'));
    expect(mail.text).toContain('Результаты направлены только Вам');
    expect(mail.text).not.toMatch(/баллов|М-2|средний/);
  });
});

describe('reminder and escalation mails', () => {
  it('name the record, stage and deadline, and no personal data', async () => {
    for (const template of ['common/reminder', 'common/escalation']) {
      const ctx = context('submitted', { remindedAt: '2026-11-26T06:00:00Z' });
      const mail = await renderMail(template, ctx);
      expect(mail.subject).toContain(ctx.ref);
      expect(mail.text).toContain('Заявка подана');
      expect(mail.text).toContain('25.11.2026');
      expect(mail.text).not.toMatch(/Иванова|Мария|maria|school|\{\{|undefined/);
    }
  });

  it('escalates at the end of the next working day after the deadline, across weekends and holidays', () => {
    // Friday 27 Nov 2026 → Monday 30 Nov, end of day in Moscow.
    expect(escalationMoment('2026-11-27T20:59:59.999Z', settings)).toBe('2026-11-30T20:59:59.999Z');
    // Thursday 31 Dec 2026 → the first working day after the New Year holidays (11 Jan 2027).
    expect(escalationMoment('2026-12-31T20:59:59.999Z', settings)).toBe('2027-01-11T20:59:59.999Z');
  });
});

describe('mail text format', () => {
  it('requires the subject line and tidies blank lines left by conditional blocks', () => {
    expect(() => parseMailText('Здравствуйте!\n\nТекст', 'x')).toThrow(/Тема/);
    expect(parseMailText('Тема:  Заявка  принята \n\nАбзац.\n\n\n\nЕщё абзац.\n\n', 'x')).toEqual({
      subject: 'Заявка принята',
      text: 'Абзац.\n\nЕщё абзац.\n',
    });
    expect(textToHtml('Строка 1\nСтрока 2\n\nАбзац & "кавычки"')).toContain(
      '<p>Строка 1<br>\nСтрока 2</p>\n<p>Абзац &amp; &quot;кавычки&quot;</p>',
    );
  });
});
