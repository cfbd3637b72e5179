import { defineRegister, type RecordState } from '../../functions/core/kind';
import * as z from '../../functions/core/zod-ru';
import {
  ActivityFormat,
  AudienceGroup,
  InteractionFormat,
  type InternshipApplicationPayload,
  InternshipDirection,
  type Passport,
} from './schema';

/**
 * The public register of regional internship sites (A4 5.1.4: "размещает реестр стажировочных площадок и
 * информацию об их деятельности на официальном сайте ГАУ ДПО СОИРО"). One entry per topic of an `active` site:
 * its passport is per topic, and so are the direction, audience, places and formats a teacher chooses by.
 *
 * What is published, and why. The register is open to anyone, so it may carry only what the organisation gives
 * out as its own public contacts; the personal data of people (152-FZ art. 3, 7: names, personal phones and
 * addresses need a consent to be disclosed, and the register is not one) stay out:
 *   - shown: the organisation's full name, municipality and actual address (application form), and the passport's
 *     block "Контактные данные образовательной организации (почтовый адрес, телефон, email)", its website and
 *     official accounts — the form itself calls them the organisation's contacts;
 *   - never shown: the head's name ("Ф.И.О. руководителя" of the passport, "Руководитель организации-соискателя"
 *     of the application), the head's phones and email, the name of a teacher who carries the experience;
 *   - and a passport contact that the application gives as the HEAD's personal phone or email (a director's mobile
 *     written into the organisation's block) is replaced by the organisation's own phone or email from the
 *     application, unless the application lists it among the organisation's contacts as well.
 */

export const RegisterQuerySchema = z.strictObject({
  direction: InternshipDirection.schema.optional(),
  municipality: z
    .string()
    .trim()
    .min(2, 'Муниципальное образование — не менее 2 символов')
    .max(200, 'Муниципальное образование — не более 200 символов')
    .optional(),
  format: z.enum(['json', 'pdf'], 'Формат: json или pdf').optional(),
});
export type RegisterQuery = z.infer<typeof RegisterQuerySchema>;

/** Comparison of municipality names as people type them: case, ё/е and spacing do not matter. */
export function normalizeMunicipality(name: string): string {
  return name.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
}

export interface RegisterEntry extends Record<string, unknown> {
  number?: string;
  organization: string;
  municipality: string;
  address: string;
  topic: string;
  direction: string;
  directionTitle: string;
  audience: { groups: string[]; groupTitles: string[]; specification: string };
  maxPlaces: number;
  interactionFormats: string[];
  interactionFormatTitles: string[];
  formats: string[];
  formatTitles: string[];
  order?: { number: string; date: string };
  validUntil: string;
  contacts: {
    postalAddress: string;
    phone: string;
    email: string;
    website?: string;
    socialAccounts: string[];
  };
}

/** The passport's contacts, with the head's personal phone and email replaced by the organisation's own. */
function publicContacts(p: InternshipApplicationPayload, passport: Passport): RegisterEntry['contacts'] {
  const orgPhones = p.organization.phones;
  const headOnlyPhone =
    p.head.phones.includes(passport.contacts.phone) && !orgPhones.includes(passport.contacts.phone);
  const headOnlyEmail =
    passport.contacts.email === p.head.email && passport.contacts.email !== p.organization.email;
  return {
    postalAddress: passport.contacts.postalAddress,
    phone: headOnlyPhone ? (orgPhones[0] as string) : passport.contacts.phone,
    email: headOnlyEmail ? p.organization.email : passport.contacts.email,
    website: passport.website ?? p.organization.website,
    socialAccounts: passport.socialAccounts ?? [],
  };
}

export function registerEntries(
  record: RecordState<InternshipApplicationPayload>,
  query: Omit<RegisterQuery, 'format'>,
): RegisterEntry[] {
  const p = record.payload;
  if (!p.validUntil) return [];
  if (
    query.municipality &&
    normalizeMunicipality(p.organization.municipality) !== normalizeMunicipality(query.municipality)
  )
    return [];
  return p.passports
    .filter((passport) => !query.direction || passport.direction === query.direction)
    .map((passport) => ({
      number: record.number,
      organization: p.organization.fullName,
      municipality: p.organization.municipality,
      address: p.organization.actualAddress,
      topic: passport.topic,
      direction: passport.direction,
      directionTitle:
        passport.direction === 'other'
          ? (passport.directionOther ?? InternshipDirection.labels.other)
          : InternshipDirection.labels[passport.direction],
      audience: {
        groups: passport.audience.groups,
        groupTitles: passport.audience.groups.map((g) => AudienceGroup.labels[g]),
        specification: passport.audience.specification,
      },
      maxPlaces: passport.maxPlaces,
      interactionFormats: passport.interactionFormats,
      interactionFormatTitles: passport.interactionFormats.map((f) => InteractionFormat.labels[f]),
      formats: passport.formats,
      formatTitles: passport.formats.map((f) => ActivityFormat.labels[f]),
      order: p.order ? { number: p.order.orderNumber, date: p.order.orderDate } : undefined,
      validUntil: p.validUntil as string,
      contacts: publicContacts(p, passport),
    }));
}

const collator = new Intl.Collator('ru');

export const internshipSitesRegister = defineRegister<
  InternshipApplicationPayload,
  Omit<RegisterQuery, 'format'>
>({
  name: 'internship-sites',
  title: 'Реестр региональных стажировочных площадок',
  stages: ['active'],
  query: RegisterQuerySchema,
  entries: (record, query) => registerEntries(record, query),
  compare: (a, b) =>
    collator.compare(String(a.municipality), String(b.municipality)) ||
    collator.compare(String(a.organization), String(b.organization)) ||
    collator.compare(String(a.topic), String(b.topic)),
  template: 'registry',
  fileName: 'Реестр региональных стажировочных площадок',
});
