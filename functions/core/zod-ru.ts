import { z } from 'zod';

/** Zod's built-in messages in Russian, for every schema in the process (form schemas add their own on top). */
z.config(z.locales.ru());

export { z };
