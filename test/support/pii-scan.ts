/**
 * The personal-data scanner (issue 9, item 5; 152-FZ; DESIGN.md convention 4): which values of a body are personal
 * data, and where such a value — or any email address — appears in log lines, URLs or error messages. Pure, so a
 * unit test proves that it finds what it must (test/unit/pii-scanner.test.ts).
 */

/** Fields that hold a person's data in the payloads of every kind (forms/common/types.ts). */
const PERSONAL_KEYS = new Set([
  'lastName',
  'firstName',
  'middleName',
  'email',
  'phone',
  'phones',
  'inn',
  'snils',
  'passport',
  'passportNumber',
]);

/** A name as people write it in these forms: Cyrillic letters, at least three (a random fuzz string is not one). */
const NAME = /^[А-ЯЁа-яё][А-ЯЁа-яё -]{2,}$/;
const ANY_EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/;

function plausible(key: string, value: string): string[] {
  const v = value.trim();
  if (key === 'email') return v.includes('@') && v.length >= 6 ? [v.toLowerCase()] : [];
  if (key === 'phone' || key === 'phones') {
    const digits = v.replace(/\D/g, '');
    if (digits.length < 10) return [];
    const national = digits.slice(-10);
    // As typed, as stored (+7XXXXXXXXXX) and the bare ten digits.
    return [v, `+7${national}`, national];
  }
  if (key === 'inn' || key === 'snils' || key.startsWith('passport')) {
    const digits = v.replace(/\D/g, '');
    return digits.length >= 6 ? [v, digits] : [];
  }
  return NAME.test(v) ? [v] : [];
}

function walk(value: unknown, key: string, out: Set<string>): void {
  if (typeof value === 'string') {
    if (PERSONAL_KEYS.has(key)) for (const v of plausible(key, value)) out.add(v);
  } else if (Array.isArray(value)) {
    for (const item of value) walk(item, key, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, k, out);
  }
}

/** The personal values in a posted body: JSON, or a form post (`participant.person.lastName=…`). */
export function personalValuesOf(body: string | object, contentType = 'application/json'): string[] {
  const out = new Set<string>();
  if (typeof body === 'object') {
    walk(body, '', out);
  } else if (/x-www-form-urlencoded/i.test(contentType)) {
    for (const [name, value] of new URLSearchParams(body)) {
      const key = name
        .split('.')
        .at(-1)!
        .replace(/\[\d*\]$/, '');
      walk(value, key, out);
    }
  } else {
    try {
      walk(JSON.parse(body), '', out);
    } catch {
      // Not JSON: nothing personal can be told apart.
    }
  }
  return [...out];
}

/** The same text as a reader would see it: percent-decoded (URLs, `+` as a space) and lower-cased. */
function readings(text: string): string[] {
  const out = [text];
  try {
    out.push(decodeURIComponent(text.replace(/\+/g, ' ')));
  } catch {
    // Not percent-encoded.
  }
  return [...out, ...out.map((t) => t.toLowerCase())];
}

export interface Finding {
  where: string;
  text: string;
  value: string;
}

/** Every place where a personal value, or any email address, appears. */
export function findPersonalData(where: string, texts: string[], values: Iterable<string>): Finding[] {
  const list = [...new Set(values)].filter((v) => v.length >= 3);
  const findings: Finding[] = [];
  for (const text of texts) {
    const seen = readings(text);
    const email = seen.map((t) => ANY_EMAIL.exec(t)?.[0]).find(Boolean);
    if (email) findings.push({ where, text, value: email });
    for (const value of list) {
      if (seen.some((t) => t.includes(value))) findings.push({ where, text, value });
    }
  }
  return findings;
}
