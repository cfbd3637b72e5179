import { documentUrl } from '../core/records';
import { httpHandler } from '../http/handler';

/** GET /v1/submissions/{id}/documents/{docId} — 302 to a presigned URL valid at most 15 minutes. */
export const handler = httpHandler({}, async ({ path, caller }) => ({
  status: 302,
  headers: { location: await documentUrl(path.id ?? '', path.docId ?? '', caller) },
}));
