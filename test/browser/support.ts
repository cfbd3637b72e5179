import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { api } from '../support/stack';

/**
 * Debian's Chromium under playwright-core (never a downloaded browser): a fresh profile per session, Russian
 * locale. Every page a scenario visits is photographed into test-artifacts/browser/ and checked with axe-core for
 * serious or critical accessibility violations.
 */

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS = resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'browser');

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Session {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A browser of its own (profile, cookies): a school clerk, a teacher, an operator are different people. */
export async function openSession(
  options: { javaScript?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'cpd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    javaScriptEnabled: options.javaScript ?? true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    // A CSP violation or a failing script shows here; the pages have none.
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      expect(problems, 'browser console errors').toEqual([]);
    },
  };
}

let replay: Session | undefined;

/**
 * A page of a session with scripts off cannot run axe; its markup is checked in a session with scripts on, served
 * at the same address (so the stylesheet and contrast are the same) with the page's own script removed.
 */
async function replayed(page: Page): Promise<Page> {
  replay ??= await openSession();
  const url = page.url();
  const markup = (await page.content()).replace(/<script[^>]*><\/script>/g, '');
  await replay.page.route(url, (route) =>
    route.fulfill({ body: markup, contentType: 'text/html; charset=utf-8' }),
  );
  await replay.page.goto(url);
  await replay.page.unroute(url);
  return replay.page;
}

/** Screenshot (a test artifact) and axe-core: no serious or critical violation on the page as it is now. */
export async function checkPage(
  page: Page,
  scenario: string,
  step: string,
  options: { scriptsOff?: boolean } = {},
): Promise<void> {
  const dir = join(ARTIFACTS, scenario);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${step}.png`), fullPage: true });
  const target = options.scriptsOff ? await replayed(page) : page;
  await runAxe(target, `${scenario}/${step}`);
}

/** Closes the helper session of `checkPage` (afterAll of files that check pages with scripts off). */
export async function closeReplay(): Promise<void> {
  await replay?.close();
  replay = undefined;
}

async function runAxe(page: Page, name: string): Promise<void> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not stop it.
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<AxeResults> } })
      .axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, `axe on ${name}`).toEqual([]);
}

interface AxeResults {
  violations: { id: string; impact?: string; help: string; nodes: { target: string[] }[] }[];
}

/** Everything in the outbox done now: documents rendered, mails sent (the test stack runs no timers). */
export async function runOutbox(stack: { appUrl: string }): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const { status, json } = await api(stack, 'POST', '/dev/run/outbox');
    expect(status).toBe(200);
    if (json.result.processed === 0) return;
  }
}

/** The party link in the newest mail to this address whose subject matches. */
export async function linkFromMailbox(
  stack: { appUrl: string },
  to: string,
  subject?: RegExp,
): Promise<string> {
  const { json } = await api(stack, 'GET', `/dev/mailbox?to=${encodeURIComponent(to)}`);
  const mails = (json as { subject: string; text: string }[]).filter(
    (m) => !subject || subject.test(m.subject),
  );
  for (const mail of mails.reverse()) {
    const link = /https?:\/\/[^\s"<>]+\/l\/[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
    if (link) return new URL(link).pathname;
  }
  throw new Error(`no link in the mail to ${to}`);
}

/** Signs a staff member in through the local sign-in page. */
export async function signInAsStaff(
  page: Page,
  appUrl: string,
  email: string,
  roleTitle: string,
): Promise<void> {
  await page.goto(`${appUrl}/staff`);
  await expect.poll(() => page.url()).toContain('/staff/sign-in');
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel(roleTitle).check();
  await Promise.all([page.waitForURL(/\/staff$/), page.getByRole('button', { name: 'Войти' }).click()]);
}

export function isoDay(daysFromNow: number): string {
  return new Date(Date.now() + daysFromNow * 86_400_000).toISOString().slice(0, 10);
}
