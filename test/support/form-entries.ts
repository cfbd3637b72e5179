import type { Raw } from '../../functions/web/form-data';

/** Name/value pairs as a browser posts a form. */
export type FormEntries = [string, string][];

/**
 * A raw form value (functions/web/form-data.ts `rawOf`) as a browser posts it: dotted names, one entry per
 * ticked box of a group.
 */
export function entriesOf(raw: Raw, name = ''): FormEntries {
  if (raw === undefined) return [];
  if (typeof raw === 'string') return [[name, raw]];
  if (Array.isArray(raw)) return raw.map((v) => [name, v]);
  return Object.entries(raw).flatMap(([key, value]) => entriesOf(value, name ? `${name}.${key}` : key));
}
