import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isLocalMode } from '../config';
import { AppError } from '../core/errors';
import { MAX_BODY_BYTES } from '../http/middlewares';
import { entriesFromUrlEncoded } from './form-data';

/** What the pages read from a request beyond what the HTTP chain gives: posted forms and the session cookie. */

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*($|;)/i;

/** The name/value pairs of a posted HTML form (URL-encoded; API Gateway may hand the body over base64-encoded). */
export function postedForm(event: APIGatewayProxyEventV2): [string, string][] {
  const body = event.body ?? '';
  const size = Buffer.byteLength(body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (size > MAX_BODY_BYTES)
    throw new AppError('payload-too-large', 'Слишком большой запрос: не более 256 КБ');
  const type = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (body && !FORM_TYPE.test(type)) {
    throw new AppError(
      'unsupported-media-type',
      'Ожидается отправка формы (application/x-www-form-urlencoded)',
    );
  }
  const text = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  return entriesFromUrlEncoded(text);
}

export function field(entries: [string, string][], name: string): string | undefined {
  return entries.find(([n]) => n === name)?.[1];
}

export const SESSION_COOKIE = 'session';

/**
 * The staff session: the identity token itself, out of reach of scripts (HttpOnly), never sent by requests other
 * sites start (SameSite=Strict), only over HTTPS outside the embedded default.
 */
export function sessionCookie(token: string, maxAgeSeconds: number): string {
  const secure = isLocalMode() ? '' : '; Secure';
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

export function clearedSessionCookie(): string {
  const secure = isLocalMode() ? '' : '; Secure';
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure}`;
}
