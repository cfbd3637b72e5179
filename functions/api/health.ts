import { httpHandler } from '../http/handler';

/** Liveness of the API: `{ ok: true }` (API.md). Touches no storage, so it answers even when a service is down. */
export const handler = httpHandler({}, async () => ({ body: { ok: true } }));
