import { localMailbox } from '../../core/dev';
import { httpHandler } from '../../http/handler';

/** GET /dev/mailbox?to=&since= — mail captured by the SES emulator, newest last (local mode only). */
export const handler = httpHandler({ localOnly: true }, async ({ query }) => ({
  body: await localMailbox({ to: query.to, since: query.since }),
}));
