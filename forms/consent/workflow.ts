import { defineAction, defineKind, type RuleViolation } from '../../functions/core/kind';
import { observation } from '../common/diagnostics';
import { PERSONAL_DATA_CONSENT_TEXT } from '../common/personal-data';
import { diagnosticsRetention } from '../common/retention';
import {
  CloseSchema,
  type ConsentPayload,
  ConsentSchema,
  DeclineSchema,
  DeliverResultsSchema,
  enums,
  GiveSchema,
  labels,
  NotifyScheduleSchema,
} from './schema';

type P = ConsentPayload;
const participant = { party: 'participant' as const };

/** The stage in which the parent request still collects answers (forms/collective-diagnostics-request). */
const PARENT_COLLECTING = 'awaiting-consents';

/**
 * Once the head finalised (or withdrew) the request, its pending consents are closed by the outbox; until that has
 * run, the teacher's link must already refuse an answer, so the guard reads the parent's stage.
 */
function stillCollecting({ parent }: { parent?: { stage: string } }): RuleViolation | undefined {
  return parent && parent.stage === PARENT_COLLECTING
    ? undefined
    : {
        rule: 'consents-closed',
        message: 'Сбор согласий по этой заявке завершён: ответ больше не требуется',
      };
}

/**
 * A teacher's consent for one row of a collective request (A2 5.9.3, the sample consent form), answered online
 * through the mailed link; 5 working days to answer (instance setting), then a reminder to the teacher and, a
 * working day later, a note to the head. The answer keeps its evidence: time, IP address, user agent and link id.
 * A given consent then becomes the teacher's own record of the diagnostics: the invitation and the results go
 * here, so that only this teacher's link and the staff can read them (A2 6.3).
 */
export const consent = defineKind<P>({
  kind: 'consent',
  title: 'Согласие педагогического работника на проведение диагностики профессиональных дефицитов',
  createdBy: 'parent',
  staff: ['operator', 'centre', 'admin'],
  retention: diagnosticsRetention,
  schema: ConsentSchema as never,
  labels,
  enums,
  // 152-FZ art. 9: the personal-data text beside its checkbox on `give` (each record keeps the edition it shows).
  texts: { personalDataConsent: PERSONAL_DATA_CONSENT_TEXT },
  initialStage: 'pending',
  contacts: {
    participant: (r) => ({
      email: r.payload.participant.email,
      name: personName(r.payload.participant.person),
    }),
    head: (r) => ({ email: r.payload.head.email, name: personName(r.payload.head.person) }),
  },
  stages: {
    pending: {
      title: 'Ожидает ответа педагога',
      responsible: 'participant',
      deadline: { workingDays: (s) => s.deadlines.consent },
      reminderTemplate: 'reminder',
      // DOMAIN.md: a reminder to the teacher, then to the head.
      escalation: { to: 'head', template: 'overdue-head' },
      onEnter: {
        mails: [
          {
            template: 'request',
            to: 'participant',
            link: { party: 'participant', actions: ['give', 'decline'] },
          },
        ],
      },
    },
    given: {
      title: 'Согласие дано',
      onEnter: {
        mails: [{ template: 'given', to: 'participant', link: { party: 'participant', actions: [] } }],
      },
    },
    declined: {
      title: 'Отказ от участия',
      final: true,
      onEnter: { mails: [{ template: 'declined', to: 'participant' }] },
    },
    closed: {
      title: 'Запрос согласия закрыт',
      final: true,
      onEnter: { mails: [{ template: 'closed', to: 'participant' }] },
    },
  },
  actions: {
    give: defineAction<P, typeof GiveSchema._zod.output>({
      title: 'Дать согласие',
      from: ['pending'],
      by: [participant],
      input: GiveSchema,
      guards: [
        stillCollecting,
        ({ record, input }) => {
          const i = input.blocks.findIndex((b) => !record.payload.participant.blocks.includes(b));
          return i === -1
            ? undefined
            : {
                rule: 'block-not-requested',
                message: 'Согласие даётся только на блоки, указанные в заявке',
                path: `blocks.${i}`,
              };
        },
      ],
      to: 'given',
      apply: ({ record, input, now, request }) => ({
        ...record.payload,
        answer: {
          decision: 'given',
          at: now.toISOString(),
          blocks: input.blocks,
          personalDataConsent: true,
          personalDataConsentVersion: record.payload.personalData.version,
          evidence: { ...request },
        },
      }),
      comment: () => 'Согласие дано в электронной форме по ссылке из письма',
      details: ({ request }) => ({ evidence: { ...request } }),
    }),
    decline: defineAction<P, typeof DeclineSchema._zod.output>({
      title: 'Отказаться от участия',
      from: ['pending'],
      by: [participant],
      input: DeclineSchema,
      guards: [stillCollecting],
      to: 'declined',
      apply: ({ record, input, now, request }) => ({
        ...record.payload,
        answer: {
          decision: 'declined',
          at: now.toISOString(),
          ...(input.reason ? { reason: input.reason } : {}),
          evidence: { ...request },
        },
      }),
      comment: ({ input }) => input.reason,
      details: ({ request }) => ({ evidence: { ...request } }),
    }),
    close: defineAction<P, typeof CloseSchema._zod.output>({
      title: 'Закрыть запрос согласия',
      from: ['pending', 'given'],
      by: ['system'],
      input: CloseSchema,
      to: 'closed',
      apply: ({ record, input, now }) => ({
        ...record.payload,
        closed: { at: now.toISOString(), reason: input.reason },
      }),
    }),
    notifySchedule: defineAction<P, typeof NotifyScheduleSchema._zod.output>({
      title: 'Сообщить дату и место диагностики',
      from: ['given'],
      by: ['system'],
      input: NotifyScheduleSchema,
      apply: ({ record, input }) => ({ ...record.payload, schedule: input }),
      effects: {
        documents: ['invitation'],
        mails: [
          {
            template: 'invitation',
            to: 'participant',
            attach: ['invitation'],
            link: { party: 'participant', actions: [] },
          },
        ],
      },
    }),
    deliverResults: defineAction<P, typeof DeliverResultsSchema._zod.output>({
      title: 'Направить результаты участнику',
      from: ['given'],
      by: ['system'],
      input: DeliverResultsSchema,
      guards: [
        ({ record }) =>
          record.payload.results
            ? {
                rule: 'results-already-issued',
                message: 'Результаты этому участнику уже направлены',
              }
            : undefined,
      ],
      apply: ({ record, input }) => {
        const { conductedOn, ...results } = input;
        return { ...record.payload, results, ...(conductedOn ? { conductedOn } : {}) };
      },
      effects: {
        documents: ['results'],
        // A2 6.3: to the participant alone, with a link to this, their own, record.
        mails: [
          {
            template: 'results',
            to: 'participant',
            attach: ['results'],
            link: { party: 'participant', actions: [] },
          },
        ],
      },
    }),
  },
  documents: {
    invitation: {
      title: 'Приглашение на диагностику',
      template: 'invitation',
      fileName: () => 'Приглашение на диагностику',
      audience: ['participant'],
    },
    results: {
      title: 'Уведомление о результатах диагностики',
      template: 'results',
      fileName: () => 'Результаты диагностики',
      audience: ['participant'],
    },
  },
  /** A2 6.3: the results and the answer's evidence are the teacher's; nobody else's link sees them. */
  redact: (payload, viewer) => {
    if (viewer.party === 'participant' && viewer.email === payload.participant.email) return payload;
    const { results: _results, answer, ...rest } = payload;
    return answer ? { ...rest, answer: { ...answer, evidence: {} } } : rest;
  },
  reports: {
    diagnostics: (r) =>
      r.payload.results?.issuedOn
        ? [
            observation({
              email: r.payload.participant.email,
              municipality: r.payload.organization.municipality,
              category: 'teacher',
              subject: r.payload.participant.subject,
              results: { ...r.payload.results, issuedOn: r.payload.results.issuedOn },
            }),
          ]
        : [],
  },
  searchText: (r) => [r.payload.participant.person.lastName, r.payload.organization.name].join(' '),
});

function personName(person: { lastName: string; firstName: string; middleName?: string }): string {
  return [person.lastName, person.firstName, person.middleName].filter(Boolean).join(' ');
}
