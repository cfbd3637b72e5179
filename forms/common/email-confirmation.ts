import {
  type ActionDefinition,
  type CreateContext,
  defineAction,
  type StageDefinition,
} from '../../functions/core/kind';
import * as z from '../../functions/core/zod-ru';

/**
 * Email confirmation (DOMAIN.md, instance setting `emailConfirmation`): where the instance requires it, a public
 * submission starts in `unconfirmed`; the applicant's mail carries a link whose action `confirm` moves it to its
 * first real stage, and an unconfirmed submission disappears after 72 hours. Where it is off, the submission starts
 * in its first real stage at once. A kind spreads these stages and actions into its declaration and provides the
 * mail template `templates/email/<kind>/confirm.hbs`.
 */

export const UNCONFIRMED = 'unconfirmed';
export const DISCARDED = 'discarded';
/** DOMAIN.md: an unconfirmed submission disappears after 72 hours. */
export const CONFIRMATION_HOURS = 72;

const NoFields = z.strictObject({});

/** The first stage: `unconfirmed` where the instance asks for confirmation, else the kind's first real stage. */
export function firstStage<P>(first: string): (ctx: CreateContext<P>) => string {
  return ({ settings }) => (settings.emailConfirmation ? UNCONFIRMED : first);
}

export function confirmationStages<P>(): Record<string, StageDefinition<P>> {
  return {
    [UNCONFIRMED]: {
      title: 'Ожидает подтверждения адреса электронной почты',
      // Only the mailed link confirms: it proves the address is the applicant's.
      timed: {
        action: 'discard',
        at: (r) => new Date(Date.parse(r.createdAt) + CONFIRMATION_HOURS * 3_600_000).toISOString(),
      },
      onEnter: {
        mails: [{ template: 'confirm', to: 'applicant', link: { party: 'applicant', actions: ['confirm'] } }],
      },
    },
    [DISCARDED]: { title: 'Адрес не подтверждён, заявка удалена', final: true, retainDays: 0 },
  };
}

export function confirmationActions<P>(first: string): Record<string, ActionDefinition<P, never>> {
  return {
    confirm: defineAction<P, z.infer<typeof NoFields>>({
      title: 'Подтвердить адрес электронной почты',
      from: [UNCONFIRMED],
      by: [{ party: 'applicant' }],
      input: NoFields,
      to: first,
    }),
    discard: defineAction<P, z.infer<typeof NoFields>>({
      title: 'Удалить неподтверждённую заявку',
      from: [UNCONFIRMED],
      by: ['system'],
      input: NoFields,
      to: DISCARDED,
    }),
  };
}
