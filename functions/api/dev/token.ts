import { mintStaffToken } from '../../core/dev';
import { emailField } from '../../core/fields';
import * as z from '../../core/zod-ru';
import { httpHandler } from '../../http/handler';

const TokenRequestSchema = z.strictObject({
  email: emailField(),
  roles: z.array(z.enum(['operator', 'centre', 'curator', 'admin'])).min(1, 'Укажите хотя бы одну роль'),
});

/** POST /dev/token — a staff JWT from the local issuer (local mode only). */
export const handler = httpHandler({ body: TokenRequestSchema, localOnly: true }, async ({ body }) => ({
  body: await mintStaffToken(body),
}));
