import { applyAction } from '../core/engine';
import * as z from '../core/zod-ru';
import { idempotencyScope, requestMeta } from '../http/caller';
import { httpHandler } from '../http/handler';

/** POST /v1/submissions/{id}/actions/{action} — If-Match for staff edits; an empty body means no fields. */
export const handler = httpHandler(
  { body: z.unknown(), emptyBody: {} },
  async ({ body, path, caller, headers, event }) => {
    const key = headers['idempotency-key'];
    return {
      body: await applyAction(path.id ?? '', path.action ?? '', body, caller, {
        ifMatch: headers['if-match'],
        request: requestMeta(event),
        idempotency: key
          ? { key, scope: `${idempotencyScope(event.routeKey, caller)}#${path.id}#${path.action}` }
          : undefined,
      }),
    };
  },
);
