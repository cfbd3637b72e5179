import { openApiDocument } from '../core/openapi';
import { httpHandler } from '../http/handler';

/** GET /openapi.json */
export const handler = httpHandler({}, async () => ({ body: openApiDocument() }));
