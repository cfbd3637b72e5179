import { runWorker } from '../../core/dev';
import { httpHandler } from '../../http/handler';

/** POST /dev/run/{worker} — run a worker once, now (local mode only). */
export const handler = httpHandler({ localOnly: true }, async ({ path }) => ({
  body: await runWorker(path.worker ?? ''),
}));
