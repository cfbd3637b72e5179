/**
 * HTML built in code (the generated form fields): every interpolated value is escaped unless it is itself
 * `SafeHtml` made by this module, so text typed by one person can never become markup in another's browser.
 * Works in the browser bundle as well as on the server.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
  /** Handlebars prints objects with this method unescaped (its SafeString protocol). */
  toHTML(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ESCAPES[c] ?? c);
}

type Part = SafeHtml | string | number | boolean | null | undefined | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes `text`; arrays are joined; null, undefined, false vanish. */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** An attribute that is present or absent (`checked`, `disabled`, `required`). */
export function flag(name: string, on: boolean | undefined): SafeHtml {
  return new SafeHtml(on ? ` ${name}` : '');
}

/** An attribute with a value, or nothing when the value is undefined or empty. */
export function attr(name: string, value: string | number | undefined): SafeHtml {
  if (value === undefined || value === '') return new SafeHtml('');
  return new SafeHtml(` ${name}="${escapeHtml(String(value))}"`);
}

export function joinHtml(parts: SafeHtml[], separator = ''): SafeHtml {
  return new SafeHtml(parts.map((p) => p.value).join(separator));
}
