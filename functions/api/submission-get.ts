import { getRecord } from '../core/records';
import { httpHandler } from '../http/handler';

/** GET /v1/submissions/{id} — the record as this caller may see it. */
export const handler = httpHandler({}, async ({ path, caller }) => ({
  body: await getRecord(path.id ?? '', caller),
}));
