import { renderTemplate } from './templating';

/**
 * Mail from `templates/email/<kind>/<template>.hbs` (or `common/<template>.hbs`). A template's first line is
 * `Тема: <subject>`, then a blank line, then the plain-text body; the HTML part is made from the text (escaped,
 * paragraphs, line breaks, the party link as an anchor), so both parts always say the same thing.
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT_PREFIX = 'Тема:';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Split a rendered template into subject and body; tidy blank lines left by conditional blocks. */
export function parseMailText(rendered: string, templateName: string): { subject: string; text: string } {
  const lines = rendered.replace(/\r\n?/g, '\n').split('\n');
  const first = lines[0] ?? '';
  if (!first.startsWith(SUBJECT_PREFIX)) {
    throw new Error(`Mail template ${templateName} must start with "${SUBJECT_PREFIX} <subject>"`);
  }
  const subject = first.slice(SUBJECT_PREFIX.length).trim().replace(/\s+/g, ' ');
  if (!subject) throw new Error(`Mail template ${templateName} has an empty subject`);
  const text = `${lines
    .slice(1)
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
  return { subject, text };
}

/** HTML of the text: paragraphs at blank lines, `<br>` inside them, the given URLs as links. */
export function textToHtml(text: string, links: string[] = []): string {
  const paragraphs = text
    .trim()
    .split(/\n{2,}/)
    .map((p) => {
      let html = escapeHtml(p).replace(/\n/g, '<br>\n');
      for (const url of links) {
        const escaped = escapeHtml(url);
        html = html.split(escaped).join(`<a href="${escaped}">${escaped}</a>`);
      }
      return `<p>${html}</p>`;
    });
  return [
    '<!DOCTYPE html>',
    '<html lang="ru"><head><meta charset="utf-8"></head>',
    '<body style="font-family: Arial, sans-serif; font-size: 14px; line-height: 1.5; color: #1a1a1a;">',
    ...paragraphs,
    '</body></html>',
  ].join('\n');
}

/** Render `templates/email/<path>.hbs` with the context; `link` (if any) becomes an anchor in the HTML. */
export async function renderMail(
  path: string,
  context: { link?: string; [key: string]: unknown },
): Promise<RenderedMail> {
  const rendered = await renderTemplate(`email/${path}.hbs`, context);
  const { subject, text } = parseMailText(rendered, path);
  return { subject, text, html: textToHtml(text, context.link ? [context.link] : []) };
}
