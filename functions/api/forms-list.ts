import { listForms } from '../core/forms-info';
import { httpHandler } from '../http/handler';

/** GET /v1/forms */
export const handler = httpHandler({}, async () => ({ body: listForms() }));
