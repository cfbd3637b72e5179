import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { exchangeSignInCode, verifyStaffToken } from '../adapters/identity';
import { config } from '../config';
import { AppError } from '../core/errors';
import { type PageReply, page, redirect } from './pages';
import { sessionCookie } from './request';

/**
 * Staff sign-in in a deployment: the user pool's hosted pages, authorization code with PKCE (RFC 7636), returning
 * to `<publicUrl>/staff/callback`. What the browser must bring back (the state and the PKCE verifier) travels in a
 * short-lived HttpOnly cookie limited to the sign-in; the identity token then becomes the `session` cookie.
 */

const PENDING_COOKIE = 'signin';
const PENDING_SECONDS = 600;
/** The identity token is valid for an hour (the app client's setting): so is the session. */
const SESSION_SECONDS = 3600;

interface HostedSignIn {
  signInUrl: string;
  clientId: string;
  publicUrl: string;
}

/** The hosted sign-in of this deployment, if it has one (a user pool domain and a public URL to return to). */
export function hostedSignIn(): HostedSignIn | undefined {
  const c = config();
  const publicUrl = c.instance.publicUrl?.replace(/\/$/, '');
  if (!c.cognito?.signInUrl || !publicUrl) return undefined;
  return { signInUrl: c.cognito.signInUrl, clientId: c.cognito.clientId, publicUrl };
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

export function authorizeUrl(h: HostedSignIn, state: string, verifier: string): string {
  const challenge = base64url(createHash('sha256').update(verifier).digest());
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: h.clientId,
    redirect_uri: `${h.publicUrl}/staff/callback`,
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    lang: 'ru',
  });
  return `${h.signInUrl}/oauth2/authorize?${query.toString()}`;
}

export function logoutUrl(h: HostedSignIn): string {
  const query = new URLSearchParams({ client_id: h.clientId, logout_uri: `${h.publicUrl}/staff/sign-in` });
  return `${h.signInUrl}/logout?${query.toString()}`;
}

/** GET /staff/sign-in?start=1: off to the hosted pages (a link, not a form: CSP allows forms to post only here). */
export function startHostedSignIn(h: HostedSignIn): PageReply {
  const state = base64url(randomBytes(16));
  const verifier = base64url(randomBytes(32));
  // Lax, not Strict: the browser comes back from the sign-in pages, another site, and must bring it.
  const pending = `${PENDING_COOKIE}=${state}.${verifier}; Path=/staff; HttpOnly; Secure; SameSite=Lax; Max-Age=${PENDING_SECONDS}`;
  return redirect(authorizeUrl(h, state, verifier), [pending]);
}

function pendingOf(event: APIGatewayProxyEventV2): { state: string; verifier: string } | undefined {
  const value = event.cookies
    ?.map((c) => new RegExp(`^${PENDING_COOKIE}=(.+)$`).exec(c)?.[1])
    .find((v): v is string => Boolean(v));
  const [state, verifier] = value?.split('.') ?? [];
  return state && verifier ? { state, verifier } : undefined;
}

/** GET /staff/callback?code=&state=: the code exchanged, the token verified, the session cookie set. */
export async function finishHostedSignIn(
  event: APIGatewayProxyEventV2,
  query: Record<string, string | undefined>,
): Promise<PageReply> {
  const h = hostedSignIn();
  if (!h) throw new AppError('not-found', 'Страница не найдена');
  const pending = pendingOf(event);
  if (!query.code || !pending || query.state !== pending.state) {
    throw new AppError('unauthenticated', 'Вход не завершён: начните его заново со страницы входа');
  }
  const token = await exchangeSignInCode({
    code: query.code,
    verifier: pending.verifier,
    redirectUri: `${h.publicUrl}/staff/callback`,
  });
  await verifyStaffToken(token);
  const cleared = `${PENDING_COOKIE}=; Path=/staff; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;
  // A page, not a redirect: a SameSite=Strict cookie set while coming from another site is sent from the next
  // navigation this site itself starts.
  const reply = await page('staff-signed-in', { title: 'Вход выполнен', refresh: '/staff' });
  return { ...reply, cookies: [sessionCookie(token, SESSION_SECONDS), cleared] };
}
