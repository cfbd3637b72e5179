import { config } from 'zod';
import ru from 'zod/v4/locales/ru.js';

/** Zod's built-in messages in Russian, for every schema in the process (form schemas add their own on top). */
config(ru());

/**
 * Zod itself, imported as `import * as z from '.../core/zod-ru'`. A namespace import lets esbuild drop what the
 * code does not use; zod's own `z` object, once passed on as a value (`import { z } from 'zod'`), keeps all of zod
 * in every Lambda bundle, its 60 locales alone about 260 KB (test/bench/functions.ts measures the bundles).
 */
export * from 'zod';
