/**
 * File names of documents for download and mail. The name a person sees is Russian
 * («Карта ИОМ ИОМ-67-2026-00042 (редакция 2).pdf»); where a mail client or an old browser needs ASCII, the same
 * name transliterated (ICAO Doc 9303 / the Russian passport scheme: «Karta IOM IOM-67-2026-00042 (redaktsiia 2).pdf»).
 */

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: 'ie',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'iu',
  я: 'ia',
  '№': 'N',
  '«': '"',
  '»': '"',
  '—': '-',
  '–': '-',
};

/** A safe file name: no path separators or control characters, at most 150 characters, with `.pdf`. */
export function pdfFileName(name: string): string {
  const clean = name
    .replace(/[\\/:*?"<>|]+/g, ' ')
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 150)
    .trim();
  return `${clean || 'document'}.pdf`;
}

/** The name in ASCII letters (Cyrillic transliterated, anything else outside printable ASCII dropped). */
export function asciiFileName(name: string): string {
  let out = '';
  for (const ch of pdfFileName(name)) {
    const lower = ch.toLowerCase();
    const t = TRANSLIT[lower];
    if (t !== undefined) {
      out += ch !== lower && t ? t[0]!.toUpperCase() + t.slice(1) : t;
    } else if (ch >= ' ' && ch <= '~') out += ch;
  }
  return out.replace(/"/g, "'").replace(/\s+/g, ' ');
}

/** `Content-Disposition` with the Russian name (RFC 6266 / RFC 5987) and its ASCII fallback. */
export function contentDisposition(
  name: string,
  disposition: 'attachment' | 'inline' = 'attachment',
): string {
  const utf8 = encodeURIComponent(pdfFileName(name)).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${asciiFileName(name)}"; filename*=UTF-8''${utf8}`;
}
