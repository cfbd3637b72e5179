/** `npm run reset`: wipe the embedded default's data (`.data/` or DATA_DIR). Stop `npm start` first. */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { localStartEnv } from '../../functions/config';

const dir = resolve(import.meta.dirname, '..', '..', localStartEnv().DATA_DIR);
rmSync(dir, { recursive: true, force: true });
console.log(`Данные удалены: ${dir}`);
