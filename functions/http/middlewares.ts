import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { AppError, type FieldIssue, fieldIssues } from '../core/errors';
import { logger } from '../logger';

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
type Middleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/** API.md: JSON bodies up to 256 KB. */
export const MAX_BODY_BYTES = 256 * 1024;

const JSON_TYPE = /^application\/(.+\+)?json\s*($|;)/i;

function baseHeaders(request: Request): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'x-request-id': request.event.requestContext?.requestId ?? '',
    'x-content-type-options': 'nosniff',
  };
}

/** Russian messages for middy's own HTTP errors, by status. */
function fromMiddyError(error: { statusCode?: number; message?: string }): AppError | undefined {
  switch (error.statusCode) {
    case 413:
      return new AppError('payload-too-large', 'Слишком большой запрос: не более 256 КБ');
    case 415:
      // bodyGuard already refused other content types, so here the JSON itself is broken or missing.
      return new AppError('validation', 'Тело запроса не является корректным JSON', {
        issues: [{ path: '', message: 'Некорректный JSON' }],
      });
    default:
      return undefined;
  }
}

/** How a web page answers an error: a page, or a redirect (API.md's JSON shape is for API clients). */
export type ErrorPage = (
  error: AppError,
  event: APIGatewayProxyEventV2,
) => Promise<{ status?: number; body?: string; headers?: Record<string, string>; cookies?: string[] }>;

/**
 * Turns every failure into the error shape of API.md (or the page `errorPage` makes of it) and stamps every
 * response with no-store and the request id. Anything that is not an AppError becomes a generic 500 with the
 * request id; the details go to the log only.
 */
export function errorResponses(errorPage?: ErrorPage): Middleware {
  return {
    after: async (request) => {
      const response = request.response;
      if (response) response.headers = { ...baseHeaders(request), ...response.headers };
    },
    onError: async (request) => {
      const raw = request.error as (Error & { statusCode?: number }) | null;
      let error = raw instanceof AppError ? raw : raw ? fromMiddyError(raw) : undefined;
      const requestId = request.event.requestContext?.requestId ?? '';
      if (!error) {
        // Only the class and message are logged; messages of our own code never hold personal data.
        logger.error('Unhandled error', {
          errorName: raw?.name,
          errorMessage: raw?.message,
          stack: raw?.stack,
        });
        error = new AppError('internal', `Внутренняя ошибка. Номер запроса: ${requestId}`);
      }
      if (errorPage) {
        try {
          const page = await errorPage(error, request.event);
          request.response = {
            statusCode: page.status ?? error.status,
            headers: { ...baseHeaders(request), ...page.headers },
            body: page.body ?? '',
            ...(page.cookies?.length ? { cookies: page.cookies } : {}),
          };
          return;
        } catch (pageError) {
          logger.error('Error page failed', { errorName: (pageError as Error)?.name });
        }
      }
      request.response = {
        statusCode: error.status,
        headers: { ...baseHeaders(request), 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({
          error: {
            code: error.code,
            message: error.message,
            ...(error.issues ? { issues: error.issues } : {}),
            ...(error.rule ? { rule: error.rule } : {}),
          },
        }),
      };
    },
  };
}

/** Size and media type checks before the JSON parser (413, 415). */
export function bodyGuard(): Middleware {
  return {
    before: async (request) => {
      const { body, isBase64Encoded, headers } = request.event;
      const size = body ? Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8') : 0;
      if (size > MAX_BODY_BYTES) {
        throw new AppError('payload-too-large', 'Слишком большой запрос: не более 256 КБ');
      }
      const contentType = headers?.['content-type'] ?? '';
      if (!JSON_TYPE.test(contentType)) {
        throw new AppError('unsupported-media-type', 'Ожидается JSON (Content-Type: application/json)');
      }
    },
  };
}

/** Every failing field, with its dotted path (API.md: validation issues carry the field path). */
export function issuesOf(error: z.ZodError): FieldIssue[] {
  return fieldIssues(error.issues);
}

/** Validate the parsed body with a zod schema; the parsed (transformed) value replaces the body. */
export function parseWith(schema: z.ZodType): Middleware {
  return {
    before: async (request) => {
      const parsed = schema.safeParse(request.event.body);
      if (!parsed.success) {
        throw new AppError('validation', 'Проверьте заполнение полей', { issues: issuesOf(parsed.error) });
      }
      (request.event as { body: unknown }).body = parsed.data;
    },
  };
}
