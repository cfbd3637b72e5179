import { describeLink } from '../core/records';
import { httpHandler } from '../http/handler';

/** GET /v1/links/{token} — what the link opens: record, party, actions, expiry. */
export const handler = httpHandler({}, async ({ path }) => ({ body: await describeLink(path.token ?? '') }));
