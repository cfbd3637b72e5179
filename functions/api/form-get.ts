import { describeForm } from '../core/forms-info';
import { httpHandler } from '../http/handler';

/** GET /v1/forms/{kind} */
export const handler = httpHandler({}, async ({ path }) => ({ body: describeForm(path.kind ?? '') }));
