import { getHistory } from '../core/records';
import { httpHandler } from '../http/handler';

/** GET /v1/submissions/{id}/history */
export const handler = httpHandler({}, async ({ path, caller }) => ({
  body: await getHistory(path.id ?? '', caller),
}));
