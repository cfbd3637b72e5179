import {
  type ActionContext,
  defineAction,
  defineKind,
  type LinkParty,
  type RuleViolation,
} from '../../functions/core/kind';
import { correctionTemplateData } from '../route/view';
import { actingParty } from '../route/workflow';
import {
  AcceptSchema,
  AcknowledgeSchema,
  type CorrectionPayload,
  enums,
  labels,
  RejectSchema,
  RouteCorrectionSchema,
} from './schema';

type P = CorrectionPayload;

const centre = { role: 'centre' as const };
const curatorStaff = { role: 'curator' as const };
const curatorLink = { party: 'curator' as const };
const SIGNERS = ['teacher', 'curator', 'head'] as const;

/** A3 4.3.7 and 4.4.5: in review the route developer (the centre) decides, in implementation the curator. */
function decider({ record, actor }: ActionContext<P, unknown>): RuleViolation | undefined {
  const party = actingParty(actor);
  const expected = record.payload.routeStage === 'review' ? 'centre' : 'curator';
  if (party === expected) return undefined;
  return {
    rule: 'correction-decider',
    message:
      expected === 'centre'
        ? 'Предложения, поступившие при согласовании маршрута, рассматривает разработчик ИОМ (методический центр)'
        : 'Предложения, поступившие в ходе реализации маршрута, рассматривает куратор ИОМ',
  };
}

function nameOf(p: P, party: string, ctx: ActionContext<P, unknown>): string {
  if (party === 'teacher' || party === 'curator' || party === 'head') return p.route[party].name;
  return `${ctx.settings.centre.short} ${ctx.settings.institute.short}`;
}

function withDecision(ctx: ActionContext<P, unknown>, outcome: 'accepted' | 'rejected', reason?: string): P {
  const party = actingParty(ctx.actor);
  return {
    ...ctx.record.payload,
    decision: {
      outcome,
      by: { party, name: nameOf(ctx.record.payload, party, ctx) },
      at: ctx.now.toISOString(),
      ...(reason ? { reason } : {}),
    },
  };
}

const inReview = (r: { payload: P }) => r.payload.routeStage === 'review';
const inActive = (r: { payload: P }) => r.payload.routeStage === 'active';

export const routeCorrection = defineKind<P>({
  kind: 'route-correction',
  title: 'Корректировка индивидуального образовательного маршрута',
  createdBy: 'parent',
  staff: ['centre', 'curator', 'admin'],
  schema: RouteCorrectionSchema as never,
  labels,
  enums,
  initialStage: 'proposed',
  contacts: {
    teacher: (r) => r.payload.route.teacher,
    curator: (r) => r.payload.route.curator,
    head: (r) => r.payload.route.head,
    // The one who proposed it hears the decision.
    applicant: (r) =>
      r.payload.proposedBy.email
        ? { email: r.payload.proposedBy.email, name: r.payload.proposedBy.name }
        : undefined,
  },
  assignee: (r) => r.payload.route.curator.email,
  templateData: correctionTemplateData,
  stages: {
    proposed: {
      title: 'Предложена',
      onEnter: {
        documents: ['correction'],
        mails: [
          { template: 'proposed-centre', to: 'centre-mailbox', attach: ['correction'], when: inReview },
          {
            template: 'proposed-curator',
            to: 'curator',
            attach: ['correction'],
            link: { party: 'curator', actions: ['accept', 'reject'] },
            when: inActive,
          },
          { template: 'received', to: 'applicant', attach: ['correction'] },
        ],
      },
    },
    accepted: {
      title: 'Принята',
      onEnter: {
        documents: ['correction'],
        mails: [
          { template: 'accepted', to: 'applicant', attach: ['correction'], when: inReview },
          ...SIGNERS.map((party) => ({
            template: 'acknowledge',
            to: party,
            attach: ['correction'],
            link: { party, actions: ['acknowledge'] },
            when: inActive,
          })),
        ],
      },
    },
    rejected: {
      title: 'Отклонена',
      final: true,
      onEnter: {
        documents: ['correction'],
        mails: [{ template: 'rejected', to: 'applicant', attach: ['correction'] }],
      },
    },
    acknowledged: {
      title: 'Подписана участниками',
      final: true,
      onEnter: {
        documents: ['correction'],
        mails: [{ template: 'acknowledged', to: 'curator', attach: ['correction'] }],
      },
    },
  },
  actions: {
    accept: defineAction<P, typeof AcceptSchema._zod.output>({
      title: 'Принять корректировку',
      from: ['proposed'],
      by: [centre, curatorStaff, curatorLink],
      input: AcceptSchema,
      guards: [decider],
      to: 'accepted',
      apply: (ctx) => withDecision(ctx, 'accepted'),
    }),
    reject: defineAction<P, typeof RejectSchema._zod.output>({
      title: 'Отклонить корректировку',
      from: ['proposed'],
      by: [centre, curatorStaff, curatorLink],
      input: RejectSchema,
      guards: [decider],
      to: 'rejected',
      apply: (ctx) => withDecision(ctx, 'rejected', ctx.input.reason),
      comment: ({ input }) => input.reason,
    }),
    acknowledge: defineAction<P, typeof AcknowledgeSchema._zod.output>({
      title: 'Ознакомлен(а) с изменениями',
      from: ['accepted'],
      by: [{ party: 'teacher' }, { party: 'head' }, curatorLink, curatorStaff],
      input: AcknowledgeSchema,
      guards: [
        ({ record }) =>
          inActive(record)
            ? undefined
            : {
                rule: 'acknowledgement-not-required',
                message: 'Изменения, принятые при согласовании маршрута, отдельно не подписываются',
              },
        ({ record, actor }) =>
          (record.payload.acknowledgements ?? []).some((a) => a.party === actingParty(actor))
            ? { rule: 'already-acknowledged', message: 'Вы уже ознакомились с этими изменениями' }
            : undefined,
      ],
      // A3 5.11: signed by all three → done.
      to: ({ record, actor }) => {
        const parties = new Set([
          ...(record.payload.acknowledgements ?? []).map((a) => a.party),
          actingParty(actor),
        ]);
        return SIGNERS.every((s) => parties.has(s)) ? 'acknowledged' : 'accepted';
      },
      apply: (ctx) => {
        const party = actingParty(ctx.actor);
        return {
          ...ctx.record.payload,
          acknowledgements: [
            ...(ctx.record.payload.acknowledgements ?? []),
            { party, name: nameOf(ctx.record.payload, party, ctx), at: ctx.now.toISOString() },
          ],
        };
      },
    }),
  },
  documents: {
    correction: {
      title: 'Лист корректировки индивидуального образовательного маршрута',
      template: 'correction',
      fileName: (r) =>
        `Корректировка ИОМ ${r.payload.route.number} от ${r.payload.proposedAt.slice(0, 10).split('-').reverse().join('.')}`,
      audience: ['teacher', 'curator', 'head', 'applicant'] as LinkParty[],
    },
  },
  // Link parties see the proposal, not the others' addresses.
  redact: (p) => ({
    ...p,
    proposedBy: { ...p.proposedBy, email: '' },
    route: {
      number: p.route.number,
      teacher: { name: p.route.teacher.name, email: '' },
      curator: { name: p.route.curator.name, email: '' },
      head: { name: p.route.head.name, email: '' },
    },
  }),
  searchText: (r) => `${r.payload.route.number} ${r.payload.route.teacher.name}`,
});
