import { defineAction, defineKind } from '../../functions/core/kind';
import {
  AgreeSchema,
  ConductSchema,
  type DiagnosticsRequestPayload,
  DiagnosticsRequestSchema,
  enums,
  IssueResultsSchema,
  labels,
  RejectSchema,
  RescheduleSchema,
  WithdrawSchema,
} from './schema';

type P = DiagnosticsRequestPayload;
const operator = { role: 'operator' as const };
const centre = { role: 'centre' as const };

/**
 * Individual request (A2 5.9.1–5.9.6). First cut for the workflow engine (issue 2/8); 4/8 completes it.
 * The applicant is the participant themself.
 */
export const diagnosticsRequest = defineKind<P>({
  kind: 'diagnostics-request',
  title: 'Заявка на диагностику профессиональных дефицитов (индивидуальная)',
  createdBy: 'public',
  staff: ['operator', 'centre', 'admin'],
  schema: DiagnosticsRequestSchema as never,
  labels,
  enums,
  creatorParty: 'applicant',
  creatorActions: ['withdraw'],
  initialStage: 'submitted',
  createGuards: [
    ({ payload, now, calendar }) =>
      // The period cannot start in the past (DOMAIN.md: from >= today, in the instance's time zone).
      payload.preferredPeriod.from < calendar.localDate(now)
        ? {
            rule: 'period-in-past',
            message: 'Желаемый период не может начинаться в прошлом',
            path: 'preferredPeriod.from',
          }
        : undefined,
  ],
  contacts: {
    applicant: (r) => ({ email: r.payload.participant.email, name: fullName(r.payload) }),
    participant: (r) => ({ email: r.payload.participant.email, name: fullName(r.payload) }),
  },
  stages: {
    submitted: {
      title: 'Заявка подана',
      responsible: 'operator-mailbox',
      // A2 5.9.4: the operator contacts the applicant within 3 working days of receipt.
      deadline: { workingDays: (s) => s.deadlines.operatorContact },
      onEnter: {
        documents: ['request'],
        mails: [
          {
            template: 'received',
            to: 'applicant',
            attach: ['request'],
            link: { party: 'applicant', actions: ['withdraw'] },
          },
          { template: 'new-request', to: 'operator-mailbox', attach: ['request'] },
        ],
      },
    },
    scheduled: {
      title: 'Диагностика назначена',
      onEnter: {
        documents: ['invitation'],
        mails: [
          {
            template: 'invitation',
            to: 'applicant',
            attach: ['invitation'],
            link: { party: 'applicant', actions: ['withdraw'] },
          },
        ],
      },
    },
    conducted: {
      title: 'Диагностика проведена',
      responsible: 'operator-mailbox',
      // A2 5.9.6: results within 10 working days after the diagnostics.
      deadline: { workingDays: (s) => s.deadlines.results, from: (r) => r.payload.conductedOn },
    },
    'results-issued': {
      title: 'Результаты направлены',
      final: true,
      onEnter: {
        documents: ['results'],
        // A2 6.3: results go to the participant alone.
        mails: [{ template: 'results', to: 'participant', attach: ['results'] }],
      },
    },
    rejected: {
      title: 'Заявка отклонена',
      final: true,
      onEnter: { mails: [{ template: 'rejected', to: 'applicant' }] },
    },
    withdrawn: { title: 'Заявка отозвана', final: true },
  },
  actions: {
    agree: defineAction<P, typeof AgreeSchema._zod.output>({
      title: 'Согласовать дату и место',
      from: ['submitted'],
      by: [operator],
      input: AgreeSchema,
      to: 'scheduled',
      apply: ({ record, input }) => ({ ...record.payload, schedule: input }),
    }),
    reject: defineAction<P, typeof RejectSchema._zod.output>({
      title: 'Отклонить заявку',
      from: ['submitted'],
      by: [operator],
      input: RejectSchema,
      to: 'rejected',
      apply: ({ record, input }) => ({ ...record.payload, rejection: input }),
      comment: ({ input }) => input.reason,
    }),
    reschedule: defineAction<P, typeof RescheduleSchema._zod.output>({
      title: 'Перенести диагностику',
      from: ['scheduled'],
      by: [operator],
      input: RescheduleSchema,
      apply: ({ record, input }) => ({
        ...record.payload,
        schedule: { ...record.payload.schedule, ...input },
      }),
      effects: {
        documents: ['invitation'],
        mails: [{ template: 'invitation', to: 'applicant', attach: ['invitation'] }],
      },
    }),
    conduct: defineAction<P, typeof ConductSchema._zod.output>({
      title: 'Отметить проведение',
      from: ['scheduled'],
      by: [operator],
      input: ConductSchema,
      to: 'conducted',
      apply: ({ record, input }) => ({ ...record.payload, conductedOn: input.conductedOn }),
    }),
    issueResults: defineAction<P, typeof IssueResultsSchema._zod.output>({
      title: 'Направить результаты',
      from: ['conducted'],
      by: [operator, centre],
      input: IssueResultsSchema,
      to: 'results-issued',
      apply: ({ record, input }) => ({ ...record.payload, results: input }),
    }),
    withdraw: defineAction<P, typeof WithdrawSchema._zod.output>({
      title: 'Отозвать заявку',
      from: ['submitted', 'scheduled'],
      by: [{ party: 'applicant' }],
      input: WithdrawSchema,
      to: 'withdrawn',
      comment: ({ input }) => input.reason,
    }),
  },
  documents: {
    request: {
      title: 'Заявление на прохождение диагностики',
      template: 'request',
      fileName: (r) => `Заявление на диагностику ${r.number ?? r.id.slice(0, 8)}`,
      audience: ['applicant', 'participant'],
    },
    invitation: {
      title: 'Приглашение на диагностику',
      template: 'invitation',
      fileName: () => 'Приглашение на диагностику',
      audience: ['applicant', 'participant'],
    },
    results: {
      title: 'Уведомление о результатах диагностики',
      template: 'results',
      fileName: () => 'Результаты диагностики',
      audience: ['participant'],
    },
  },
  searchText: (r) =>
    [r.payload.participant.person.lastName, r.payload.participant.organization.name].join(' '),
});

function fullName(p: P): string {
  const { lastName, firstName, middleName } = p.participant.person;
  return [lastName, firstName, middleName].filter(Boolean).join(' ');
}
