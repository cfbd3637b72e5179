import {
  type ActionDefinition,
  defineAction,
  type LinkParty,
  type RuleViolation,
  type StageDefinition,
  type StageEffects,
} from '../../functions/core/kind';
import type { DiagnosticsObservation } from '../../functions/core/reports/diagnostics';
import * as z from '../../functions/core/zod-ru';
import { DeficitLevel, isoDateField, ManagerBlock, TeacherBlock, text } from './types';

/**
 * What the diagnostics kinds share (seed 004, Appendix 2): the operator's actions and their inputs, the results
 * of one participant, the deadline for results, and the row a result adds to the analytical note (A2 6.4).
 */

/** A2 5.10: diagnostics ordered by the Department — results are then due in 15 working days (A2 5.10.4). */
export const DepartmentOrderSchema = z.strictObject({
  number: text(50, 'Номер приказа Департамента'),
  date: isoDateField,
});
export type DepartmentOrder = z.infer<typeof DepartmentOrderSchema>;

export const AgreeSchema = z.strictObject({
  date: z.iso.date('Укажите дату диагностики'),
  place: text(500, 'Место проведения'),
  details: z.string().trim().max(2000, 'Не более 2000 символов').optional(),
  /** Set by the operator when the diagnostics is held under an order of the Department (A2 5.10). */
  departmentOrder: DepartmentOrderSchema.optional(),
});
export type Agreement = z.infer<typeof AgreeSchema>;

export const RejectSchema = z.strictObject({ reason: text(2000, 'Причина отказа') });

export const RescheduleSchema = z.strictObject({
  date: z.iso.date('Укажите дату диагностики'),
  place: text(500, 'Место проведения'),
  details: z.string().trim().max(2000, 'Не более 2000 символов').optional(),
});

export const ConductSchema = z.strictObject({
  conductedOn: z.iso.date('Укажите дату проведения'),
  departmentOrder: DepartmentOrderSchema.optional(),
});

export const WithdrawSchema = z.strictObject({
  reason: z.string().trim().max(2000, 'Не более 2000 символов').optional(),
});

export const ResultsSchema = z.strictObject({
  level: DeficitLevel.schema,
  blocks: z
    .array(
      z.strictObject({
        block: z.string().min(1, 'Укажите блок'),
        level: DeficitLevel.schema,
        score: z.number().min(0).optional(),
        maxScore: z.number().positive().optional(),
      }),
    )
    .min(1, 'Укажите результаты хотя бы по одному блоку'),
  deficits: z
    .array(z.strictObject({ code: text(20, 'Код дефицита'), title: text(500, 'Дефицит') }))
    .max(20, 'Не более 20 дефицитов')
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((d, i) => {
        if (seen.has(d.code))
          ctx.addIssue({
            code: 'custom',
            message: 'Коды дефицитов не должны повторяться',
            path: [i, 'code'],
          });
        seen.add(d.code);
      });
    }),
  recommendations: z.array(text(2000, 'Рекомендация')).max(30, 'Не более 30 рекомендаций'),
});
export type Results = z.infer<typeof ResultsSchema>;

/** Results as stored: with the day they were issued (the analytical note counts by it, A2 6.4). */
export type IssuedResults = Results & { issuedOn?: string };

/** A date the operator sets for the diagnostics cannot lie in the past. */
export function dateNotInPast(date: string, today: string, path: string): RuleViolation | undefined {
  return date < today
    ? { rule: 'date-in-past', message: 'Дата диагностики не может быть в прошлом', path }
    : undefined;
}

/** The diagnostics is marked as held on a day that has come. */
export function conductedNotInFuture(date: string, today: string): RuleViolation | undefined {
  return date > today
    ? { rule: 'date-in-future', message: 'Дата проведения не может быть в будущем', path: 'conductedOn' }
    : undefined;
}

/** Results are given for the blocks the participant chose (and consented to), each once. */
export function resultBlocksRule(results: Results, allowed: readonly string[]): RuleViolation | undefined {
  const seen = new Set<string>();
  for (const [i, b] of results.blocks.entries()) {
    if (!allowed.includes(b.block) || seen.has(b.block)) {
      return {
        rule: 'block-not-requested',
        message: 'Результаты указываются только по выбранным участником блокам, по одному разу',
        path: `blocks.${i}.block`,
      };
    }
    if (b.score !== undefined && b.maxScore !== undefined && b.score > b.maxScore) {
      return {
        rule: 'score-above-max',
        message: 'Набранный балл не может превышать максимальный',
        path: `blocks.${i}.score`,
      };
    }
    seen.add(b.block);
  }
  return undefined;
}

/** Working days for the results: 10 after the diagnostics (A2 5.9.6), 15 when ordered by the Department (A2 5.10.4). */
export function resultsWorkingDays(
  deadlines: { results: number; resultsOrdered: number },
  departmentOrder: DepartmentOrder | undefined,
): number {
  return departmentOrder ? deadlines.resultsOrdered : deadlines.results;
}

const BLOCK_LABELS: Record<string, string> = { ...TeacherBlock.labels, ...ManagerBlock.labels };

/** One row of the analytical note (A2 6.4) from one participant's results; never leaves the report module. */
export function observation(input: {
  email: string;
  municipality: string;
  category: 'teacher' | 'manager';
  subject?: string;
  results: IssuedResults & { issuedOn: string };
}): DiagnosticsObservation {
  const levelLabels = DeficitLevel.labels as Record<string, string>;
  return {
    personKey: input.email.toLowerCase(),
    issuedOn: input.results.issuedOn,
    municipality: input.municipality.trim(),
    category: input.category,
    categoryLabel: input.category === 'teacher' ? 'педагогические работники' : 'руководящие работники',
    subject: input.subject?.trim().toLowerCase() || undefined,
    level: input.results.level,
    levelLabel: levelLabels[input.results.level] ?? input.results.level,
    blocks: input.results.blocks.map((b) => ({
      block: b.block,
      label: BLOCK_LABELS[b.block] ?? b.block,
      level: b.level,
      levelLabel: levelLabels[b.level] ?? b.level,
    })),
    deficits: input.results.deficits.map((d) => ({ code: d.code, title: d.title })),
  };
}

const DATE_TIME = new Map<string, Intl.DateTimeFormat>();

/** "22.11.2026 14:05" in the instance's time zone (the consent sheet's signature column). */
export function formatDateTime(iso: string, timeZone: string): string {
  let format = DATE_TIME.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('ru-RU', {
      timeZone,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    DATE_TIME.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}`;
}

/**
 * The invitation (date and place) rendered and mailed to `invitee` with their link to withdraw — on entering
 * `scheduled` and again on every reschedule (A2 5.9.4–5.9.5).
 */
export function invitationEffects<P>(
  invitee: LinkParty,
  childActions?: StageEffects<P>['childActions'],
): StageEffects<P> {
  return {
    ...(childActions ? { childActions } : {}),
    documents: ['invitation'],
    mails: [
      {
        template: 'invitation',
        to: invitee,
        attach: ['invitation'],
        link: { party: invitee, actions: ['withdraw'] },
      },
    ],
  };
}

/**
 * The stage after the diagnostics: results are due 10 working days after it (A2 5.9.6), or 15 when the
 * Department ordered it (A2 5.10.4; the operator records the order on `agree` or `conduct`).
 */
export function conductedStage<
  P extends { conductedOn?: string; departmentOrder?: DepartmentOrder },
>(): StageDefinition<P> {
  return {
    title: 'Диагностика проведена',
    responsible: 'operator-mailbox',
    deadline: {
      workingDays: (s, r) => resultsWorkingDays(s.deadlines, r.payload.departmentOrder),
      from: (r) => r.payload.conductedOn,
    },
  };
}

/** What the operator's actions write into a diagnostics request. */
interface Scheduled {
  schedule?: unknown;
  rejection?: { reason: string };
  conductedOn?: string;
  departmentOrder?: DepartmentOrder;
}

/**
 * The operator's stages, the same for an individual and a collective request (A2 5.9.4–5.9.5): agree a date and
 * place, reject, reschedule (the invitation goes again to `invitee`, with their link to withdraw), mark it
 * conducted — the department's order, when given, sets the 15-day results deadline (A2 5.10.4).
 */
export function operatorActions<P extends Scheduled>(options: {
  invitee: LinkParty;
  /** Extra effects of a reschedule (a collective request tells each consenting teacher). */
  rescheduleChildActions?: StageEffects<P>['childActions'];
}): Record<'agree' | 'reject' | 'reschedule' | 'conduct', ActionDefinition<P, never>> {
  const operator = { role: 'operator' as const };
  return {
    agree: defineAction<P, typeof AgreeSchema._zod.output>({
      title: 'Согласовать дату и место',
      from: ['submitted'],
      by: [operator],
      input: AgreeSchema,
      guards: [({ input, now, calendar }) => dateNotInPast(input.date, calendar.localDate(now), 'date')],
      to: 'scheduled',
      apply: ({ record, input }) => {
        const { departmentOrder, ...schedule } = input;
        return { ...record.payload, schedule, ...(departmentOrder ? { departmentOrder } : {}) };
      },
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
      guards: [({ input, now, calendar }) => dateNotInPast(input.date, calendar.localDate(now), 'date')],
      apply: ({ record, input }) => ({ ...record.payload, schedule: input }),
      effects: invitationEffects<P>(options.invitee, options.rescheduleChildActions),
    }),
    conduct: defineAction<P, typeof ConductSchema._zod.output>({
      title: 'Отметить проведение',
      from: ['scheduled'],
      by: [operator],
      input: ConductSchema,
      guards: [
        ({ input, now, calendar }) => conductedNotInFuture(input.conductedOn, calendar.localDate(now)),
      ],
      to: 'conducted',
      apply: ({ record, input }) => ({
        ...record.payload,
        conductedOn: input.conductedOn,
        ...(input.departmentOrder ? { departmentOrder: input.departmentOrder } : {}),
      }),
    }),
  };
}
