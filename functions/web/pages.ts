import Handlebars from 'handlebars/runtime';
import { config, isLocalMode } from '../config';
import { formatDate, TemplateFamily } from '../documents/templating';
import { assetUrls } from './static-assets';

/**
 * HTML pages from templates/web/*.hbs inside templates/web/layout.hbs. Unlike the mail and PDF texts, every
 * value is HTML-escaped here (Handlebars' default), since a payload typed by one person is shown in another
 * person's browser; only SafeHtml built by functions/web/html.ts passes through as markup. Precompiled in a
 * deployment like the documents (functions/documents/templating.ts `TemplateFamily`).
 */
export const webTemplates = new TemplateFamily('web', { options: { strict: false } });

function template(name: string): Promise<Handlebars.TemplateDelegate> {
  return webTemplates.template(`web/${name}.hbs`);
}

const env = webTemplates.env;
env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
// Dates in the instance's time zone and lists, as the documents write them (report and register views).
env.registerHelper('date', (value: unknown, style: unknown) =>
  formatDate(value, config().instance.timeZone, style === 'long' ? 'long' : 'short'),
);
env.registerHelper('join', (list: unknown) => (Array.isArray(list) ? list.join(', ') : ''));
env.registerHelper('inc', (n: unknown) => Number(n) + 1);

export interface PageContext {
  title: string;
  /** The signed-in staff member, for the workspace's navigation. */
  staff?: { email: string; roles: string[] };
  /** Loads the form script (validation, rows, progress); pages work without it. */
  script?: boolean;
  [key: string]: unknown;
}

/**
 * A part of a page from templates/web/<name>.hbs (e.g. a report or register view that belongs to its kind or
 * report, not to the page showing it), escaped like a page and passed to the page as markup.
 */
export async function renderFragment(
  name: string,
  context: Record<string, unknown>,
): Promise<Handlebars.SafeString> {
  return new Handlebars.SafeString((await template(name))(context));
}

/** A page: templates/web/<name>.hbs rendered inside the common layout. */
export async function renderPage(name: string, context: PageContext): Promise<string> {
  const settings = config().instance;
  const full = { settings, ...context, assets: await assetUrls() };
  const body = (await template(name))(full);
  return (await template('layout'))({ ...full, body: new Handlebars.SafeString(body) });
}

/**
 * Headers of every page: a CSP without inline scripts or styles (scripts and styles come only from /assets/),
 * no framing, no Referer outside the service (none at all from pages whose address holds a link token).
 */
export function pageHeaders(referrer: 'same-origin' | 'no-referrer' = 'same-origin'): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'referrer-policy': referrer,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(isLocalMode() ? {} : { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }),
  };
}

export interface PageReply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  cookies?: string[];
}

export async function page(
  name: string,
  context: PageContext,
  status = 200,
  referrer: 'same-origin' | 'no-referrer' = 'same-origin',
): Promise<PageReply> {
  return { status, body: await renderPage(name, context), headers: pageHeaders(referrer) };
}

/** 303 See Other: after a POST, the browser loads the next page with GET (no resubmission on reload). */
export function redirect(location: string, cookies?: string[]): PageReply {
  return { status: 303, headers: { ...pageHeaders(), location }, ...(cookies ? { cookies } : {}) };
}
