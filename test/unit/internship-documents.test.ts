import { beforeAll, describe, expect, it } from 'vitest';
import {
  type InternshipApplicationPayload,
  InternshipApplicationSchema,
} from '../../forms/internship-application/schema';
import { internshipApplication as kind } from '../../forms/internship-application/workflow';
import { config, provideRuntimeEnv } from '../../functions/config';
import type { KindDefinition, RecordState } from '../../functions/core/kind';
import { renderDocument } from '../../functions/documents/render';
import { internshipApplication } from '../support/internship-fixtures';
import { pdfText } from '../support/pdf-text';

/** The documents of an internship application (A4 forms), rendered and read back with pdftotext. */

beforeAll(() => {
  provideRuntimeEnv({
    INSTANCE_ID: 'smolensk',
    TABLE_NAME: 't',
    BUCKET_NAME: 'b',
    AWS_REGION: 'eu-central-1',
  });
});

function site(
  topics: 1 | 2 | 3,
  extra: Partial<InternshipApplicationPayload> = {},
): RecordState<InternshipApplicationPayload> {
  return {
    id: '5d3c7e2a-9f1b-4c6d-8e0a-1b2c3d4e5f60',
    kind: 'internship-application',
    number: 'СП-67-2026-012',
    stage: 'active',
    version: 8,
    createdAt: '2026-10-15T07:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
    enteredAt: '2026-12-01T09:00:00.000Z',
    payload: { ...InternshipApplicationSchema.parse(internshipApplication(topics).body), ...extra },
  };
}

const DECIDED: Partial<InternshipApplicationPayload> = {
  decision: {
    decision: 'approved',
    protocolNumber: '11',
    protocolDate: '2026-11-20',
    criteria: { relevance: 'met', effectiveness: 'met', completeness: 'met' },
  },
  order: { orderNumber: '1187-ОД', orderDate: '2026-12-01' },
  validUntil: '2029-12-01',
  agreement: { agreementNumber: '52/СП', agreementDate: '2026-12-01' },
};

async function text(name: string, record: RecordState<InternshipApplicationPayload>): Promise<string> {
  const bytes = await renderDocument(
    kind as unknown as KindDefinition<unknown>,
    name,
    record,
    config().instance,
  );
  return pdfText(bytes);
}

describe('internship-application documents', () => {
  it('renders each passport from its own topic, with the form’s checkboxes and section titles', async () => {
    const record = site(3);
    const second = await text('passport-2', record);
    expect(second).toContain('региональной стажировочной площадки № 2');
    expect(second).toContain('ФГИС «Моя школа» в основной школе');
    expect(second).not.toContain('смыслового чтения');
    expect(second).toContain('Опыт сотрудничества с ГАУ ДПО СОИРО');
    expect(second).toContain('☑ Цифровые технологии в образовании');
    expect(second).toContain('☐ Формирование функциональной грамотности обучающихся');
    expect(second).toContain('☑ Групповой');
    expect(second).toContain('☑ Индивидуальный');
    const third = await text('passport-3', record);
    expect(third).toContain('☑ Педагогический работник');
    expect(third).toContain('Сергеенкова Ольга Николаевна, педагог-психолог');
    expect(third).toContain('☑ ИНОЕ (заполняется самостоятельно): супервизия случаев медиации');
  });

  it('declares passport-N only for the topics given', () => {
    const documents = kind.documents;
    expect(Object.keys(documents)).toEqual([
      'application',
      'passport-1',
      'passport-2',
      'passport-3',
      'decision',
      'status-certificate',
      'termination',
    ]);
    const one = site(1);
    expect(['passport-1', 'passport-2', 'passport-3'].map((n) => documents[n]!.when!(one))).toEqual([
      true,
      false,
      false,
    ]);
    expect(['passport-1', 'passport-2', 'passport-3'].map((n) => documents[n]!.when!(site(3)))).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('puts the organisation’s details on top of the application, as on its letterhead', async () => {
    const application = await text('application', site(2));
    expect(application.indexOf('ул. Кирова, д. 27а')).toBeLessThan(application.indexOf('ЗАЯВКА'));
    expect(application).toContain('В ГАУ ДПО СОИРО');
    expect(application).toContain('паспорта региональной стажировочной площадки (2)');
    expect(application).toContain('Руководитель организации-соискателя');
  });

  it('shows the decision with the criteria of A4 3.6, the certificate with its validity, the termination with its ground', async () => {
    const decision = await text('decision', site(2, DECIDED));
    expect(decision).toContain('от 20 ноября 2026 г. № 11');
    expect(decision).toContain('результативность и эффективность представляемого опыта соответствует');
    const certificate = await text('status-certificate', site(2, DECIDED));
    expect(certificate).toContain('с 01.12.2026 по 01.12.2029');
    expect(certificate).toContain('№ СП-67-2026-012');
    const termination = await text(
      'termination',
      site(2, {
        ...DECIDED,
        termination: {
          reason: 'own-initiative',
          details: 'Представление школы от 10.02.2027',
          terminatedOn: '2027-02-15',
        },
      }),
    );
    expect(termination).toContain('п. 3.12.6 Положения');
    expect(termination).toContain(
      'инициирования закрытия стажировочной площадки самой образовательной организацией',
    );
    expect(termination).toContain('15.02.2027');
  });
});
