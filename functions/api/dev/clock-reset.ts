import { resetClock } from '../../core/dev';
import { httpHandler } from '../../http/handler';

/** DELETE /dev/clock — back to the real clock (local mode only). */
export const handler = httpHandler({ localOnly: true }, async () => ({ body: resetClock() }));
