import { afterAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../support/fixtures';
import { useStack } from '../support/stack';
import { checkPage, closeReplay, isoDay, linkFromMailbox, openSession, runOutbox } from './support';

/**
 * An individual request in a real browser, scripts on: the teacher fills the generated form (a wrong field is
 * pointed out in Russian and focused), lands on the page of the request; the operator signs in with the keyboard
 * alone, agrees a date, marks the diagnostics held and issues the results; the teacher opens them by the link
 * from the mail. The same form also works with scripts off and on a phone.
 */

const stack = useStack();
const SCENARIO = 'individual-request';

afterAll(closeReplay);

describe('individual diagnostics request in the browser', () => {
  it('from the form to the results, across the teacher’s and the operator’s browsers', async () => {
    const email = uniqueEmail('browser-teacher');
    const teacher = await openSession();
    const { page } = teacher;
    await page.goto(`${stack.appUrl}/`);
    await checkPage(page, SCENARIO, '01-start');
    await page.getByRole('link', { name: /индивидуальная/ }).click();
    await page.waitForURL(/\/forms\/diagnostics-request$/);
    await checkPage(page, SCENARIO, '02-form');

    // Sent empty: the browser checks with the kind's own schema, points out each field and focuses the first.
    await page.getByRole('button', { name: 'Отправить' }).click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.id))
      .toBe('f-participant-person-lastName');
    expect(await page.locator('#f-participant-person-lastName').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-field="participant.person.lastName"] .error').innerText()).toContain(
      'Заполните поле «Фамилия»',
    );
    expect(page.url()).toMatch(/\/forms\/diagnostics-request$/);
    await checkPage(page, SCENARIO, '03-form-errors');

    await page.getByLabel('Фамилия').fill('Соколова');
    await page.getByLabel('Имя', { exact: true }).fill('Анна');
    await page.getByLabel('Электронная почта').fill(email);
    await page.getByLabel('Телефон').fill('8 (4812) 38-12-34');
    await page.getByLabel('Наименование').fill('МБОУ «Средняя школа № 7» г. Смоленска');
    await page.getByLabel('Муниципальное образование').fill('город Смоленск');
    await page.getByLabel('Должность').fill('учитель математики');
    // Blocks follow the category: none offered until it is chosen, then the teacher's blocks only.
    await expect.poll(() => page.getByLabel('управление кадрами').isVisible()).toBe(false);
    await page.getByLabel('педагогический работник').check();
    await expect.poll(() => page.getByLabel('предметный').isVisible()).toBe(true);
    await expect.poll(() => page.getByLabel('управление кадрами').isVisible()).toBe(false);
    await page.getByLabel('Предмет № 1').fill('математика');
    await page.getByRole('button', { name: 'Добавить: предмет' }).click();
    await page.getByLabel('Предмет № 2').fill('информатика');
    await page.getByLabel('на основании стандартизированных оценочных процедур').check();
    await page.getByLabel('предметный').check();
    await page.getByLabel('цифровая грамотность и ИКТ').check();
    await page.getByLabel('Предмет диагностики').fill('математика');
    await page.getByLabel('С', { exact: true }).fill(isoDay(14));
    await page.getByLabel('По', { exact: true }).fill(isoDay(35));
    await page.getByLabel('Согласие на обработку персональных данных').check();
    await Promise.all([
      page.waitForURL(/\/l\/[A-Za-z0-9_-]{43}\?created=1$/),
      page.getByRole('button', { name: 'Отправить' }).click(),
    ]);
    expect(await page.locator('.notice').innerText()).toContain('Заявка принята');
    expect(await page.locator('.stage').innerText()).toContain('Заявка подана');
    expect(await page.locator('main').innerText()).toContain('информатика');
    await checkPage(page, SCENARIO, '04-request-page');

    // The document is prepared while the page waits for it.
    await runOutbox(stack);
    await expect
      .poll(async () => page.getByRole('link', { name: 'Заявление на прохождение диагностики' }).count(), {
        timeout: 15_000,
      })
      .toBe(1);
    await checkPage(page, SCENARIO, '05-request-page-with-document');

    // The operator, keyboard only: the sign-in form, then the record from the queue.
    const operator = await openSession();
    const op = operator.page;
    await op.goto(`${stack.appUrl}/staff/sign-in`);
    await checkPage(op, SCENARIO, '06-sign-in');
    await op.keyboard.press('Tab'); // skip link
    await op.keyboard.press('Tab'); // brand
    await op.keyboard.press('Tab');
    expect(await op.evaluate(() => document.activeElement?.id)).toBe('email');
    await op.keyboard.type(uniqueEmail('operator'));
    await op.keyboard.press('Tab');
    await op.keyboard.press('Space');
    await Promise.all([op.waitForURL(/\/staff$/), op.keyboard.press('Enter')]);
    await op.getByLabel('Поиск: номер, фамилия, организация').fill('Соколова');
    await op.getByRole('button', { name: 'Показать' }).click();
    const row = op.locator('table.queue tbody tr').filter({ hasText: 'Заявка подана' }).first();
    expect(await row.innerText()).toMatch(/\d{2}\.\d{2}\.\d{4}/);
    await checkPage(op, SCENARIO, '07-queue');
    await Promise.all([op.waitForURL(/\/staff\/records\//), row.getByRole('link').click()]);
    await checkPage(op, SCENARIO, '08-record');

    const agree = op.locator('#action-agree');
    await agree.locator('#a-agree-date').fill(isoDay(16));
    await agree.getByLabel('Место проведения').fill('ГАУ ДПО СОИРО, ауд. 12');
    await Promise.all([
      op.waitForURL(/done=agree/),
      agree.getByRole('button', { name: 'Согласовать дату и место' }).click(),
    ]);
    expect(await op.locator('.stage').innerText()).toContain('Диагностика назначена');

    const conduct = op.locator('#action-conduct');
    await conduct.locator('input[type=date]').first().fill(isoDay(0));
    await Promise.all([op.waitForURL(/done=conduct/), conduct.getByRole('button').last().click()]);
    expect(await op.locator('.stage').innerText()).toContain('Диагностика проведена');

    // Results: a row per block, the block chosen among those the request asked for.
    const results = op.locator('#action-issueResults');
    await choose(results, 'level', 'средний');
    await choose(results, 'blocks.0.block', 'предметный');
    await choose(results, 'blocks.0.level', 'низкий');
    await results.getByRole('button', { name: 'Добавить: блок' }).click();
    await choose(results, 'blocks.1.block', 'цифровая грамотность и ИКТ');
    await choose(results, 'blocks.1.level', 'высокий');
    await checkPage(op, SCENARIO, '09-results-form');
    await Promise.all([
      op.waitForURL(/done=issueResults/),
      results.getByRole('button', { name: 'Направить результаты' }).click(),
    ]);
    expect(await op.locator('.stage').innerText()).toContain('Результаты направлены');
    await checkPage(op, SCENARIO, '10-record-results-issued');

    // The analytical note from the workspace: on the page, and as the PDF the API gives with the session cookie.
    await op.getByRole('link', { name: 'Отчёты и реестры' }).click();
    await op.waitForURL(/\/staff\/reports$/);
    await checkPage(op, SCENARIO, '10a-reports');
    const noteForm = op.locator('form[action="/staff/reports"]');
    await Promise.all([
      op.waitForURL(/report=diagnostics/),
      noteForm.getByRole('button', { name: 'Показать справку' }).click(),
    ]);
    expect(await op.locator('#note-title').innerText()).toContain('Аналитическая справка');
    await checkPage(op, SCENARIO, '10b-analytical-note');
    const query = new URLSearchParams({
      format: 'pdf',
      from: await noteForm.locator('input[name="from"]').inputValue(),
      to: await noteForm.locator('input[name="to"]').inputValue(),
    });
    const note = await op.request.get(`${stack.appUrl}/v1/reports/diagnostics?${query}`);
    expect(note.status()).toBe(200);
    expect(note.headers()['content-type']).toContain('pdf');
    expect(await noteForm.getByRole('button', { name: 'Скачать PDF' }).getAttribute('formaction')).toBe(
      '/v1/reports/diagnostics',
    );
    // The register of internship sites, readable on the page too.
    await Promise.all([
      op.waitForURL(/register=internship-sites/),
      op.getByRole('link', { name: 'Показать реестр' }).click(),
    ]);
    expect(await op.locator('#register-title').count()).toBe(1);
    await checkPage(op, SCENARIO, '10c-internship-register');
    await operator.close();

    // The teacher opens the results by the link in the results mail.
    await runOutbox(stack);
    const link = await linkFromMailbox(stack, email, /результат/i);
    await page.goto(`${stack.appUrl}${link}`);
    const doc = page.getByRole('link', { name: /результат/i });
    expect(await doc.count()).toBeGreaterThan(0);
    const pdf = await page.request.get(
      new URL((await doc.first().getAttribute('href')) ?? '', stack.appUrl).href,
    );
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('pdf');
    await checkPage(page, SCENARIO, '11-teacher-results');
    await teacher.close();
  });

  it('works with scripts off: a plain post, the page back with the error beside its field and nothing lost', async () => {
    const session = await openSession({ javaScript: false });
    const { page } = session;
    await page.goto(`${stack.appUrl}/forms/diagnostics-request`);
    await page.getByLabel('Фамилия').fill('Петров');
    await page.getByLabel('Электронная почта').fill('petrov@@school');
    await page.getByLabel('Предмет № 1').fill('физика');
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Добавить: предмет' }).click(),
    ]);
    expect(await page.getByLabel('Предмет № 2').count()).toBe(1);
    expect(await page.getByLabel('Предмет № 1').inputValue()).toBe('физика');
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Отправить' }).click(),
    ]);
    expect(await page.getByLabel('Фамилия').inputValue()).toBe('Петров');
    const email = page.locator('#f-participant-email');
    expect(await email.inputValue()).toBe('petrov@@school');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-participant-email-error').innerText()).toContain(
      'Укажите корректный адрес электронной почты',
    );
    // autofocus: the first wrong field has the focus without any script.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-participant-person-firstName');
    await checkPage(page, SCENARIO, 'no-script-errors', { scriptsOff: true });
    await session.close();
  });

  it('fits a phone: no sideways scrolling, controls large enough to touch', async () => {
    const session = await openSession({ viewport: { width: 360, height: 740 } });
    const { page } = session;
    await page.goto(`${stack.appUrl}/forms/diagnostics-request`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const height = await page
      .getByRole('button', { name: 'Отправить' })
      .evaluate((b) => b.getBoundingClientRect().height);
    expect(height).toBeGreaterThanOrEqual(40);
    await checkPage(page, SCENARIO, 'phone');
    await session.close();
  });
});

/** A choice by its label, whether the form shows it as a select or as radio buttons. */
async function choose(scope: import('playwright-core').Locator, name: string, label: string): Promise<void> {
  const select = scope.locator(`select[name="${name}"]`);
  if (await select.count()) await select.selectOption({ label });
  else await scope.locator(`fieldset[data-field="${name}"]`).getByLabel(label, { exact: true }).check();
}
