import * as z from 'zod';

/**
 * Settings of one regional instance (DOMAIN.md, "Instance settings").
 * The data lives in infra/instances/<id>.ts; functions receive it by id through the config module,
 * so the same bundle serves every region and no code branches on a region's name.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'дата в формате ГГГГ-ММ-ДД');
const monthDay = z.string().regex(/^\d{2}-\d{2}$/, 'день в формате ММ-ДД');
const workingDays = z.number().int().min(1).max(60);

const OrganizationNameSchema = z.object({
  full: z.string().min(1),
  short: z.string().min(1),
});

/**
 * One year of the production calendar as the government's decree gives it (calendar-ru.md):
 * weekdays that are days off, and weekend days that are working. A year marked unconfirmed falls back
 * to the rule of art. 112 of the Labour Code, and the gap is reported, never hidden.
 */
export const CalendarYearSchema = z.object({
  confirmed: z.boolean(),
  source: z.string().min(1),
  nonWorkingWeekdays: z.array(isoDate),
  workingWeekends: z.array(isoDate),
});
export type CalendarYear = z.infer<typeof CalendarYearSchema>;

export const InstanceSettingsSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
    region: z.object({
      name: z.string().min(1),
      /** Code of the subject of the Russian Federation, e.g. "67" for the Smolensk region. */
      code: z.string().regex(/^\d{2,3}$/),
    }),
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('ru-RU', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'неизвестный часовой пояс'),
    authority: OrganizationNameSchema,
    institute: OrganizationNameSchema.extend({ city: z.string().min(1) }),
    centre: OrganizationNameSchema,
    mailboxes: z.object({
      sender: z.email(),
      replyTo: z.email(),
      operator: z.email(),
      centre: z.email(),
      /** Where overdue stages are escalated after the reminder to the responsible party. */
      supervisor: z.email(),
    }),
    /** Domain verified in SES (or the Russian mail service) from which the sender address is sent. */
    mailDomain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/),
    deadlines: z.object({
      /** A2 5.9.4: the operator contacts the applicant within 3 working days of receipt. */
      operatorContact: workingDays,
      /** A2 5.9.6: results within 10 working days after the diagnostics. */
      results: workingDays,
      /** A2 5.10.4: 15 working days when the department ordered the diagnostics. */
      resultsOrdered: workingDays,
      /** Consents of a collective request (instance setting, 5 by default). */
      consent: workingDays,
      /** A3 4.3.2: the route is developed within 10 working days after the diagnostics. */
      routeDevelopment: workingDays,
      /** A3 4.3.6: corrections to a route are accepted for 5 working days. */
      correctionWindow: workingDays,
    }),
    internship: z.object({
      /** A4 3.2: applications are accepted from 1 September to 1 November. */
      selectionWindow: z.object({ from: monthDay, to: monthDay }),
      /** A4 3.9: the status is granted for at most 3 years. */
      maxStatusYears: z.number().int().min(1).max(10),
      /** Notice to the site before its status ends. */
      expiryNoticeDays: z.number().int().min(1).max(365),
    }),
    route: z.object({
      /** A3 4.4.3: a route lasts from 6 months to 2 years. */
      minMonths: z.number().int().min(1),
      maxMonths: z.number().int().min(1),
      /** A3 4.5.4: a completed route is kept for 1 year, then deleted. */
      retentionDays: z.number().int().min(1),
      /** A3 4.3.3: number prefix, e.g. "ИОМ-67" gives "ИОМ-67-2026-00042". */
      numberPrefix: z.string().min(1),
    }),
    /** Public address of the app (its own domain); without it, links in mails use the API Gateway URL. */
    publicUrl: z.url().optional(),
    /** Lifetime of a party link sent by mail. */
    linkTtlDays: z.number().int().min(1).max(365),
    /** Whether a public submission waits in `unconfirmed` until the applicant follows the mailed link. */
    emailConfirmation: z.boolean(),
    calendar: z.object({
      years: z.record(z.string().regex(/^\d{4}$/), CalendarYearSchema),
      /** Regional public holidays (e.g. in some republics), as dates; added to every year's data. */
      regionalHolidays: z.array(isoDate).default([]),
    }),
    aws: z.object({
      region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/),
      account: z
        .string()
        .regex(/^\d{12}$/)
        .optional(),
    }),
  })
  .refine((s) => s.route.minMonths <= s.route.maxMonths, {
    message: 'минимальная длительность маршрута больше максимальной',
    path: ['route', 'minMonths'],
  });

export type InstanceSettings = z.infer<typeof InstanceSettingsSchema>;
export type InstanceSettingsInput = z.input<typeof InstanceSettingsSchema>;
