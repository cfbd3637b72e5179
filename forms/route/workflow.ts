import type { InstanceSettings } from '../../functions/core/instance-settings';
import {
  type ActionContext,
  defineAction,
  defineKind,
  type LinkParty,
  type MailEffect,
  type RecordState,
  type RuleViolation,
} from '../../functions/core/kind';
import type { DiagnosticsRequestPayload } from '../diagnostics-request/schema';
import type { CorrectionPayload } from '../route-correction/schema';
import { addDays, applyChanges, routeViolation } from './rules';
import {
  type ApplyCorrectionInput,
  ApplyCorrectionSchema,
  type ChangeLogEntry,
  ConcludeSchema,
  EmptySchema,
  enums,
  labels,
  MarkActivitySchema,
  type NoteCorrectionInput,
  NoteCorrectionSchema,
  ProposeCorrectionSchema,
  RecordProgressSchema,
  ReturnSchema,
  type RoutePayload,
  RouteSchema,
  UpdateSchema,
} from './schema';
import { routeTemplateData } from './view';

type P = RoutePayload;
type Ctx<I> = ActionContext<P, I>;

const centre = { role: 'centre' as const };
const curatorStaff = { role: 'curator' as const };
const teacher = { party: 'teacher' as const };
const head = { party: 'head' as const };
const curatorLink = { party: 'curator' as const };
/** A3 3.2: the three who read the card, propose corrections and sign changes. */
const THREE: LinkParty[] = ['teacher', 'curator', 'head'];

export const revisionOf = (p: P): number => p.revision ?? 1;

function fullName(person: { lastName: string; firstName: string; middleName?: string }): string {
  return [person.lastName, person.firstName, person.middleName].filter(Boolean).join(' ');
}

/** The party (teacher, curator, head) someone acts as: a link's party, or a staff curator. */
export function actingParty(
  actor: ActionContext['actor'],
): 'teacher' | 'curator' | 'head' | 'centre' | 'system' {
  if (actor.kind === 'link')
    return actor.party === 'teacher' || actor.party === 'head' ? actor.party : 'curator';
  if (actor.kind === 'staff') return actor.role === 'curator' ? 'curator' : 'centre';
  return 'system';
}

export function partyName(
  p: Pick<P, 'teacher' | 'curator' | 'head'>,
  party: string,
  settings: InstanceSettings,
) {
  if (party === 'teacher') return fullName(p.teacher.person);
  if (party === 'curator') return fullName(p.curator.person);
  if (party === 'head') return fullName(p.head.person);
  return `${settings.centre.short} ${settings.institute.short}`;
}

const rules = (payload: P, settings: InstanceSettings): RuleViolation | undefined =>
  routeViolation(payload, settings);

/** A3 4.3.6: proposals are accepted for 5 working days after the route arrives for agreement. */
function correctionWindowClosed({
  record,
  now,
  settings,
  calendar,
}: Ctx<unknown>): RuleViolation | undefined {
  if (record.stage !== 'review') return undefined;
  const closes = calendar.dueAtFrom(record.enteredAt, settings.deadlines.correctionWindow);
  if (now.toISOString() <= closes) return undefined;
  return {
    rule: 'correction-window-closed',
    message: `Предложения по корректировке ИОМ принимаются в течение ${settings.deadlines.correctionWindow} рабочих дней с момента поступления маршрута на согласование (п. 4.3.6 Положения об ИОМ); срок истёк ${calendar.localDate(closes).split('-').reverse().join('.')}`,
  };
}

function versionConflict(base: number, p: P): RuleViolation | undefined {
  if (base === revisionOf(p)) return undefined;
  return {
    rule: 'version-conflict',
    conflict: true,
    message: `Маршрут уже изменён: действует редакция ${revisionOf(p)}, а предложение подготовлено к редакции ${base}. Обновите карту и подготовьте предложение заново`,
  };
}

function pendingCorrections(ctx: Ctx<unknown>): RuleViolation | undefined {
  const pending = (ctx.children ?? []).filter((c) => c.kind === 'route-correction' && c.stage === 'proposed');
  if (pending.length === 0) return undefined;
  return {
    rule: 'pending-corrections',
    message: `Сначала рассмотрите предложенные корректировки маршрута (ожидают решения: ${pending.length})`,
  };
}

/** Mails with the card and a link to each of the three (A3 4.3.4). */
function toThree(template: string, actions: Record<string, string[]>, extra: Partial<MailEffect<P>> = {}) {
  return THREE.map(
    (party): MailEffect<P> => ({
      template,
      to: party,
      attach: ['route-card'],
      ...(actions[party]?.length
        ? { link: { party, actions: actions[party]!, validUntil: linkValidity } }
        : {}),
      ...extra,
    }),
  );
}

/** During implementation a link lives until a month after the route's end, not just the usual link lifetime. */
const linkValidity = (r: RecordState<P>) => addDays(r.payload.roadmap.end, 30);

const REVIEW_ACTIONS = {
  teacher: ['proposeCorrection', 'acknowledge'],
  curator: ['proposeCorrection', 'acknowledge'],
  head: ['proposeCorrection', 'acknowledge'],
};
const ACTIVE_ACTIONS = {
  teacher: ['markActivity', 'proposeCorrection'],
  curator: ['recordProgress', 'proposeCorrection', 'conclude'],
  head: ['proposeCorrection'],
};

function prefillFromDiagnostics(source: RecordState<unknown>, body: Record<string, unknown>) {
  const d = source.payload as DiagnosticsRequestPayload;
  if (source.stage !== 'results-issued' || !d.results) {
    return {
      violation: {
        rule: 'source-not-ready',
        message:
          'ИОМ разрабатывается по итогам диагностики (п. 4.2.4 Положения об ИОМ): результаты по этой заявке ещё не направлены',
      },
    };
  }
  const prefilled = {
    teacher: {
      person: d.participant.person,
      email: d.participant.email,
      ...(d.participant.phone ? { phone: d.participant.phone } : {}),
      organization: d.participant.organization,
      position: d.participant.position,
      ...((d.subject ?? d.participant.subjects[0])
        ? { subject: d.subject ?? d.participant.subjects[0] }
        : {}),
    },
    diagnostics: {
      form: d.form,
      date: d.conductedOn ?? source.updatedAt.slice(0, 10),
      level: d.results.level,
      deficits: d.results.deficits,
      recommendations: d.results.recommendations,
    },
    sourceId: source.id,
  };
  return { payload: deepMerge(prefilled, body) as Record<string, unknown> };
}

/** Objects merge key by key; anything else the body gives wins (the developer corrects what came over). */
function deepMerge(base: unknown, over: unknown): unknown {
  if (isPlain(base) && isPlain(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
    return out;
  }
  return over === undefined ? base : over;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The route with a correction's changes, or the rule it breaks (every rule is re-checked, A3 4.3.6, 4.4.5). */
function corrected(p: P, input: ApplyCorrectionInput, settings: InstanceSettings) {
  const applied = applyChanges(p, input.changes);
  if ('violation' in applied) return applied;
  const violation = rules(applied.route, settings);
  return violation ? { violation } : applied;
}

export const route = defineKind<P>({
  kind: 'route',
  title: 'Индивидуальный образовательный маршрут (ИОМ)',
  createdBy: ['centre'],
  staff: ['centre', 'curator', 'admin'],
  schema: RouteSchema as never,
  labels,
  enums,
  // A3 4.3.3: a personal number assigned by the centre, e.g. ИОМ-67-2026-00042.
  numbering: {
    series: (s) => s.route.numberPrefix,
    format: (series, year, n) => `${series}-${year}-${String(n).padStart(5, '0')}`,
  },
  prefill: { field: 'sourceId', kinds: ['diagnostics-request'], from: prefillFromDiagnostics },
  initialStage: 'draft',
  createGuards: [({ payload, settings }) => rules(payload, settings)],
  contacts: {
    teacher: (r) => ({ email: r.payload.teacher.email, name: fullName(r.payload.teacher.person) }),
    curator: (r) => ({ email: r.payload.curator.email, name: fullName(r.payload.curator.person) }),
    head: (r) => ({ email: r.payload.head.email, name: fullName(r.payload.head.person) }),
  },
  // DOMAIN.md: a curator sees only the routes assigned to them.
  assignee: (r) => r.payload.curator.email,
  // A3 4.5.4: a completed route is kept for a year, then deleted with everything of it.
  retention: (s) => ({ daysAfterFinal: s.route.retentionDays }),
  templateData: routeTemplateData,
  stages: {
    draft: {
      title: 'Разработка',
      responsible: 'centre-mailbox',
      // A3 4.3.2: the route is developed within 10 working days after the diagnostics.
      deadline: { workingDays: (s) => s.deadlines.routeDevelopment, from: (r) => r.payload.diagnostics.date },
    },
    review: {
      title: 'Ознакомление и корректировка',
      // A3 4.3.6–4.3.7: after the 5 working days the developer finalises the route.
      responsible: 'centre-mailbox',
      deadline: { workingDays: (s) => s.deadlines.correctionWindow },
      onEnter: { documents: ['route-card'], mails: toThree('review', REVIEW_ACTIONS) },
    },
    approval: {
      title: 'Утверждение руководителем образовательной организации',
      onEnter: {
        documents: ['route-card'],
        mails: [
          {
            template: 'approval-request',
            to: 'head',
            attach: ['route-card'],
            link: { party: 'head', actions: ['approve', 'returnForChanges'] },
          },
        ],
      },
    },
    active: {
      title: 'Реализация',
      onEnter: {
        documents: ['route-card'],
        mails: [
          ...toThree('approved', ACTIVE_ACTIONS),
          { template: 'approved-centre', to: 'centre-mailbox' },
        ],
      },
      notices: (r) => [
        // A3 5.10: an activity whose end date passed without the teacher's mark.
        ...r.payload.roadmap.activities
          .filter((a) => !a.mark)
          .map((a) => ({
            key: `activity-${a.id}-${a.period.to}`,
            at: addDays(a.period.to, 1),
            data: { activity: a },
            mails: [
              {
                template: 'activity-overdue',
                to: 'teacher' as const,
                link: { party: 'teacher' as const, actions: ACTIVE_ACTIONS.teacher },
              },
            ],
          })),
        // A3 4.5: the curator prepares the conclusion; a month's notice before the end.
        {
          key: `route-end-${r.payload.roadmap.end}`,
          at: addDays(r.payload.roadmap.end, -30),
          data: {},
          mails: [
            {
              template: 'route-ending',
              to: 'curator' as const,
              link: { party: 'curator' as const, actions: ACTIVE_ACTIONS.curator },
            },
          ],
        },
      ],
    },
    completed: {
      title: 'Завершён',
      final: true,
      onEnter: {
        documents: ['completion'],
        mails: [
          ...THREE.map(
            (party): MailEffect<P> => ({ template: 'completed', to: party, attach: ['completion'] }),
          ),
          { template: 'completed', to: 'centre-mailbox', attach: ['completion'] },
        ],
      },
    },
  },
  actions: {
    update: defineAction<P, typeof UpdateSchema._zod.output>({
      title: 'Изменить маршрут',
      from: ['draft'],
      by: [centre],
      input: UpdateSchema,
      guards: [({ input, settings }) => rules(input.payload as P, settings)],
      apply: ({ record, input }) => ({
        ...input.payload,
        sourceId: input.payload.sourceId ?? record.payload.sourceId,
      }),
    }),
    sendForReview: defineAction<P, typeof EmptySchema._zod.output>({
      title: 'Направить на ознакомление и корректировку',
      from: ['draft'],
      by: [centre],
      input: EmptySchema,
      guards: [({ record, settings }) => rules(record.payload, settings)],
      to: 'review',
      apply: ({ record }) => ({ ...record.payload, revision: revisionOf(record.payload) }),
    }),
    acknowledge: defineAction<P, typeof EmptySchema._zod.output>({
      title: 'Ознакомлен(а) с маршрутом',
      from: ['review'],
      by: [teacher, head, curatorLink, curatorStaff],
      input: EmptySchema,
      guards: [
        ({ record, actor }) =>
          (record.payload.reviewAcknowledgements ?? []).some(
            (a) => a.party === actingParty(actor) && a.revision === revisionOf(record.payload),
          )
            ? { rule: 'already-acknowledged', message: 'Вы уже ознакомились с этой редакцией маршрута' }
            : undefined,
      ],
      apply: ({ record, actor, now, settings }) => ({
        ...record.payload,
        reviewAcknowledgements: [
          ...(record.payload.reviewAcknowledgements ?? []),
          {
            party: actingParty(actor),
            name: partyName(record.payload, actingParty(actor), settings),
            at: now.toISOString(),
            revision: revisionOf(record.payload),
          },
        ],
      }),
    }),
    proposeCorrection: defineAction<P, typeof ProposeCorrectionSchema._zod.output>({
      title: 'Предложить корректировку',
      from: ['review', 'active'],
      by: [teacher, head, curatorLink, curatorStaff],
      input: ProposeCorrectionSchema,
      // A correction names the card's редакция it was made against (not the record version, which every
      // mark and signature advances); the page fills it in from the card it shows.
      form: (r) => ({ defaults: { baseVersion: revisionOf(r.payload) } }),
      guards: [
        (ctx) => correctionWindowClosed(ctx),
        ({ record, input }) => versionConflict(input.baseVersion, record.payload),
        // Only what can be checked now: the rows named exist. The rules are checked when it is accepted.
        ({ record, input }) => {
          const applied = applyChanges(record.payload, input.changes);
          return 'violation' in applied ? applied.violation : undefined;
        },
      ],
      children: ({ record, input, actor, now, settings }) => {
        const party = actingParty(actor);
        const applied = applyChanges(record.payload, input.changes);
        const payload: CorrectionPayload = {
          routeId: record.id,
          baseVersion: input.baseVersion,
          reason: input.reason,
          changes: input.changes,
          proposedBy: {
            party,
            name: partyName(record.payload, party, settings),
            email: actor.kind === 'system' ? '' : actor.email,
          },
          proposedAt: now.toISOString(),
          routeStage: record.stage as 'review' | 'active',
          route: {
            number: record.number ?? '',
            teacher: { name: fullName(record.payload.teacher.person), email: record.payload.teacher.email },
            curator: { name: fullName(record.payload.curator.person), email: record.payload.curator.email },
            head: { name: fullName(record.payload.head.person), email: record.payload.head.email },
          },
          described: 'violation' in applied ? [] : applied.described,
        };
        return [{ kind: 'route-correction', key: `correction-v${record.version}`, payload }];
      },
      comment: ({ input }) => input.reason,
    }),
    finalize: defineAction<P, typeof EmptySchema._zod.output>({
      title: 'Оформить итоговый вариант и направить на утверждение',
      from: ['review'],
      by: [centre],
      input: EmptySchema,
      guards: [(ctx) => pendingCorrections(ctx), ({ record, settings }) => rules(record.payload, settings)],
      to: 'approval',
      apply: ({ record, now }) => ({ ...record.payload, finalizedAt: now.toISOString() }),
    }),
    approve: defineAction<P, typeof EmptySchema._zod.output>({
      title: 'Утвердить маршрут',
      from: ['approval'],
      by: [head],
      input: EmptySchema,
      to: 'active',
      apply: ({ record, now }) => ({
        ...record.payload,
        approval: { at: now.toISOString(), name: fullName(record.payload.head.person) },
      }),
    }),
    returnForChanges: defineAction<P, typeof ReturnSchema._zod.output>({
      title: 'Вернуть на доработку',
      from: ['approval'],
      by: [head],
      input: ReturnSchema,
      to: 'review',
      apply: ({ record, input, now }) => ({
        ...record.payload,
        returns: [...(record.payload.returns ?? []), { comment: input.comment, at: now.toISOString() }],
      }),
      comment: ({ input }) => input.comment,
    }),
    markActivity: defineAction<P, typeof MarkActivitySchema._zod.output>({
      title: 'Отметить выполнение мероприятия',
      from: ['active'],
      by: [teacher],
      input: MarkActivitySchema,
      guards: [
        ({ record, input }) =>
          record.payload.roadmap.activities.some((a) => a.id === input.activityId)
            ? undefined
            : { rule: 'unknown-activity', message: 'В маршруте нет такого мероприятия — обновите страницу' },
      ],
      apply: ({ record, input, now }) => ({
        ...record.payload,
        roadmap: {
          ...record.payload.roadmap,
          activities: record.payload.roadmap.activities.map((a) =>
            a.id === input.activityId
              ? { ...a, mark: { done: input.done, evidence: input.evidence, at: now.toISOString() } }
              : a,
          ),
        },
      }),
      // A3 5.10: the mark shows in the card's last column.
      effects: { documents: ['route-card'] },
    }),
    recordProgress: defineAction<P, typeof RecordProgressSchema._zod.output>({
      title: 'Зафиксировать промежуточные результаты',
      from: ['active'],
      by: [curatorStaff, curatorLink],
      input: RecordProgressSchema,
      apply: ({ record, input, now }) => ({
        ...record.payload,
        progress: [...(record.payload.progress ?? []), { ...input, at: now.toISOString() }],
      }),
    }),
    conclude: defineAction<P, typeof ConcludeSchema._zod.output>({
      title: 'Подвести итоги реализации маршрута',
      from: ['active'],
      by: [curatorStaff, curatorLink],
      input: ConcludeSchema,
      guards: [
        (ctx) => pendingCorrections(ctx),
        ({ record, input, settings }) => {
          if (input.outcome !== 'extended') return undefined;
          if (input.extendTo! <= record.payload.roadmap.end)
            return {
              rule: 'extension-not-later',
              message: 'Новая дата окончания маршрута должна быть позже действующей',
            };
          return rules(
            { ...record.payload, roadmap: { ...record.payload.roadmap, end: input.extendTo! } },
            settings,
          );
        },
      ],
      // A3 4.5.3: the curator concludes successful completion, or extends the route.
      to: ({ input }) => (input.outcome === 'completed' ? 'completed' : 'active'),
      apply: ({ record, input, now, actor, settings }) => {
        const p = record.payload;
        const at = now.toISOString();
        const conclusion = { ...input, at };
        if (input.outcome === 'completed') return { ...p, conclusion };
        const revision = revisionOf(p) + 1;
        const entry: ChangeLogEntry = {
          revision,
          at,
          kind: 'extension',
          reason: input.conclusion,
          proposedBy: { party: 'curator', name: partyName(p, actingParty(actor), settings) },
          decidedBy: { party: 'curator', name: partyName(p, actingParty(actor), settings) },
          changes: [
            {
              what: 'Маршрут продлён: изменена дата окончания',
              before: p.roadmap.end.split('-').reverse().join('.'),
              after: input.extendTo!.split('-').reverse().join('.'),
            },
          ],
          acknowledgementRequired: false,
          acknowledgements: [],
        };
        return {
          ...p,
          revision,
          roadmap: { ...p.roadmap, end: input.extendTo! },
          changeLog: [...(p.changeLog ?? []), entry],
          extensions: [
            ...(p.extensions ?? []),
            { from: p.roadmap.end, to: input.extendTo!, at, conclusion: input.conclusion },
          ],
        };
      },
      effects: {
        documents: ['route-card'],
        mails: toThree('extended', ACTIVE_ACTIONS, {
          when: (r: RecordState<P>) => r.stage === 'active',
        }),
      },
      comment: ({ input }) => input.conclusion,
    }),
    // The route's side of a correction's decision, taken by the system in the decision's own transaction.
    applyCorrection: defineAction<P, ApplyCorrectionInput>({
      title: 'Внести принятую корректировку',
      from: ['review', 'active'],
      by: ['system'],
      input: ApplyCorrectionSchema,
      guards: [
        ({ record, input }) => versionConflict(input.baseVersion, record.payload),
        ({ record, input, settings }) => {
          const result = corrected(record.payload, input, settings);
          return 'violation' in result ? result.violation : undefined;
        },
      ],
      apply: ({ record, input, now, settings }) => {
        const result = corrected(record.payload, input, settings);
        if ('violation' in result) throw new Error('applyCorrection: guard passed, apply failed');
        const revision = revisionOf(record.payload) + 1;
        const entry: ChangeLogEntry = {
          revision,
          at: now.toISOString(),
          kind: 'correction',
          correctionId: input.correctionId,
          reason: input.reason,
          proposedBy: input.proposedBy,
          decidedBy: input.decidedBy,
          changes: result.described,
          // A3 5.11: changes during implementation are signed by the curator, the head and the teacher.
          acknowledgementRequired: record.stage === 'active',
          acknowledgements: [],
        };
        return { ...result.route, revision, changeLog: [...(record.payload.changeLog ?? []), entry] };
      },
      effects: { documents: ['route-card'], mails: toThree('card-updated', {}) },
    }),
    noteAcknowledgements: defineAction<P, NoteCorrectionInput>({
      title: 'Учесть подписи участников под изменениями',
      from: ['review', 'approval', 'active', 'completed'],
      by: ['system'],
      input: NoteCorrectionSchema,
      apply: ({ record, input }) => ({
        ...record.payload,
        changeLog: (record.payload.changeLog ?? []).map((e) =>
          e.correctionId === input.correctionId
            ? { ...e, acknowledgements: input.acknowledgements ?? [] }
            : e,
        ),
      }),
      effects: { documents: ['route-card'] },
    }),
  },
  documents: {
    'route-card': {
      title: 'Карта индивидуального образовательного маршрута педагога',
      template: 'route-card',
      fileName: (r) => `Карта ИОМ ${r.number ?? r.id.slice(0, 8)} (редакция ${revisionOf(r.payload)})`,
      // A3 4.3.4: the card goes to the teacher, the curator and the head.
      audience: ['teacher', 'curator', 'head'],
    },
    completion: {
      title: 'Заключение о реализации индивидуального образовательного маршрута',
      template: 'completion',
      fileName: (r) => `Заключение по ИОМ ${r.number ?? r.id.slice(0, 8)}`,
      audience: ['teacher', 'curator', 'head'],
    },
  },
  // The correction's decision moves the route: accepted → the changes; acknowledged by all three → the signatures.
  onChildrenChanged: (_route, _children, changed) => {
    if (changed.kind !== 'route-correction') return undefined;
    const c = changed.payload as CorrectionPayload;
    if (changed.stage === 'accepted' && c.decision) {
      const input: ApplyCorrectionInput = {
        correctionId: changed.id,
        baseVersion: c.baseVersion,
        reason: c.reason,
        changes: c.changes,
        proposedBy: { party: c.proposedBy.party, name: c.proposedBy.name },
        decidedBy: c.decision.by,
      };
      return { action: 'applyCorrection', input };
    }
    if (changed.stage === 'acknowledged') {
      const input: NoteCorrectionInput = {
        correctionId: changed.id,
        status: 'acknowledged',
        acknowledgements: c.acknowledgements ?? [],
      };
      return { action: 'noteAcknowledgements', input };
    }
    return undefined;
  },
  searchText: (r) =>
    [
      r.payload.teacher.person.lastName,
      r.payload.teacher.organization.name,
      r.payload.curator.person.lastName,
    ].join(' '),
});
