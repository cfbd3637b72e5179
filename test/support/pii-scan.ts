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

const CYRILLIC_WORD = /[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*/g;
/** A number as people write one: digits with spaces, brackets, dashes (a phone), or a plain run (an INN). */
const NUMBER = /\+?\d[\d\s()-]*\d/g;

/**
 * Every place where a personal value, or any email address, appears. Values are looked up by the words and numbers
 * of each text (a set, not a search per value), so a run of many thousand requests is scanned in moments.
 */
export function findPersonalData(where: string, texts: string[], values: Iterable<string>): Finding[] {
  const words = new Set<string>();
  const numbers = new Set<string>();
  const phrases: string[] = [];
  for (const value of new Set(values)) {
    if (value.length < 3 || value.includes('@')) continue;
    const digits = value.replace(/\D/g, '');
    if (digits.length >= 6 && !/[А-ЯЁа-яёA-Za-z]/.test(value))
      numbers.add(digits.length > 10 ? digits.slice(-10) : digits);
    else if (/^[А-ЯЁа-яё]+(-[А-ЯЁа-яё]+)*$/.test(value)) words.add(value);
    else phrases.push(value);
  }
  const findings: Finding[] = [];
  for (const text of texts) {
    const found = new Set<string>();
    for (const reading of readings(text)) {
      const email = ANY_EMAIL.exec(reading)?.[0];
      if (email) found.add(email.toLowerCase());
      for (const word of reading.match(CYRILLIC_WORD) ?? []) if (words.has(word)) found.add(word);
      for (const number of reading.match(NUMBER) ?? []) {
        const digits = number.replace(/\D/g, '');
        if (numbers.has(digits)) found.add(digits);
        if (digits.length >= 10 && numbers.has(digits.slice(-10))) found.add(digits.slice(-10));
      }
      for (const phrase of phrases) if (reading.includes(phrase)) found.add(phrase);
    }
    for (const value of found) findings.push({ where, text, value });
  }
  return findings;
}
