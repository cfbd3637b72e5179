import { publicRegister } from '../core/registers';
import { httpHandler } from '../http/handler';

/**
 * GET /v1/registry/internship-sites — the public register of active internship sites (A4 5.1.4), anonymous;
 * filters `direction` and `municipality`; `?format=pdf` gives the printable register.
 */
export const handler = httpHandler({}, async ({ query }) => {
  const register = await publicRegister('internship-sites', query);
  if (register.format === 'json') return { body: register.body };
  return {
    body: register.bytes,
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="register.pdf"; filename*=UTF-8''${encodeURIComponent(`${register.fileName}.pdf`)}`,
    },
  };
});
