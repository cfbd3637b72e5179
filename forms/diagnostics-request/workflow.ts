import { defineAction, defineKind } from '../../functions/core/kind';
import {
  conductedStage,
  invitationEffects,
  observation,
  operatorActions,
  resultBlocksRule,
} from '../common/diagnostics';
import { confirmationActions, confirmationStages, firstStage } from '../common/email-confirmation';
import { PERSONAL_DATA_CONSENT_TEXT } from '../common/personal-data';
import { diagnosticsRetention } from '../common/retention';
import {
  type DiagnosticsRequestPayload,
  DiagnosticsRequestSchema,
  enums,
  IssueResultsSchema,
  labels,
  WithdrawSchema,
} from './schema';

type P = DiagnosticsRequestPayload;
const operator = { role: 'operator' as const };
const centre = { role: 'centre' as const };

/**
 * Individual request (A2 5.9.1–5.9.6). The applicant is the participant themself; the operator agrees the date
 * and place within 3 working days (A2 5.9.4), marks the diagnostics held and issues the results within 10
 * working days after it, or 15 when it was held under an order of the Department (A2 5.9.6, 5.10.4). The results
 * reach the participant alone (A2 6.3): the document's audience is the participant, and the payload's results
 * are removed for any other link.
 */
export const diagnosticsRequest = defineKind<P>({
  kind: 'diagnostics-request',
  title: 'Заявка на диагностику профессиональных дефицитов (индивидуальная)',
  createdBy: 'public',
  staff: ['operator', 'centre', 'admin'],
  retention: diagnosticsRetention,
  schema: DiagnosticsRequestSchema as never,
  labels,
  enums,
  // 152-FZ art. 9: the consent to the processing of personal data is its own text, shown beside its checkbox.
  texts: { personalDataConsent: PERSONAL_DATA_CONSENT_TEXT },
  // The web form: blocks are chosen among the teacher's or the manager's blocks, by the participant's category.
  form: {
    choices: {
      blocks: [
        { options: 'teacherBlock', when: { field: 'participant.category', equals: 'teacher' } },
        { options: 'managerBlock', when: { field: 'participant.category', equals: 'manager' } },
      ],
    },
    hints: {
      'participant.subjects': 'Педагог указывает хотя бы один предмет',
      subject: 'Для предметного и методического блоков: один из преподаваемых предметов',
    },
  },
  creatorParty: 'applicant',
  creatorActions: ['withdraw'],
  initialStage: firstStage('submitted'),
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
    ...confirmationStages<P>(),
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
    scheduled: { title: 'Диагностика назначена', onEnter: invitationEffects<P>('applicant') },
    conducted: conductedStage<P>(),
    'results-issued': {
      title: 'Результаты направлены',
      final: true,
      onEnter: {
        documents: ['results'],
        // A2 6.3: results go to the participant alone, with a link to their own record.
        mails: [
          {
            template: 'results',
            to: 'participant',
            attach: ['results'],
            link: { party: 'participant', actions: [] },
          },
        ],
      },
    },
    rejected: {
      title: 'Заявка отклонена',
      final: true,
      onEnter: { mails: [{ template: 'rejected', to: 'applicant' }] },
    },
    withdrawn: {
      title: 'Заявка отозвана',
      final: true,
      onEnter: { mails: [{ template: 'withdrawn', to: 'operator-mailbox' }] },
    },
  },
  actions: {
    ...confirmationActions<P>('submitted'),
    ...operatorActions<P>({ invitee: 'applicant' }),
    issueResults: defineAction<P, typeof IssueResultsSchema._zod.output>({
      title: 'Направить результаты',
      from: ['conducted'],
      by: [operator, centre],
      input: IssueResultsSchema,
      guards: [({ record, input }) => resultBlocksRule(input, record.payload.blocks)],
      to: 'results-issued',
      apply: ({ record, input, now, calendar }) => ({
        ...record.payload,
        results: { ...input, issuedOn: calendar.localDate(now) },
      }),
    }),
    withdraw: defineAction<P, typeof WithdrawSchema._zod.output>({
      title: 'Отозвать заявку',
      from: ['submitted', 'scheduled'],
      by: [{ party: 'applicant' }],
      input: WithdrawSchema,
      to: 'withdrawn',
      apply: ({ record, input }) => ({ ...record.payload, withdrawal: input }),
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
      // A2 6.3: the participant alone (the engine also binds it to the participant's address).
      audience: ['participant'],
    },
  },
  /** A2 6.3: results are the participant's alone; any other link sees the request without them. */
  redact: (payload, viewer) =>
    viewer.party === 'participant' && viewer.email === payload.participant.email
      ? payload
      : withoutResults(payload),
  reports: {
    diagnostics: (r) =>
      r.payload.results?.issuedOn
        ? [
            observation({
              email: r.payload.participant.email,
              municipality: r.payload.participant.organization.municipality,
              category: r.payload.participant.category,
              subject: r.payload.subject,
              results: { ...r.payload.results, issuedOn: r.payload.results.issuedOn },
            }),
          ]
        : [],
  },
  searchText: (r) =>
    [r.payload.participant.person.lastName, r.payload.participant.organization.name].join(' '),
});

function withoutResults(payload: P): P {
  const { results: _results, ...rest } = payload;
  return rest;
}

function fullName(p: P): string {
  const { lastName, firstName, middleName } = p.participant.person;
  return [lastName, firstName, middleName].filter(Boolean).join(' ');
}
