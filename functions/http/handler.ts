import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { isLocalMode } from '../config';
import type { Caller } from '../core/caller';
import { AppError } from '../core/errors';
import '../core/zod-ru';
import { logger } from '../logger';
import { resolveCaller } from './caller';
import { bodyGuard, type ErrorPage, errorResponses, issuesOf, parseWith } from './middlewares';

/**
 * The one way to build an HTTP handler (DESIGN.md convention 1): a middy chain around a single call into core.
 * Order: logging context → error responses (wraps the rest) → header normalizer → size/type guard → JSON body
 * → zod → caller → the call.
 */

type Query = Record<string, string | undefined>;

export interface HttpRequest<TBody, TQuery = Query> {
  body: TBody;
  /** Who is calling; resolved before the call, so a bad credential is a 401 whatever the route. */
  caller: Caller;
  query: TQuery;
  path: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  requestId: string;
  event: APIGatewayProxyEventV2;
}

export interface HttpReply {
  status?: number;
  /** JSON (any value), a string, or bytes (a PDF: sent base64-encoded, with the content type in `headers`). */
  body?: unknown;
  headers?: Record<string, string>;
  /** `Set-Cookie` values (the staff sign-in's session cookie). */
  cookies?: string[];
}

export interface HandlerOptions<TSchema extends z.ZodType, TQuerySchema extends z.ZodType> {
  /** Zod schema of the JSON body; when given, the body must be JSON and match it (unknown fields refused). */
  body?: TSchema;
  /** The body taken when the request has none (actions without fields); without it an empty body is a 400. */
  emptyBody?: unknown;
  /** Zod schema of the query string; failures are 400 with the parameter names. */
  query?: TQuerySchema;
  /** Routes that exist only under `npm start`: anywhere else they answer 404 as if absent. */
  localOnly?: boolean;
  /**
   * Web pages answer errors with a page (or a redirect to the sign-in) instead of the JSON error shape; given the
   * error as API.md maps it. Without it, or if it fails, the JSON error applies.
   */
  errorPage?: ErrorPage;
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export function httpHandler<
  TSchema extends z.ZodType = z.ZodUndefined,
  TQuerySchema extends z.ZodType = z.ZodType<Query>,
>(
  options: HandlerOptions<TSchema, TQuerySchema>,
  call: (request: HttpRequest<z.output<TSchema>, z.output<TQuerySchema>>) => Promise<HttpReply>,
): ApiHandler {
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(errorResponses(options.errorPage))
    .use(httpHeaderNormalizer());
  if (options.body) {
    if (options.emptyBody !== undefined) chain.use(defaultBody(options.emptyBody));
    chain.use(bodyGuard()).use(httpJsonBodyParser()).use(parseWith(options.body));
  }
  const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (options.localOnly && !isLocalMode()) {
      throw new AppError('not-found', 'Не найдено');
    }
    const headers = event.headers ?? {};
    const rawQuery = event.queryStringParameters ?? {};
    let query: unknown = rawQuery;
    if (options.query) {
      const { token: _token, ...rest } = rawQuery;
      const parsed = options.query.safeParse(rest);
      if (!parsed.success) {
        throw new AppError('validation', 'Проверьте параметры запроса', { issues: issuesOf(parsed.error) });
      }
      query = parsed.data;
    }
    const caller = await resolveCaller(headers, rawQuery, event.cookies, event.requestContext.http.method);
    const reply = await call({
      body: (options.body ? event.body : undefined) as z.output<TSchema>,
      caller,
      query: query as z.output<TQuerySchema>,
      path: event.pathParameters ?? {},
      headers,
      requestId: event.requestContext.requestId,
      event,
    });
    const responseHeaders: Record<string, string> = { ...reply.headers };
    if (reply.body instanceof Uint8Array) {
      return {
        statusCode: reply.status ?? 200,
        headers: { 'content-type': 'application/octet-stream', ...responseHeaders },
        body: Buffer.from(reply.body).toString('base64'),
        isBase64Encoded: true,
      };
    }
    const isJson = reply.body !== undefined && !responseHeaders['content-type'];
    if (isJson) responseHeaders['content-type'] = 'application/json; charset=utf-8';
    return {
      statusCode: reply.status ?? 200,
      headers: responseHeaders,
      body: isJson ? JSON.stringify(reply.body) : ((reply.body as string | undefined) ?? ''),
      ...(reply.cookies?.length ? { cookies: reply.cookies } : {}),
    };
  };
  return chain.handler(handler) as unknown as ApiHandler;
}

/** An empty body becomes `value` (as JSON) before the guard and parser see it. */
function defaultBody(
  value: unknown,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      const event = request.event;
      if (event.body === undefined || event.body === '') {
        event.body = JSON.stringify(value);
        event.isBase64Encoded = false;
        event.headers = { ...event.headers, 'content-type': 'application/json' };
      }
    },
  };
}
