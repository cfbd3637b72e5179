import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../support/fixtures';
import { useStack } from '../support/stack';
import { checkPage, isoDay, linkFromMailbox, openSession, runOutbox, signInAsStaff } from './support';

/**
 * The main scenario in a real browser: a school submits a collective request with three teachers; each
 * teacher answers through the link from the mailbox (two consent, one declines); the operator signs in, agrees a
 * date, marks the diagnostics held and issues each consenting teacher's results; a teacher opens their results.
 */

const stack = useStack();
const SCENARIO = 'collective-request';

const teachers = [
  { lastName: 'Орлова', firstName: 'Елена', subject: 'математика', answer: 'give' },
  { lastName: 'Зайцев', firstName: 'Игорь', subject: 'физика', answer: 'give' },
  { lastName: 'Белова', firstName: 'Ольга', subject: 'история', answer: 'decline' },
] as const;

async function fillRow(page: Page, i: number, t: (typeof teachers)[number], email: string) {
  const row = page.locator(`fieldset[data-field="participants.${i}"]`);
  await row.getByLabel('Фамилия').fill(t.lastName);
  await row.getByLabel('Имя', { exact: true }).fill(t.firstName);
  await row.getByLabel(/почта/i).fill(email);
  await row.getByLabel(/Предмет/).fill(t.subject);
  await row.getByLabel('предметный').check();
  await row.getByLabel('цифровая грамотность и ИКТ').check();
}

describe('collective diagnostics request in the browser', () => {
  it('school, three teachers, operator: from the letter to each teacher’s results', async () => {
    const headEmail = uniqueEmail('browser-head');
    const school = `МБОУ «Средняя школа № ${Math.floor(Math.random() * 900) + 100}» г. Смоленска`;
    const emails = teachers.map((_, i) => uniqueEmail(`browser-t${i + 1}`));

    const clerk = await openSession();
    const { page } = clerk;
    await page.goto(`${stack.appUrl}/forms/collective-diagnostics-request`);
    await checkPage(page, SCENARIO, '01-form');
    const org = page.locator('fieldset[data-field="organization"]');
    await org.getByLabel(/Наименование/).fill(school);
    await org.getByLabel('Муниципальное образование').fill('город Смоленск');
    const head = page.locator('fieldset[data-field="head"]');
    await head.getByLabel('Фамилия').fill('Кузнецова');
    await head.getByLabel('Имя', { exact: true }).fill('Татьяна');
    await head.getByLabel('Должность').fill('директор');
    await head.getByLabel(/почта/i).fill(headEmail);
    await page.getByLabel('С', { exact: true }).first().fill(isoDay(20));
    await page.getByLabel('По', { exact: true }).first().fill(isoDay(40));
    const blocks = page.locator('fieldset[data-field="blocks"]');
    await blocks.getByLabel('предметный').check();
    await blocks.getByLabel('цифровая грамотность и ИКТ').check();
    await fillRow(page, 0, teachers[0], emails[0]!);
    for (const i of [1, 2]) {
      await page.getByRole('button', { name: /Добавить: участник/ }).click();
      await fillRow(page, i, teachers[i]!, emails[i]!);
    }
    // A row added by mistake goes away again, and the rows keep their numbers.
    await page.getByRole('button', { name: /Добавить: участник/ }).click();
    await page
      .locator('fieldset[data-field="participants.3"]')
      .getByRole('button', { name: /Удалить/ })
      .click();
    expect(await page.locator('fieldset[data-field="participants.3"]').count()).toBe(0);
    await checkPage(page, SCENARIO, '02-form-filled');
    await Promise.all([
      page.waitForURL(/\/l\/[A-Za-z0-9_-]{43}\?created=1$/),
      page.getByRole('button', { name: 'Отправить' }).click(),
    ]);
    expect(await page.locator('.stage').innerText()).toContain('Сбор согласий');
    await checkPage(page, SCENARIO, '03-request-page');

    // Each teacher: the link from the mailbox, the consent form, an answer.
    await runOutbox(stack);
    for (const [i, t] of teachers.entries()) {
      const teacher = await openSession();
      const link = await linkFromMailbox(stack, emails[i]!);
      await teacher.page.goto(`${stack.appUrl}${link}`);
      const text = await teacher.page.locator('main').innerText();
      expect(text).toContain(school);
      expect(text).toContain(t.subject);
      if (i === 0) await checkPage(teacher.page, SCENARIO, '04-consent-page');
      if (t.answer === 'give') {
        const give = teacher.page
          .locator('section.action')
          .filter({ has: teacher.page.locator('form[data-action="give"]') });
        // Sent without the personal-data consent: refused beside the checkbox.
        await give.getByLabel('предметный').check();
        await give.getByLabel('цифровая грамотность и ИКТ').check();
        await give.locator('button.primary').click();
        expect(await give.locator('[data-field="personalDataConsent"] .error').innerText()).toMatch(
          /согласи/i,
        );
        await give.locator('input[name="personalDataConsent"]').check();
        await Promise.all([teacher.page.waitForURL(/done=give/), give.locator('button.primary').click()]);
        expect(await teacher.page.locator('.stage').innerText()).toContain('Согласие дано');
        if (i === 0) await checkPage(teacher.page, SCENARIO, '05-consent-given');
      } else {
        const decline = teacher.page
          .locator('section.action')
          .filter({ has: teacher.page.locator('form[data-action="decline"]') });
        await decline
          .locator('textarea, input[type=text]')
          .first()
          .fill('Нахожусь в отпуске в указанный период');
        await Promise.all([
          teacher.page.waitForURL(/done=decline/),
          decline.locator('button.primary').click(),
        ]);
        expect(await teacher.page.locator('.stage').innerText()).toMatch(/Отказ/);
      }
      await teacher.close();
    }

    // The request moved on by itself; the school sees it on its page.
    await page.reload();
    expect(await page.locator('.stage').innerText()).toContain('Заявка направлена оператору');
    await clerk.close();

    // The operator: sign in, find the request, agree a date, mark it held, issue each teacher's results.
    const operator = await openSession();
    const op = operator.page;
    await signInAsStaff(op, stack.appUrl, uniqueEmail('operator'), 'Региональный оператор диагностики');
    await op.getByLabel('Поиск: номер, фамилия, организация').fill(school.split('«')[1]!.split('»')[0]!);
    await op.getByRole('button', { name: 'Показать' }).click();
    const row = op.locator('table.queue tbody tr').filter({ hasText: 'Коллективная' }).first();
    await Promise.all([op.waitForURL(/\/staff\/records\//), row.getByRole('link').click()]);
    await checkPage(op, SCENARIO, '06-operator-record');
    const agree = op.locator('#action-agree');
    await agree.locator('input[name="date"]').fill(isoDay(25));
    await agree.getByLabel('Место проведения').fill('ГАУ ДПО СОИРО, ауд. 12');
    await Promise.all([op.waitForURL(/done=agree/), agree.locator('button.primary').click()]);
    const conduct = op.locator('#action-conduct');
    await conduct.locator('input[type=date]').first().fill(isoDay(0));
    await Promise.all([op.waitForURL(/done=conduct/), conduct.locator('button.primary').click()]);

    for (const i of [0, 1]) {
      const t = teachers[i]!;
      const results = op.locator('#action-issueResults');
      await choose(results, 'participantId', new RegExp(`${t.lastName} ${t.firstName}`));
      await choose(results, 'level', /^средний$/);
      await choose(results, 'blocks.0.block', /^предметный$/);
      await choose(results, 'blocks.0.level', /^низкий$/);
      if (i === 0) await checkPage(op, SCENARIO, '07-issue-results');
      await Promise.all([op.waitForURL(/done=issueResults/), results.locator('button.primary').click()]);
    }
    expect(await op.locator('.stage').innerText()).toContain('Результаты направлены');
    await checkPage(op, SCENARIO, '08-results-issued');
    await operator.close();

    // A teacher opens their own results (A2 6.3: only by their own link).
    await runOutbox(stack);
    const teacher = await openSession();
    const link = await linkFromMailbox(stack, emails[0]!, /результат/i);
    await teacher.page.goto(`${stack.appUrl}${link}`);
    const doc = teacher.page.getByRole('link', { name: /результат/i }).first();
    const pdf = await teacher.page.request.get(
      new URL((await doc.getAttribute('href')) ?? '', stack.appUrl).href,
    );
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('pdf');
    await checkPage(teacher.page, SCENARIO, '09-teacher-results');
    await teacher.close();
  });
});

/** A choice by its label, whether the form shows it as a select or as radio buttons. */
async function choose(scope: import('playwright-core').Locator, name: string, label: RegExp): Promise<void> {
  const select = scope.locator(`select[name="${name}"]`);
  if (await select.count()) {
    const options = await select.locator('option').allInnerTexts();
    const wanted = options.find((o) => label.test(o.trim()));
    if (!wanted) throw new Error(`no option ${label} in ${name}: ${options.join(' | ')}`);
    await select.selectOption({ label: wanted });
  } else {
    await scope.locator(`fieldset[data-field="${name}"]`).getByLabel(label).check();
  }
}
