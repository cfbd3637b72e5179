import { randomUUID } from 'node:crypto';

/** A valid individual diagnostics request; `overrides` replace top-level fields. */
export function diagnosticsRequest(overrides: Record<string, unknown> = {}, email = uniqueEmail()) {
  return {
    participant: {
      person: { lastName: 'Иванова', firstName: 'Мария', middleName: 'Петровна' },
      email,
      phone: '8 (4812) 38-12-34',
      organization: {
        name: 'МБОУ «Средняя школа № 5» г. Смоленска',
        municipality: 'город Смоленск',
        inn: '7707083893',
      },
      position: 'учитель математики',
      category: 'teacher',
      subjects: ['математика'],
    },
    form: 'standardized',
    blocks: ['subject', 'digital'],
    subject: 'математика',
    preferredPeriod: { from: daysFromNow(10), to: daysFromNow(30) },
    personalDataConsent: true,
    ...overrides,
  };
}

export function uniqueEmail(prefix = 'teacher'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@school.example.ru`;
}

export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
