import { AppError } from '../core/errors';
import { httpHandler } from '../http/handler';
import { staticFile } from './static-assets';

/**
 * GET /assets/{file}: the stylesheet and the script of the pages. Addressed with their content hash (`?v=`), so
 * they may be cached for a year; the only responses of the API that are cached at all.
 */
export const handler = httpHandler({}, async ({ path, query, headers }) => {
  const file = await staticFile(path.file ?? '');
  if (!file) throw new AppError('not-found', 'Файл не найден');
  const gzip = /\bgzip\b/.test(headers['accept-encoding'] ?? '');
  return {
    body: new Uint8Array(gzip ? file.gzipped : file.body),
    headers: {
      'content-type': file.contentType,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      vary: 'accept-encoding',
      'cache-control': query.v === file.hash ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: `"${file.hash}"`,
      'x-content-type-options': 'nosniff',
    },
  };
});
