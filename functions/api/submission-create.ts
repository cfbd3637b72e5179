import { createRecord } from '../core/engine';
import * as z from '../core/zod-ru';
import { idempotencyScope } from '../http/caller';
import { httpHandler } from '../http/handler';

/**
 * POST /v1/submissions/{kind} — the path parameter is named `id` in the route table because API Gateway allows
 * one variable name per path position (`GET /v1/submissions/{id}` shares it); here it holds the kind.
 */
export const handler = httpHandler({ body: z.unknown() }, async ({ body, path, caller, headers, event }) => {
  const key = headers['idempotency-key'];
  const result = await createRecord(
    path.id ?? '',
    body,
    caller,
    key ? { key, scope: idempotencyScope(event.routeKey, caller) } : undefined,
  );
  return { status: result.status, body: result.body };
});
