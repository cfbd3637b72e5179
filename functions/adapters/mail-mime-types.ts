/**
 * Stands in for nodemailer's `lib/mime-funcs/mime-types.js` in the function bundles (the plugin
 * `nodemailerMimeTypes` in infra/constructs/bundle-plugins.ts). That file is nodemailer's table of every known
 * MIME type and file extension, 76 KB of a worker bundle; MailComposer consults it only for a part that comes
 * without a content type (to guess one from the file name) or without a file name (to guess an extension). The
 * mail adapter never sends such a part: text and HTML bodies carry their types, and MailAttachment requires both
 * `filename` and `contentType` (mail.ts). Same functions, same defaults as nodemailer's, over the types this app
 * sends, so a guess it ever made would still name a PDF a PDF. From the repository the real table is used; the
 * bundled mail is checked byte for byte against it (test/infra/bundled-mail.test.ts).
 */

const DEFAULT_MIME_TYPE = 'application/octet-stream';
const DEFAULT_EXTENSION = 'bin';

const EXTENSION_BY_TYPE: ReadonlyMap<string, string> = new Map([
  ['application/pdf', 'pdf'],
  ['text/html', 'html'],
  ['text/plain', 'txt'],
]);
const TYPE_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['pdf', 'application/pdf'],
  ['html', 'text/html'],
  ['htm', 'text/html'],
  ['txt', 'text/plain'],
  ['text', 'text/plain'],
]);

/** nodemailer's detectMimeType: by the extension of a file name (or the name when it has none). */
export function detectMimeType(filename?: string): string {
  if (!filename) return DEFAULT_MIME_TYPE;
  const base = String(filename).split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const extension = (dot > 0 ? base.slice(dot + 1) : base).split('?')[0]!.trim().toLowerCase();
  return TYPE_BY_EXTENSION.get(extension) ?? DEFAULT_MIME_TYPE;
}

/** nodemailer's detectExtension: the extension of a MIME type; `txt` for unknown text, else `bin`. */
export function detectExtension(mimeType?: string): string {
  if (!mimeType) return DEFAULT_EXTENSION;
  const [root = '', ...rest] = mimeType.toLowerCase().trim().split('/');
  const known = EXTENSION_BY_TYPE.get(`${root.trim()}/${rest.join('/').trim()}`);
  if (known) return known;
  return root.trim() === 'text' ? 'txt' : DEFAULT_EXTENSION;
}
