import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { config } from '../config';
import { AppError } from '../core/errors';
import { nowEpochSeconds } from './clock';
import { ensureIssuerKeys, LOCAL_AUDIENCE } from './local-issuer';

/**
 * Verifies staff tokens with aws-jwt-verify: the instance's Cognito user pool in AWS, the local issuer under
 * `npm start`. Both yield the same claims; roles are the `cognito:groups`.
 */

export const STAFF_ROLES = ['operator', 'centre', 'curator', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffIdentity {
  sub: string;
  email: string;
  roles: StaffRole[];
}

type Verify = (token: string) => Promise<Record<string, unknown>>;

/** Local mode only: how far the library's wall-clock expiry check is widened (the shifted clock decides). */
const LOCAL_GRACE_SECONDS = 100 * 365 * 86_400;
let verifier: Promise<Verify> | undefined;

async function createVerifier(): Promise<Verify> {
  const c = config();
  if (c.local) {
    const keys = await ensureIssuerKeys(c.local.dataDir);
    const v = JwtRsaVerifier.create({
      issuer: c.local.issuer,
      audience: LOCAL_AUDIENCE,
      jwksUri: `${c.local.issuer}/.well-known/jwks.json`,
    });
    v.cacheJwks(keys.jwks as Parameters<typeof v.cacheJwks>[0]);
    // The local clock may be shifted (POST /dev/clock), so validity is judged by the same "now" as every rule:
    // the library checks signature, issuer and audience, with its own wall-clock expiry check widened away.
    return async (token) => {
      const payload = (await v.verify(token, { graceSeconds: LOCAL_GRACE_SECONDS })) as Record<
        string,
        unknown
      >;
      const now = nowEpochSeconds();
      // Expiry only: tests move the clock backwards and forwards while staff stay signed in.
      if (typeof payload.exp !== 'number' || payload.exp <= now) throw new Error('expired');
      return payload;
    };
  }
  if (!c.cognito) throw new Error('No identity provider configured');
  const v = CognitoJwtVerifier.create({
    userPoolId: c.cognito.userPoolId,
    clientId: c.cognito.clientId,
    tokenUse: 'id',
  });
  return async (token) => (await v.verify(token)) as unknown as Record<string, unknown>;
}

/** The staff member behind a bearer token; 401 when the token is missing, expired or not ours. */
export async function verifyStaffToken(token: string): Promise<StaffIdentity> {
  verifier ??= createVerifier();
  let claims: Record<string, unknown>;
  try {
    claims = await (await verifier)(token);
  } catch {
    throw new AppError('unauthenticated', 'Войдите заново: пропуск недействителен или истёк');
  }
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as unknown[]) : [];
  const roles = groups.filter((g): g is StaffRole => STAFF_ROLES.includes(g as StaffRole));
  if (typeof claims.email !== 'string' || typeof claims.sub !== 'string') {
    throw new AppError('unauthenticated', 'Войдите заново: пропуск недействителен или истёк');
  }
  return { sub: claims.sub, email: claims.email.toLowerCase(), roles };
}

/** How long the pool's token endpoint may take before the sign-in gives up (the page says to try again). */
const TOKEN_ENDPOINT_TIMEOUT_MS = 8000;

/**
 * The staff workspace's sign-in through the pool's hosted pages (authorization code with PKCE): the code the pool
 * returned is exchanged at its token endpoint for the identity token, which is then verified like any other.
 */
export async function exchangeSignInCode(input: {
  code: string;
  verifier: string;
  redirectUri: string;
}): Promise<string> {
  const cognito = config().cognito;
  if (!cognito?.signInUrl) throw new AppError('not-found', 'Вход через учётную запись региона не настроен');
  let response: Response;
  try {
    response = await fetch(`${cognito.signInUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: cognito.clientId,
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.verifier,
      }).toString(),
      signal: AbortSignal.timeout(TOKEN_ENDPOINT_TIMEOUT_MS),
    });
  } catch {
    throw new AppError('unauthenticated', 'Сервис входа не ответил. Попробуйте войти ещё раз');
  }
  const body = (await response.json().catch(() => ({}))) as { id_token?: unknown };
  if (!response.ok || typeof body.id_token !== 'string') {
    throw new AppError(
      'unauthenticated',
      'Вход не удался: код входа недействителен или устарел. Войдите заново',
    );
  }
  return body.id_token;
}
