import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useStack } from '../support/stack';
import { checkPage, closeReplay, openSession } from './support';

/**
 * The longest public form (the application with its site passports): an invalid field is shown in Russian beside
 * that very field and gets the focus — checked in the browser with the schema, and by the server when scripts
 * are off.
 */

const stack = useStack();
const SCENARIO = 'internship-application';

afterAll(closeReplay);

async function fillApplicant(page: Page) {
  const org = page.locator('fieldset[data-field="organization"]');
  await org
    .getByLabel('Полное наименование организации-соискателя')
    .fill('МБОУ «Средняя школа № 5» г. Смоленска');
  await org.getByLabel('Муниципальное образование').fill('город Смоленск');
  await org
    .getByLabel('Фактический адрес организации-соискателя')
    .fill('214000, г. Смоленск, ул. Ленина, д. 1');
  await org
    .getByLabel('Юридический адрес организации-соискателя')
    .fill('214000, г. Смоленск, ул. Ленина, д. 1');
  await org.getByLabel('Телефон № 1').fill('8 (4812) 38-12-34');
  // The invalid field: an address without a domain.
  await org.getByLabel('Адрес электронной почты организации-соискателя').fill('school5@');
}

describe('internship application in the browser', () => {
  it('shows the Russian error beside the invalid field and moves the focus there (scripts on)', async () => {
    const session = await openSession();
    const { page } = session;
    await page.goto(`${stack.appUrl}/forms/internship-application`);
    await checkPage(page, SCENARIO, '01-form');
    await fillApplicant(page);
    await page.getByRole('button', { name: 'Отправить' }).click();
    const email = page.locator('#f-organization-email');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-organization-email');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    const error = page.locator('[data-field="organization.email"] > .error');
    expect(await error.innerText()).toContain(
      'Укажите корректный адрес электронной почты организации-соискателя',
    );
    expect(await email.getAttribute('aria-describedby')).toContain((await error.getAttribute('id')) ?? '-');
    // The fields before it are fine: no error beside them.
    expect(await page.locator('[data-field="organization.fullName"] .error').count()).toBe(0);
    expect(page.url()).toMatch(/\/forms\/internship-application$/);
    await checkPage(page, SCENARIO, '02-form-errors');
    await session.close();
  });

  it('gives the same answer from the server when scripts are off, keeping what was typed', async () => {
    const session = await openSession({ javaScript: false });
    const { page } = session;
    await page.goto(`${stack.appUrl}/forms/internship-application`);
    await fillApplicant(page);
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Отправить' }).click(),
    ]);
    expect(await page.locator('#f-organization-email').inputValue()).toBe('school5@');
    expect(await page.locator('#f-organization-email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-organization-email-error').innerText()).toContain(
      'Укажите корректный адрес электронной почты организации-соискателя',
    );
    expect(await page.locator('#f-organization-fullName').inputValue()).toBe(
      'МБОУ «Средняя школа № 5» г. Смоленска',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-organization-email');
    await checkPage(page, SCENARIO, '03-no-script-errors', { scriptsOff: true });
    await session.close();
  });
});
