import {
  type ActionContext,
  type DocumentDefinition,
  defineAction,
  defineKind,
  type MailEffect,
  type RuleViolation,
} from '../../functions/core/kind';
import { internshipRetention } from '../common/retention';
import { internshipSitesRegister } from './register';
import {
  addDays,
  changedPaths,
  eligibilityViolation,
  maxValidUntil,
  selectionWindowViolation,
} from './rules';
import {
  enums,
  formPart,
  type InternshipApplicationPayload,
  InternshipApplicationSchema,
  labels,
  MAX_TOPICS,
  NoFieldsSchema,
  RecordAgreementSchema,
  RecordDecisionSchema,
  RecordOrderSchema,
  RequestChangesSchema,
  ResubmitSchema,
  SendToCouncilSchema,
  TerminateSchema,
} from './schema';

type P = InternshipApplicationPayload;
const centre = { role: 'centre' as const };

/** Documents of the application as filed: the application and one passport per topic (A4 3.3). */
const PASSPORTS = Array.from({ length: MAX_TOPICS }, (_, i) => `passport-${i + 1}`);
const FILED = ['application', ...PASSPORTS];

/** The same mail to the applicant (the organisation's address) and to its head: "at every stage". */
function toBoth(template: string, extra: Omit<MailEffect, 'template' | 'to'> = {}): MailEffect[] {
  return [
    { template, to: 'applicant', ...extra },
    { template, to: 'head', ...extra },
  ];
}

type Ctx<I> = ActionContext<P, I>;

/** A date the staff records from a paper that exists already (a protocol, an order, an agreement). */
function notInFuture<I>(path: string, pick: (i: I) => string | undefined, what: string) {
  return ({ input, now, calendar }: Ctx<I>): RuleViolation | undefined => {
    const date = pick(input);
    return date && date > calendar.localDate(now)
      ? { rule: 'date-in-future', message: `${what} не может быть позже сегодняшнего дня`, path }
      : undefined;
  };
}

function notBefore<I>(
  path: string,
  pick: (c: Ctx<I>) => [string | undefined, string | undefined],
  message: string,
) {
  return (ctx: Ctx<I>): RuleViolation | undefined => {
    const [date, earliest] = pick(ctx);
    return date && earliest && date < earliest ? { rule: 'date-order', message, path } : undefined;
  };
}

/**
 * Regional internship site (seed 004, Appendix 4): the application with its passports, the centre's review,
 * the council's decision (A4 3.5–3.7), the department's order (3.8), the agreement (3.10), the status for at most
 * three years (3.9) ending by itself (3.11) or early on a ground of 3.12.1–3.12.6, and the public register (5.1.4).
 */
export const internshipApplication = defineKind<P>({
  kind: 'internship-application',
  title: 'Заявка на присвоение статуса «региональная стажировочная площадка»',
  createdBy: 'public',
  staff: ['centre', 'admin'],
  retention: internshipRetention,
  schema: InternshipApplicationSchema as never,
  labels,
  enums,
  numbering: {
    series: (s) => `СП-${s.region.code}`,
    format: (series, year, n) => `${series}-${year}-${String(n).padStart(3, '0')}`,
  },
  // A4 3.3: the head of the organisation files the application; the mails go to the organisation's address
  // (the applicant) and to the head.
  creatorParty: 'applicant',
  creatorActions: ['resubmit'],
  initialStage: 'submitted',
  createGuards: [
    // A4 3.2: "Отбор ... проводится ежегодно в период с 1 сентября по 1 ноября текущего года".
    ({ now, settings, calendar }) =>
      selectionWindowViolation(calendar.localDate(now), settings.internship.selectionWindow),
    // A4 3.1.1–3.1.4.
    ({ payload, now, settings, calendar }) =>
      eligibilityViolation(payload, calendar.localDate(now), settings.institute.short),
  ],
  contacts: {
    applicant: (r) => ({ email: r.payload.organization.email, name: r.payload.organization.fullName }),
    head: (r) => ({ email: r.payload.head.email, name: personName(r.payload.head.person) }),
  },
  stages: {
    submitted: {
      title: 'Заявка подана',
      onEnter: {
        documents: FILED,
        // Links without actions: each of them opens the application and its progress.
        mails: [
          { template: 'received', to: 'applicant', attach: FILED, link: { party: 'applicant', actions: [] } },
          { template: 'received', to: 'head', attach: FILED, link: { party: 'head', actions: [] } },
          { template: 'new-application', to: 'centre-mailbox', attach: FILED },
        ],
      },
    },
    'under-review': { title: 'Заявка на рассмотрении в ЦНППМ' },
    'changes-requested': {
      title: 'Заявка возвращена на доработку',
      onEnter: {
        mails: [
          {
            template: 'changes-requested',
            to: 'applicant',
            link: { party: 'applicant', actions: ['resubmit'] },
          },
          { template: 'changes-requested', to: 'head' },
        ],
      },
    },
    council: {
      title: 'Заявка передана на заседание Ученого совета',
      onEnter: { mails: toBoth('council') },
    },
    approved: {
      title: 'Ученый совет принял решение о присвоении статуса',
      onEnter: { documents: ['decision'], mails: toBoth('approved', { attach: ['decision'] }) },
    },
    rejected: {
      title: 'Ученый совет отказал в присвоении статуса',
      final: true,
      onEnter: { documents: ['decision'], mails: toBoth('rejected', { attach: ['decision'] }) },
    },
    ordered: {
      title: 'Статус присвоен приказом Департамента',
      onEnter: { mails: toBoth('ordered') },
    },
    active: {
      title: 'Действующая стажировочная площадка',
      onEnter: {
        documents: ['status-certificate'],
        mails: toBoth('active', { attach: ['status-certificate'] }),
      },
      // A4 3.11: "После завершения установленного срока статус ... прекращает свое действие" — at the end of
      // the last day of the status.
      timed: { action: 'expire', at: (r) => r.payload.validUntil },
      // DOMAIN.md: notice 90 days (instance setting) before the status ends.
      notices: (r, settings) =>
        r.payload.validUntil
          ? [
              {
                key: 'expiry',
                at: addDays(r.payload.validUntil, -settings.internship.expiryNoticeDays),
                mails: [...toBoth('expiry-notice'), { template: 'expiry-notice', to: 'centre-mailbox' }],
              },
            ]
          : [],
    },
    expired: {
      title: 'Срок действия статуса истёк',
      final: true,
      onEnter: { mails: [...toBoth('expired'), { template: 'expired', to: 'centre-mailbox' }] },
    },
    terminated: {
      title: 'Статус досрочно прекращён',
      final: true,
      onEnter: { documents: ['termination'], mails: toBoth('terminated', { attach: ['termination'] }) },
    },
  },
  actions: {
    startReview: defineAction<P, Record<string, never>>({
      title: 'Принять к рассмотрению',
      from: ['submitted'],
      by: [centre],
      input: NoFieldsSchema as never,
      to: 'under-review',
      effects: { mails: toBoth('under-review') },
    }),
    requestChanges: defineAction<P, typeof RequestChangesSchema._zod.output>({
      title: 'Вернуть на доработку',
      from: ['under-review'],
      by: [centre],
      input: RequestChangesSchema,
      to: 'changes-requested',
      apply: ({ record, input, now }) => ({
        ...record.payload,
        changeRequests: [
          ...(record.payload.changeRequests ?? []),
          { comments: input.comments, requestedAt: now.toISOString(), version: record.version },
        ],
      }),
      comment: ({ input }) => input.comments,
    }),
    resubmit: defineAction<P, typeof ResubmitSchema._zod.output>({
      title: 'Направить исправленную заявку',
      from: ['changes-requested'],
      by: [{ party: 'applicant' }],
      input: ResubmitSchema,
      // The window of A4 3.2 is for filing: a correction the centre asked for is part of the review of an
      // application filed in time, so it is accepted after 1 November too. The grounds of 3.1 are checked again.
      guards: [
        ({ input, now, settings, calendar }) =>
          eligibilityViolation(input.payload, calendar.localDate(now), settings.institute.short),
      ],
      to: 'under-review',
      apply: ({ record, input }) => ({ ...record.payload, ...input.payload }),
      // The history keeps both versions: the event carries the version it replaced.
      details: ({ record, input }) => {
        const previous = formPart(record.payload);
        return {
          previousVersion: record.version,
          changedFields: changedPaths(previous, input.payload),
          previousPayload: previous,
        };
      },
      effects: {
        documents: FILED,
        mails: [
          { template: 'resubmitted', to: 'centre-mailbox', attach: FILED },
          ...toBoth('resubmission-received', { attach: FILED }),
        ],
      },
    }),
    sendToCouncil: defineAction<P, typeof SendToCouncilSchema._zod.output>({
      title: 'Передать на Ученый совет',
      from: ['under-review'],
      by: [centre],
      input: SendToCouncilSchema,
      guards: [
        ({ input, now, calendar }) =>
          input.councilDate < calendar.localDate(now)
            ? { rule: 'date-in-past', message: 'Дата заседания не может быть в прошлом', path: 'councilDate' }
            : undefined,
      ],
      to: 'council',
      apply: ({ record, input }) => ({ ...record.payload, council: { date: input.councilDate } }),
    }),
    recordDecision: defineAction<P, typeof RecordDecisionSchema._zod.output>({
      title: 'Внести решение Ученого совета',
      from: ['council'],
      by: [centre],
      input: RecordDecisionSchema,
      guards: [
        notInFuture('protocolDate', (i) => i.protocolDate, 'Дата протокола'),
        // A4 3.6: the status is granted on relevance, effectiveness and completeness; a grant with one of them
        // not met contradicts its own protocol.
        ({ input }) =>
          input.decision === 'approved' && Object.values(input.criteria).some((c) => c !== 'met')
            ? {
                rule: 'criteria-not-met',
                message:
                  'Статус присваивается, если заявка соответствует всем критериям п. 3.6 Положения: актуальность направления, результативность и эффективность опыта, полнота пакета документов',
              }
            : undefined,
      ],
      to: ({ input }) => input.decision,
      apply: ({ record, input }) => ({ ...record.payload, decision: input }),
      comment: ({ input }) => input.comment,
    }),
    recordOrder: defineAction<P, typeof RecordOrderSchema._zod.output>({
      title: 'Внести приказ Департамента',
      from: ['approved'],
      by: [centre],
      input: RecordOrderSchema,
      guards: [
        notInFuture('orderDate', (i) => i.orderDate, 'Дата приказа'),
        notBefore(
          'orderDate',
          ({ input, record }) => [input.orderDate, record.payload.decision?.protocolDate],
          'Приказ не может быть издан раньше решения Ученого совета',
        ),
        ({ input, now, calendar }) =>
          input.validUntil && input.validUntil <= calendar.localDate(now)
            ? {
                rule: 'date-in-past',
                message: 'Срок действия статуса должен оканчиваться в будущем',
                path: 'validUntil',
              }
            : undefined,
        // A4 3.9: "на период не более 3 лет" (instance setting).
        ({ input, settings }) => {
          const latest = maxValidUntil(input.orderDate, settings.internship.maxStatusYears);
          return input.validUntil && input.validUntil > latest
            ? {
                rule: 'status-term-exceeded',
                message: `Статус присваивается не более чем на ${yearsText(settings.internship.maxStatusYears)} (п. 3.9 Положения): по этому приказу — не позднее ${latest.split('-').reverse().join('.')}`,
              }
            : undefined;
        },
      ],
      to: 'ordered',
      apply: ({ record, input, settings }) => ({
        ...record.payload,
        order: { orderNumber: input.orderNumber, orderDate: input.orderDate },
        validUntil: input.validUntil ?? maxValidUntil(input.orderDate, settings.internship.maxStatusYears),
      }),
    }),
    recordAgreement: defineAction<P, typeof RecordAgreementSchema._zod.output>({
      title: 'Внести договор о сотрудничестве',
      from: ['ordered'],
      by: [centre],
      input: RecordAgreementSchema,
      guards: [
        notInFuture('agreementDate', (i) => i.agreementDate, 'Дата договора'),
        // A4 3.10: the agreement follows the recognition.
        notBefore(
          'agreementDate',
          ({ input, record }) => [input.agreementDate, record.payload.order?.orderDate],
          'Договор заключается после издания приказа о присвоении статуса (п. 3.10 Положения)',
        ),
        ({ record, now, calendar }) =>
          record.payload.validUntil && record.payload.validUntil < calendar.localDate(now)
            ? {
                rule: 'status-term-over',
                message: 'Срок действия статуса по приказу уже истёк: договор заключить нельзя',
              }
            : undefined,
      ],
      to: 'active',
      apply: ({ record, input }) => ({ ...record.payload, agreement: input }),
    }),
    expire: defineAction<P, Record<string, never>>({
      title: 'Срок действия статуса истёк',
      from: ['active'],
      by: ['system'],
      input: NoFieldsSchema as never,
      to: 'expired',
      apply: ({ record, now, calendar }) => ({ ...record.payload, expiredOn: calendar.localDate(now) }),
    }),
    terminate: defineAction<P, typeof TerminateSchema._zod.output>({
      title: 'Досрочно прекратить статус',
      from: ['active'],
      by: [centre],
      input: TerminateSchema,
      to: 'terminated',
      apply: ({ record, input, now, calendar }) => ({
        ...record.payload,
        termination: { ...input, terminatedOn: calendar.localDate(now) },
      }),
      comment: ({ input }) => input.details,
    }),
  },
  documents: {
    application: {
      title: 'Заявка на присвоение статуса «региональная стажировочная площадка»',
      template: 'application',
      fileName: (r) => `Заявка ${r.number ?? r.id.slice(0, 8)}`,
      audience: ['applicant', 'head'],
    },
    ...Object.fromEntries(
      PASSPORTS.map((name, i): [string, DocumentDefinition<P>] => [
        name,
        {
          title: `Паспорт региональной стажировочной площадки № ${i + 1}`,
          template: 'passport',
          fileName: (r) => `Паспорт ${i + 1} к заявке ${r.number ?? r.id.slice(0, 8)}`,
          audience: ['applicant', 'head'],
          // One passport per topic: passport-3 exists only with three topics.
          when: (r) => r.payload.passports.length > i,
          params: { index: i, number: i + 1 },
        },
      ]),
    ),
    decision: {
      title: 'Выписка из решения Ученого совета',
      template: 'decision',
      fileName: (r) => `Решение Ученого совета по заявке ${r.number ?? r.id.slice(0, 8)}`,
      audience: ['applicant', 'head'],
    },
    'status-certificate': {
      title: 'Свидетельство о статусе региональной стажировочной площадки',
      template: 'status-certificate',
      fileName: (r) => `Свидетельство о статусе ${r.number ?? r.id.slice(0, 8)}`,
      audience: ['applicant', 'head'],
    },
    termination: {
      title: 'Уведомление о досрочном прекращении статуса',
      template: 'termination',
      fileName: (r) => `Прекращение статуса ${r.number ?? r.id.slice(0, 8)}`,
      audience: ['applicant', 'head'],
    },
  },
  register: internshipSitesRegister,
  searchText: (r) =>
    [r.payload.organization.fullName, r.payload.organization.municipality, ...r.payload.topics].join(' '),
});

/** "3 года", "5 лет", "1 год". */
function yearsText(n: number): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  const word =
    mod10 === 1 && mod100 !== 11
      ? 'год'
      : mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)
        ? 'года'
        : 'лет';
  return `${n} ${word}`;
}

function personName(person: { lastName: string; firstName: string; middleName?: string }): string {
  return [person.lastName, person.firstName, person.middleName].filter(Boolean).join(' ');
}
