import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

/**
 * The local token issuer of the embedded default: it stands in for the Cognito user pool under `npm start`.
 * Its RSA key lives in `.data/issuer/` (so tokens survive a restart) and its tokens carry the same claims a
 * Cognito ID token does (`sub`, `email`, `cognito:groups`, `token_use: id`), so one verifier path serves both.
 */

export const LOCAL_AUDIENCE = 'cpd-local';
const KEY_ID = 'local-1';

export interface IssuerKeys {
  privateJwk: JWK;
  jwks: { keys: JWK[] };
}

/** Load the issuer's key pair from `dataDir`, generating it on first use. */
export async function ensureIssuerKeys(dataDir: string): Promise<IssuerKeys> {
  const dir = join(dataDir, 'issuer');
  const privatePath = join(dir, 'private.jwk.json');
  const jwksPath = join(dir, 'jwks.json');
  if (existsSync(privatePath) && existsSync(jwksPath)) {
    return {
      privateJwk: JSON.parse(readFileSync(privatePath, 'utf8')),
      jwks: JSON.parse(readFileSync(jwksPath, 'utf8')),
    };
  }
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: 'RS256' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
  writeFileSync(privatePath, JSON.stringify(privateJwk), { mode: 0o600 });
  writeFileSync(jwksPath, JSON.stringify({ keys: [publicJwk] }));
  return { privateJwk, jwks: { keys: [publicJwk] } };
}

export interface LocalTokenRequest {
  email: string;
  roles: string[];
  /** Lifetime in seconds (default 8 hours, a working day). */
  ttlSeconds?: number;
}

/** A staff JWT signed by the local issuer. */
export async function issueLocalToken(
  keys: IssuerKeys,
  issuer: string,
  request: LocalTokenRequest,
  now: Date,
): Promise<string> {
  const key = await importJWK(keys.privateJwk, 'RS256');
  // A stable subject per email, like a Cognito user's sub, without putting the email in it.
  const sub = createHash('sha256').update(request.email).digest('hex').slice(0, 32);
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ email: request.email, 'cognito:groups': request.roles, token_use: 'id' })
    .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (request.ttlSeconds ?? 8 * 3600))
    .sign(key);
}
