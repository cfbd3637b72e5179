import { describe, expect, it } from 'vitest';
import {
  normalizeMunicipality,
  RegisterQuerySchema,
  registerEntries,
} from '../../forms/internship-application/register';
import {
  type InternshipApplicationPayload,
  InternshipApplicationSchema,
} from '../../forms/internship-application/schema';
import type { RecordState } from '../../functions/core/kind';
import { internshipApplication, ruralApplication } from '../support/internship-fixtures';

function activeSite(body: unknown): RecordState<InternshipApplicationPayload> {
  const payload: InternshipApplicationPayload = {
    ...InternshipApplicationSchema.parse(body),
    order: { orderNumber: '1187-ОД', orderDate: '2026-12-01' },
    validUntil: '2029-12-01',
  };
  return {
    id: '0b7c1f4e-2d7a-4d1e-9b1c-5a0f3e2d1c0b',
    kind: 'internship-application',
    number: 'СП-67-2026-007',
    stage: 'active',
    version: 9,
    createdAt: '2026-10-15T07:00:00.000Z',
    updatedAt: '2026-12-01T08:00:00.000Z',
    enteredAt: '2026-12-01T08:00:00.000Z',
    payload,
  };
}

describe('the register of internship sites (A4 5.1.4)', () => {
  it('gives one entry per topic with the public data of the site', () => {
    const fixture = internshipApplication(3);
    const entries = registerEntries(activeSite(fixture.body), {});
    expect(entries.map((e) => e.direction)).toEqual(['functional-literacy', 'digital', 'other']);
    expect(entries[0]).toMatchObject({
      number: 'СП-67-2026-007',
      organization:
        'Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 40» города Смоленска',
      municipality: 'город Смоленск',
      address: '214019, г. Смоленск, ул. Кирова, д. 27а',
      directionTitle: 'Формирование функциональной грамотности обучающихся',
      audience: {
        groupTitles: ['Педагогические работники', 'Школьные команды (команды образовательной организации)'],
      },
      maxPlaces: 25,
      formatTitles: [
        'Реализация практического модуля ДПП ПК / ПП',
        'Проведение выездных практических занятий в рамках ДПП ПК / ПП',
      ],
      order: { number: '1187-ОД', date: '2026-12-01' },
      validUntil: '2029-12-01',
      contacts: {
        postalAddress: '214019, г. Смоленск, ул. Кирова, д. 27а',
        phone: '+74812554107',
        email: fixture.organizationEmail,
        website: 'https://sch40-smolensk.example.ru',
        socialAccounts: ['https://vk.com/sch40smolensk'],
      },
    });
    expect(entries[2]!.directionTitle).toBe('Восстановительные технологии и школьная медиация');
  });

  it('publishes no personal data: no head, no teacher, no head’s own phone or mailbox', () => {
    const fixture = internshipApplication(3);
    const published = JSON.stringify(registerEntries(activeSite(fixture.body), {}));
    for (const personal of [
      'Ковалёва',
      'Ирина',
      'Викторовна',
      fixture.headEmail,
      '+79107123456',
      'Сергеенкова',
      'Ольга',
    ]) {
      expect(published).not.toContain(personal);
    }
  });

  it('replaces a head’s mobile and mailbox written into the organisation’s contacts by the organisation’s own', () => {
    const fixture = ruralApplication();
    const [entry] = registerEntries(activeSite(fixture.body), {});
    expect(entry!.contacts.phone).toBe('+74812416318');
    expect(entry!.contacts.email).toBe(fixture.organizationEmail);
    expect(JSON.stringify(entry)).not.toContain(fixture.headEmail);
    expect(JSON.stringify(entry)).not.toContain('+79517001234');
    // The same number listed among the organisation's phones is the organisation's.
    fixture.body.organization.phones.push('+7 951 700-12-34');
    expect(registerEntries(activeSite(fixture.body), {})[0]!.contacts.phone).toBe('+79517001234');
  });

  it('filters by direction and by municipality as people type it', () => {
    const site = activeSite(internshipApplication(3).body);
    expect(registerEntries(site, { direction: 'digital' }).map((e) => e.topic)).toEqual([
      'Цифровая образовательная среда урока: сервисы ФГИС «Моя школа» в основной школе',
    ]);
    expect(registerEntries(site, { direction: 'health' })).toEqual([]);
    expect(registerEntries(site, { municipality: ' Город   СМОЛЕНСК ' })).toHaveLength(3);
    expect(registerEntries(site, { municipality: 'Смоленский муниципальный округ' })).toEqual([]);
    expect(normalizeMunicipality('Ершичский  район')).toBe(normalizeMunicipality('ершичский район'));
    expect(normalizeMunicipality('Хиславичский')).toBe('хиславичский');
    expect(normalizeMunicipality('Починковский Ёлки')).toBe('починковский елки');
  });

  it('validates the query: known directions, a municipality of sensible length, json or pdf, nothing else', () => {
    expect(
      RegisterQuerySchema.safeParse({ direction: 'digital', municipality: 'город Смоленск', format: 'pdf' })
        .success,
    ).toBe(true);
    const bad = RegisterQuerySchema.safeParse({
      direction: 'cooking',
      municipality: 'С',
      format: 'xlsx',
      page: '2',
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.') || i.code).sort()).toEqual([
      'direction',
      'format',
      'municipality',
      'unrecognized_keys',
    ]);
  });
});
