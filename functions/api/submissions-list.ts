import { listRecords } from '../core/records';
import * as z from '../core/zod-ru';
import { httpHandler } from '../http/handler';

const QueueQuerySchema = z.strictObject({
  kind: z.string().min(1).optional(),
  stage: z.string().min(1).optional(),
  overdue: z.enum(['true', 'false'], 'Ожидается true или false').optional(),
  q: z.string().trim().min(2, 'Не менее 2 символов').max(100).optional(),
  limit: z.coerce.number().int('Целое число').min(1).max(100, 'Не более 100').default(25),
  cursor: z.string().max(4000).optional(),
});

/** GET /v1/submissions — the staff queue, newest first. */
export const handler = httpHandler({ query: QueueQuerySchema }, async ({ query, caller }) => ({
  body: await listRecords({ ...query, overdue: query.overdue === 'true' }, caller),
}));
