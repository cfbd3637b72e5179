import { kinds } from '../../forms/registry';
import { now as clockNow } from '../adapters/clock';
import * as table from '../adapters/table';
import { config } from '../config';
import { stateOf } from './engine';
import { AppError } from './errors';
import type { KindDefinition, RegisterDefinition } from './kind';
import { keys, type StoredRecord } from './model';

/**
 * Public registers (GET /v1/registry/<name>): anonymous and read-only. A kind declares which stages are listed and
 * which public data of a record an entry shows (A4 5.1.4: the register of internship sites is published on the
 * institute's site); nothing else of the record leaves this module. Records are read from the kind's queue
 * partition (a key-condition query with a stage filter — a region has at most a few hundred such records).
 */

export interface RegisterJson {
  title: string;
  generatedAt: string;
  count: number;
  items: Record<string, unknown>[];
}

export type RegisterReply =
  | { format: 'json'; body: RegisterJson }
  | { format: 'pdf'; bytes: Uint8Array; fileName: string };

function findRegister(name: string): {
  kind: KindDefinition<unknown>;
  register: RegisterDefinition<unknown, never>;
} {
  for (const kind of kinds) {
    if (kind.register?.name === name) return { kind, register: kind.register };
  }
  throw new AppError('not-found', 'Нет такого реестра');
}

export async function publicRegister(
  name: string,
  rawQuery: Record<string, string | undefined>,
): Promise<RegisterReply> {
  const { kind, register } = findRegister(name);
  const parsed = register.query.safeParse(rawQuery);
  if (!parsed.success) {
    throw new AppError('validation', 'Проверьте параметры запроса', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }
  const { format = 'json', ...filters } = parsed.data as { format?: 'json' | 'pdf' } & Record<
    string,
    unknown
  >;
  const settings = config().instance;
  const names: Record<string, string> = { '#stage': 'stage' };
  const values: Record<string, unknown> = {};
  register.stages.forEach((stage, i) => {
    values[`:s${i}`] = stage;
  });
  const records = (await table.queryAll({
    index: 'queue',
    partition: keys.queuePk(kind.kind),
    filter: { expression: `#stage IN (${Object.keys(values).join(', ')})`, names, values },
  })) as unknown as StoredRecord[];
  const items = records
    .flatMap((r) => register.entries(stateOf(r), filters as never, settings))
    .sort(register.compare ?? (() => 0));
  const generatedAt = clockNow().toISOString();
  if (format === 'json') {
    return { format, body: { title: register.title, generatedAt, count: items.length, items } };
  }
  // The PDF engine loads with the first PDF: most calls want JSON or a page, and a cold start should not pay
  // for pdf-lib and the templates (test/bench/functions.ts measures the import).
  const { renderTemplateToPdf } = await import('../documents/render');
  const bytes = await renderTemplateToPdf(
    `pdf/${kind.kind}/${register.template}.hbs`,
    {
      title: register.title,
      items,
      filters,
      generatedAt,
      settings,
      labels: kind.labels ?? {},
      enums: kind.enums ?? {},
    },
    { title: register.title, author: settings.institute.short, date: new Date(generatedAt) },
  );
  return { format, bytes, fileName: register.fileName };
}
