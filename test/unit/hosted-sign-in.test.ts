import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeSignInCode } from '../../functions/adapters/identity';
import { provideRuntimeEnv } from '../../functions/config';
import { authorizeUrl, logoutUrl } from '../../functions/web/hosted-sign-in';

/** The staff sign-in through the user pool's hosted pages: the authorization request and the code exchange. */

const hosted = {
  signInUrl: 'https://cpd-smolensk-123.auth.eu-central-1.amazoncognito.com',
  clientId: 'client-1',
  publicUrl: 'https://forms.soiro.example.ru',
};

describe('authorization request', () => {
  it('asks for the code flow with PKCE (S256) and returns to the workspace', () => {
    const url = new URL(authorizeUrl(hosted, 'state-1', 'verifier-1'));
    expect(url.origin + url.pathname).toBe(`${hosted.signInUrl}/oauth2/authorize`);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('client-1');
    expect(q.get('redirect_uri')).toBe('https://forms.soiro.example.ru/staff/callback');
    expect(q.get('state')).toBe('state-1');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toBe(createHash('sha256').update('verifier-1').digest('base64url'));
    expect(q.get('scope')?.split(' ')).toEqual(['openid', 'email', 'profile']);
    expect(new URL(logoutUrl(hosted)).searchParams.get('logout_uri')).toBe(
      'https://forms.soiro.example.ru/staff/sign-in',
    );
  });
});

describe('code exchange at the token endpoint', () => {
  let server: Server;
  const received: Record<string, string>[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        received.push({ path: req.url ?? '', ...form });
        const ok = form.code === 'good-code' && form.code_verifier === 'the-verifier';
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            ok ? { id_token: 'id.token.value', token_type: 'Bearer' } : { error: 'invalid_grant' },
          ),
        );
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    provideRuntimeEnv({
      INSTANCE_ID: 'smolensk',
      TABLE_NAME: 'records',
      BUCKET_NAME: 'documents',
      AWS_REGION: 'eu-central-1',
      USER_POOL_ID: 'eu-central-1_example',
      USER_POOL_CLIENT_ID: 'client-1',
      USER_POOL_SIGN_IN_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      LOCAL_MODE: 'false',
    });
  });

  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    provideRuntimeEnv(saved as Record<string, string>);
  });

  it('sends the code with its verifier and the same return address, and takes the identity token', async () => {
    const token = await exchangeSignInCode({
      code: 'good-code',
      verifier: 'the-verifier',
      redirectUri: 'https://forms.soiro.example.ru/staff/callback',
    });
    expect(token).toBe('id.token.value');
    expect(received.at(-1)).toEqual({
      path: '/oauth2/token',
      grant_type: 'authorization_code',
      client_id: 'client-1',
      code: 'good-code',
      redirect_uri: 'https://forms.soiro.example.ru/staff/callback',
      code_verifier: 'the-verifier',
    });
  });

  it('refuses a code the pool refuses, in Russian, as a 401', async () => {
    await expect(
      exchangeSignInCode({ code: 'old-code', verifier: 'the-verifier', redirectUri: 'https://x.example/cb' }),
    ).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('Войдите заново') });
  });
});
