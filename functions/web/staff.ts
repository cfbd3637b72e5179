import type { AppError } from '../core/errors';
import { formPage, submitForm } from './form-pages';
import { finishHostedSignIn } from './hosted-sign-in';
import { errorPageOf, pageHandler } from './page-handler';
import { redirect } from './pages';
import { clearedSessionCookie } from './request';
import {
  queuePage,
  recordAction,
  recordPage,
  reportsPage,
  requireStaff,
  signIn,
  signInPage,
  signOut,
} from './staff-pages';

/**
 * The staff workspace (/staff/...): sign-in, queue, record pages and their actions, creation forms of the kinds
 * staff create, reports. A missing or expired session leads to the sign-in page.
 */
export const handler = pageHandler(
  {
    'GET /staff': ({ caller, query }) => queuePage(caller, query),
    'GET /staff/sign-in': ({ caller, query }) =>
      signInPage(
        caller,
        query.out ? { notice: 'Вы вышли из рабочего места.' } : { start: Boolean(query.start) },
      ),
    'GET /staff/callback': ({ event, query }) => finishHostedSignIn(event, query),
    'POST /staff/sign-in': ({ caller, event }) => signIn(caller, event),
    'POST /staff/sign-out': async () => signOut(),
    'GET /staff/records/{id}': ({ caller, path, query }) => recordPage(caller, path.id ?? '', query),
    'POST /staff/records/{id}/actions/{action}': ({ caller, path, event }) =>
      recordAction(caller, path.id ?? '', path.action ?? '', event),
    'GET /staff/forms/{kind}': async ({ caller, path }) => {
      const staff = requireStaff(caller);
      return formPage(path.kind ?? '', staff, {
        url: `/staff/forms/${path.kind}`,
        staff: { email: staff.email, roles: staff.roles },
      });
    },
    'POST /staff/forms/{kind}': async ({ caller, path, event }) => {
      const staff = requireStaff(caller);
      return submitForm(path.kind ?? '', staff, event, {
        url: `/staff/forms/${path.kind}`,
        staff: { email: staff.email, roles: staff.roles },
      });
    },
    'GET /staff/reports': ({ caller, query }) => reportsPage(caller, query),
  },
  async (error: AppError, event) => {
    if (error.code === 'unauthenticated' && event.requestContext.http.method === 'GET') {
      return redirect('/staff/sign-in', [clearedSessionCookie()]);
    }
    return errorPageOf(error);
  },
);
