import { randomUUID } from 'node:crypto';
import type { DiagnosticsRequestPayload } from '../../forms/diagnostics-request/schema';
import type { RecordState } from '../../functions/core/kind';
import {
  keys,
  newOutboxItem,
  type OutboxEffect,
  type OutboxItem,
  type StoredRecord,
} from '../../functions/core/model';

/**
 * Fixture records and outbox items written exactly in the shapes of functions/core/model.ts, for tests of the
 * workers that must not depend on the engine or the API. Every call makes unique ids and email addresses, since
 * all integration test files share one stack.
 */

export function uniqueEmail(prefix = 'uchitel'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@school.example.ru`;
}

export function diagnosticsPayload(email = uniqueEmail()): DiagnosticsRequestPayload {
  return {
    participant: {
      person: { lastName: 'Иванова', firstName: 'Мария', middleName: 'Петровна' },
      email,
      phone: '+79123456789',
      organization: { name: 'МБОУ «Средняя школа № 5» г. Смоленска', municipality: 'город Смоленск' },
      position: 'учитель математики',
      category: 'teacher',
      subjects: ['математика', 'информатика'],
    },
    form: 'standardized',
    blocks: ['subject', 'methodical', 'digital'],
    subject: 'математика',
    preferredPeriod: { from: '2026-11-23', to: '2026-12-04' },
    comment: 'Удобнее во второй половине дня.',
    personalDataConsent: true,
  };
}

export function withResults(payload: DiagnosticsRequestPayload): DiagnosticsRequestPayload {
  return {
    ...payload,
    schedule: {
      date: '2026-11-25',
      place: 'ГАУ ДПО СОИРО, г. Смоленск, ул. Октябрьской революции, д. 20а, ауд. 12',
    },
    conductedOn: '2026-11-25',
    results: {
      level: 'medium',
      blocks: [
        { block: 'subject', level: 'low', score: 17, maxScore: 20 },
        { block: 'methodical', level: 'medium', score: 11, maxScore: 20 },
        { block: 'digital', level: 'high', score: 0, maxScore: 20 },
      ],
      deficits: [
        { code: 'М-2', title: 'Проектирование уроков с использованием цифровых образовательных ресурсов' },
        { code: 'Ц-1', title: 'Организация дистанционного взаимодействия с обучающимися' },
      ],
      recommendations: [
        'Пройти курсы повышения квалификации по цифровой дидактике',
        'Посетить открытые уроки коллег',
      ],
    },
  };
}

export interface RecordFixture {
  kind?: string;
  stage: string;
  payload: unknown;
  version?: number;
  at?: Date;
  dueAt?: string;
  /** ISO instant of the next check by the deadline worker (puts the record into the 'due' index). */
  nextCheck?: string;
  remindedAt?: string;
  expiresAt?: number;
}

export function recordItem(fixture: RecordFixture): StoredRecord {
  const id = randomUUID();
  const at = (fixture.at ?? new Date()).toISOString();
  const kind = fixture.kind ?? 'diagnostics-request';
  return {
    ...keys.record(id),
    type: 'record',
    id,
    kind,
    stage: fixture.stage,
    version: fixture.version ?? 1,
    createdAt: at,
    updatedAt: at,
    enteredAt: at,
    dueAt: fixture.dueAt,
    payload: fixture.payload,
    documents: [],
    childSeq: 0,
    queuePk: keys.queuePk(kind),
    queueSk: `${at}#${id}`,
    deadlineSk: keys.deadlineSk({ id, dueAt: fixture.dueAt, createdAt: at }),
    ...(fixture.nextCheck ? { duePk: keys.duePk, dueSk: `${fixture.nextCheck}#${id}` } : {}),
    ...(fixture.remindedAt ? { remindedAt: fixture.remindedAt } : {}),
    ...(fixture.expiresAt ? { expiresAt: fixture.expiresAt } : {}),
  };
}

export function stateOfFixture(record: StoredRecord): RecordState<unknown> {
  const { id, kind, number, stage, version, createdAt, updatedAt, enteredAt, dueAt, parentId, payload } =
    record;
  return { id, kind, number, stage, version, createdAt, updatedAt, enteredAt, dueAt, parentId, payload };
}

export function outboxItemFor(record: StoredRecord, effect: OutboxEffect, at: Date = new Date()): OutboxItem {
  return newOutboxItem(record, effect, at);
}
