import * as z from './zod-ru';

/** DOMAIN.md, common types: an email is trimmed, lower-cased and valid. */
export const emailField = (message = 'Укажите корректный адрес электронной почты') =>
  z.string().trim().toLowerCase().pipe(z.email(message));
