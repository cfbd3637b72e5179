import { setClock } from '../../core/dev';
import * as z from '../../core/zod-ru';
import { httpHandler } from '../../http/handler';

const ClockSchema = z.strictObject({
  now: z.iso.datetime({ offset: true, message: 'Ожидается дата и время в формате ISO 8601' }),
});

/** POST /dev/clock — workers and rules see another "now" (local mode only). */
export const handler = httpHandler({ body: ClockSchema, localOnly: true }, async ({ body }) => ({
  body: setClock(new Date(body.now)),
}));
