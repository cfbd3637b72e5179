import {
  type ActionContext,
  type ChildAction,
  type ChildInfo,
  defineAction,
  defineKind,
  type RecordState,
} from '../../functions/core/kind';
import { conductedStage, invitationEffects, operatorActions, resultBlocksRule } from '../common/diagnostics';
import { confirmationActions, confirmationStages, firstStage } from '../common/email-confirmation';
import { PERSONAL_DATA_CONSENT } from '../common/personal-data';
import { diagnosticsRetention } from '../common/retention';
import { TeacherBlock } from '../common/types';
import type { ConsentForm, ConsentPayload } from '../consent/schema';
import {
  type CollectiveRequestPayload,
  CollectiveRequestSchema,
  type ConsentOutcome,
  enums,
  FinalizeSchema,
  IssueParticipantResultsSchema,
  labels,
  RecordConsentSchema,
  type StoredParticipantRow,
  WithdrawSchema,
} from './schema';

type P = CollectiveRequestPayload;
type Ctx<I> = ActionContext<P, I>;
const operator = { role: 'operator' as const };
const centre = { role: 'centre' as const };
const headOrApplicant = [{ party: 'head' as const }, { party: 'applicant' as const }];

const CONSENT = 'consent';
const COLLECTING = 'awaiting-consents';

/**
 * Collective request (A2 5.9.3 and the sample letter). On submission every participant row gets a `consent` (a
 * child record) and its teacher a mailed link. The request leaves `awaiting-consents` by itself when every row is
 * answered — to `submitted` if at least one consent is given, else `cancelled` — or when the head finalises
 * (pending consents are then closed). Then the operator's stages of the individual request follow; results are
 * issued per participant and delivered to that participant's own consent record, never to this one (A2 6.3):
 * the head and the applicant see stage, dates and counts only.
 */

function given(payload: P): StoredParticipantRow[] {
  return payload.participants.filter((r) => r.consent?.state === 'given');
}

/** Where the request goes once the answers are in: at least one consent → the operator; none → closed. */
function afterConsents(payload: P): 'submitted' | 'cancelled' {
  return given(payload).length > 0 ? 'submitted' : 'cancelled';
}

/** The payload with one more answer recorded on its row. */
function withConsent(payload: P, participantId: string, outcome: ConsentOutcome): P {
  return {
    ...payload,
    participants: payload.participants.map((r) => (r.id === participantId ? { ...r, consent: outcome } : r)),
  };
}

/** Pending consents are closed when the request stops collecting (finalised, cancelled, withdrawn). */
function closeConsents(reason: 'finalized' | 'cancelled' | 'withdrawn' | 'rejected', alsoGiven = false) {
  return (_record: RecordState<P>, children: ChildInfo[]): ChildAction[] =>
    children
      .filter((c) => c.kind === CONSENT && (c.stage === 'pending' || (alsoGiven && c.stage === 'given')))
      .map((c) => ({ key: c.key, action: 'close', input: { reason } }));
}

/** Every consenting teacher learns the date and place from their own record's invitation. */
function notifySchedule(record: RecordState<P>, children: ChildInfo[]): ChildAction[] {
  const schedule = record.payload.schedule;
  if (!schedule) return [];
  return children
    .filter((c) => c.kind === CONSENT && c.stage === 'given')
    .map((c) => ({ key: c.key, action: 'notifySchedule', input: schedule }));
}

/** The consent of one row: what its teacher is shown and answers (the request, the blocks, the PD text). */
function consentOf(payload: P, row: StoredParticipantRow): ConsentForm {
  return {
    organization: payload.organization,
    head: { person: payload.head.person, position: payload.head.position, email: payload.head.email },
    period: payload.period,
    ...(payload.outgoingNumber ? { outgoingNumber: payload.outgoingNumber } : {}),
    ...(payload.letterDate ? { letterDate: payload.letterDate } : {}),
    participantId: row.id,
    participant: { person: row.person, email: row.email, subject: row.subject, blocks: row.blocks },
    personalData: { version: PERSONAL_DATA_CONSENT.version, text: PERSONAL_DATA_CONSENT.text },
  };
}

const blockLabels = TeacherBlock.labels as Record<string, string>;

function fullName(p: { lastName: string; firstName: string; middleName?: string }): string {
  return [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');
}

/** Per-subject counts of the letter ("математика — 3 чел.") over the given rows, in the letter's order. */
function subjectCounts(rows: StoredParticipantRow[]): { subject: string; count: number }[] {
  const counts = new Map<string, { subject: string; count: number }>();
  for (const row of rows) {
    const key = row.subject.toLowerCase();
    const entry = counts.get(key) ?? { subject: row.subject, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

export const collectiveDiagnosticsRequest = defineKind<P>({
  kind: 'collective-diagnostics-request',
  title: 'Коллективная заявка на диагностику профессиональных дефицитов',
  createdBy: 'public',
  staff: ['operator', 'centre', 'admin'],
  retention: diagnosticsRetention,
  schema: CollectiveRequestSchema as never,
  labels,
  enums,
  // The head (or a clerk writing for them) submits; mail goes to the head's address.
  creatorParty: 'applicant',
  creatorActions: ['finalize', 'withdraw'],
  initialStage: firstStage(COLLECTING),
  createGuards: [
    ({ payload, now, calendar }) =>
      payload.period.from < calendar.localDate(now)
        ? {
            rule: 'period-in-past',
            message: 'Период проведения диагностики не может начинаться в прошлом',
            path: 'period.from',
          }
        : undefined,
  ],
  contacts: {
    applicant: (r) => ({ email: r.payload.head.email, name: fullName(r.payload.head.person) }),
    head: (r) => ({ email: r.payload.head.email, name: fullName(r.payload.head.person) }),
  },
  stages: {
    ...confirmationStages<P>(),
    [COLLECTING]: {
      title: 'Сбор согласий педагогов',
      onEnter: {
        // One consent per row, created while the request still collects (a late outbox run after the head
        // finalised creates none).
        children: (r) =>
          r.stage === COLLECTING
            ? r.payload.participants.map((row) => ({
                kind: CONSENT,
                key: row.id,
                payload: consentOf(r.payload, row),
              }))
            : [],
        documents: ['collective-request'],
        mails: [
          {
            template: 'received',
            to: 'head',
            attach: ['collective-request'],
            link: { party: 'head', actions: ['finalize', 'withdraw'] },
          },
        ],
      },
    },
    submitted: {
      title: 'Заявка направлена оператору диагностики',
      responsible: 'operator-mailbox',
      // A2 5.9.4: the operator contacts the school within 3 working days of receiving the request with consents.
      deadline: { workingDays: (s) => s.deadlines.operatorContact },
      onEnter: {
        childActions: closeConsents('finalized'),
        documents: ['collective-request', 'consent-sheet'],
        mails: [
          {
            template: 'new-request',
            to: 'operator-mailbox',
            attach: ['collective-request', 'consent-sheet'],
          },
          {
            template: 'consents-collected',
            to: 'head',
            attach: ['collective-request', 'consent-sheet'],
            link: { party: 'head', actions: ['withdraw'] },
          },
        ],
      },
    },
    scheduled: { title: 'Диагностика назначена', onEnter: invitationEffects<P>('head', notifySchedule) },
    conducted: conductedStage<P>(),
    'results-issued': {
      title: 'Результаты направлены участникам',
      final: true,
      // Counts only (A2 6.3): "результаты направлены 12 участникам".
      onEnter: { mails: [{ template: 'results-issued', to: 'head', link: { party: 'head', actions: [] } }] },
    },
    rejected: {
      title: 'Заявка отклонена',
      final: true,
      onEnter: {
        childActions: closeConsents('rejected', true),
        mails: [{ template: 'rejected', to: 'head' }],
      },
    },
    cancelled: {
      title: 'Заявка закрыта: согласий не получено',
      final: true,
      onEnter: {
        childActions: closeConsents('cancelled'),
        mails: [{ template: 'cancelled', to: 'head' }],
      },
    },
    withdrawn: {
      title: 'Заявка отозвана',
      final: true,
      onEnter: {
        childActions: closeConsents('withdrawn', true),
        mails: [
          { template: 'withdrawn', to: 'operator-mailbox' },
          { template: 'withdrawn-head', to: 'head' },
        ],
      },
    },
  },
  actions: {
    ...confirmationActions<P>(COLLECTING),
    recordConsent: defineAction<P, typeof RecordConsentSchema._zod.output>({
      title: 'Учесть ответ педагога',
      from: [COLLECTING],
      by: ['system'],
      input: RecordConsentSchema,
      // Advance only when every row has its consent record and its answer: children are created
      // asynchronously, so the count of consent records is compared with the rows as well.
      to: ({ record, input, children }) => {
        const payload = withConsent(record.payload, input.participantId, outcomeOf(input));
        const created = (children ?? []).filter((c) => c.kind === CONSENT).length;
        const answered = payload.participants.every((r) => r.consent);
        return created >= payload.participants.length && answered ? afterConsents(payload) : COLLECTING;
      },
      apply: ({ record, input }) => withConsent(record.payload, input.participantId, outcomeOf(input)),
    }),
    finalize: defineAction<P, typeof FinalizeSchema._zod.output>({
      title: 'Завершить сбор согласий',
      from: [COLLECTING],
      by: headOrApplicant,
      input: FinalizeSchema,
      guards: [
        ({ record, children }: Ctx<unknown>) =>
          (children ?? []).filter((c) => c.kind === CONSENT).length < record.payload.participants.length
            ? {
                rule: 'consents-not-ready',
                message: 'Запросы согласий ещё рассылаются педагогам. Повторите через минуту',
              }
            : undefined,
      ],
      to: ({ record }) => afterConsents(record.payload),
      apply: ({ record, now }) => {
        const at = now.toISOString();
        const participants = record.payload.participants.map((r) =>
          r.consent ? r : { ...r, consent: { state: 'closed' as const, at } },
        );
        return { ...record.payload, participants, finalizedAt: at };
      },
      comment: () => 'Сбор согласий завершён руководителем',
    }),
    withdraw: defineAction<P, typeof WithdrawSchema._zod.output>({
      title: 'Отозвать заявку',
      from: [COLLECTING, 'submitted', 'scheduled'],
      by: headOrApplicant,
      input: WithdrawSchema,
      to: 'withdrawn',
      apply: ({ record, input }) => ({ ...record.payload, withdrawal: input }),
      comment: ({ input }) => input.reason,
    }),
    ...operatorActions<P>({ invitee: 'head', rescheduleChildActions: notifySchedule }),
    issueResults: defineAction<P, typeof IssueParticipantResultsSchema._zod.output>({
      title: 'Направить результаты участнику',
      from: ['conducted'],
      by: [operator, centre],
      input: IssueParticipantResultsSchema,
      guards: [
        ({ record, input }) =>
          record.payload.participants.some((r) => r.id === input.participantId)
            ? undefined
            : {
                rule: 'unknown-participant',
                message: 'В заявке нет такого участника',
                path: 'participantId',
              },
        ({ record, input }) =>
          rowOf(record.payload, input.participantId)?.consent?.state === 'given'
            ? undefined
            : {
                rule: 'no-consent',
                message: 'Участник не дал согласия на диагностику: результаты не направляются',
              },
        ({ record, input }) =>
          record.payload.resultsIssued?.[input.participantId]
            ? { rule: 'results-already-issued', message: 'Результаты этому участнику уже направлены' }
            : undefined,
        ({ record, input }) =>
          resultBlocksRule(input, consentedBlocks(rowOf(record.payload, input.participantId))),
      ],
      // The request is done when every consenting participant has results.
      to: ({ record, input }) =>
        given(record.payload).every(
          (r) => r.id === input.participantId || record.payload.resultsIssued?.[r.id],
        )
          ? 'results-issued'
          : 'conducted',
      apply: ({ record, input, now, calendar }) => ({
        ...record.payload,
        resultsIssued: { ...record.payload.resultsIssued, [input.participantId]: calendar.localDate(now) },
      }),
      // A2 6.3: the values go to the participant's own record in the same transaction; this record keeps
      // only the day they were issued.
      childActions: ({ record, input, now, calendar }) => {
        const { participantId, ...results } = input;
        return [
          {
            key: participantId,
            action: 'deliverResults',
            input: {
              ...results,
              issuedOn: calendar.localDate(now),
              ...(record.payload.conductedOn ? { conductedOn: record.payload.conductedOn } : {}),
            },
          },
        ];
      },
    }),
  },
  /** The consent of a row changed: record the answer; the last one moves the request on (see recordConsent). */
  onChildrenChanged: (parent, _children, changed) => {
    if (parent.stage !== COLLECTING || changed.kind !== CONSENT) return undefined;
    if (changed.stage !== 'given' && changed.stage !== 'declined') return undefined;
    const answer = (changed.payload as ConsentPayload).answer;
    return {
      action: 'recordConsent',
      input: {
        participantId: changed.key,
        state: changed.stage,
        at: answer?.at ?? changed.updatedAt,
        ...(answer?.blocks ? { blocks: answer.blocks } : {}),
      },
    };
  },
  documents: {
    'collective-request': {
      title: 'Коллективная заявка на проведение диагностики',
      template: 'collective-request',
      fileName: () => 'Коллективная заявка на диагностику',
      audience: ['applicant', 'head'],
    },
    'consent-sheet': {
      title: 'Согласие педагогических работников на проведение диагностики',
      template: 'consent-sheet',
      fileName: () => 'Согласие педагогических работников',
      audience: ['applicant', 'head'],
    },
    invitation: {
      title: 'Уведомление о проведении диагностики',
      template: 'invitation',
      fileName: () => 'Уведомление о проведении диагностики',
      audience: ['applicant', 'head'],
    },
  },
  templateData: (record) => {
    const p = record.payload;
    const collecting = record.stage === COLLECTING;
    // Before the answers are in, the letter speaks of every row; after, of those who consented.
    const rows = collecting ? p.participants : given(p);
    const resultsCount = Object.keys(p.resultsIssued ?? {}).length;
    return {
      collecting,
      teacherCount: new Set(rows.map((r) => r.email)).size,
      rowCount: rows.length,
      subjects: subjectCounts(rows),
      blockLabels: p.blocks.map((b) => blockLabels[b] ?? b),
      givenCount: given(p).length,
      declinedCount: p.participants.filter((r) => r.consent?.state === 'declined').length,
      unansweredCount: p.participants.filter((r) => !r.consent || r.consent.state === 'closed').length,
      invited: given(p).map((r, i) => ({ n: i + 1, name: fullName(r.person), subject: r.subject })),
      resultsCount,
    };
  },
  /**
   * A2 6.3: the head and the applicant see stage, dates and counts — how many results were issued, not to whom.
   * (No result value is ever stored on this record.)
   */
  redact: (payload) => {
    const { resultsIssued, ...rest } = payload;
    return { ...rest, resultsIssuedCount: Object.keys(resultsIssued ?? {}).length } as P;
  },
  searchText: (r) => [r.payload.organization.name, r.payload.head.person.lastName].join(' '),
});

function outcomeOf(input: { state: 'given' | 'declined'; at: string; blocks?: string[] }): ConsentOutcome {
  return { state: input.state, at: input.at, ...(input.blocks ? { blocks: input.blocks } : {}) };
}

function rowOf(payload: P, participantId: string): StoredParticipantRow | undefined {
  return payload.participants.find((r) => r.id === participantId);
}

/** The blocks a participant consented to (the row's, when the consent named none). */
function consentedBlocks(row: StoredParticipantRow | undefined): string[] {
  return row?.consent?.blocks ?? row?.blocks ?? [];
}
