import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { isLocalMode } from '../config';
import '../core/zod-ru';
import { AppError } from '../core/errors';
import { logger } from '../logger';
import { bodyGuard, errorResponses, parseWith } from './middlewares';

/**
 * The one way to build an HTTP handler (DESIGN.md convention 1): a middy chain around a single call into core.
 * Order: logging context → error responses (wraps the rest) → header normalizer → size/type guard → JSON body
 * → zod → the call.
 */

export interface HttpRequest<TBody> {
  body: TBody;
  query: Record<string, string | undefined>;
  path: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  requestId: string;
  event: APIGatewayProxyEventV2;
}

export interface HttpReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HandlerOptions<TSchema extends z.ZodType> {
  /** Zod schema of the JSON body; when given, the body must be JSON and match it (unknown fields refused). */
  body?: TSchema;
  /** Routes that exist only under `npm start`: anywhere else they answer 404 as if absent. */
  localOnly?: boolean;
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export function httpHandler<TSchema extends z.ZodType = z.ZodUndefined>(
  options: HandlerOptions<TSchema>,
  call: (request: HttpRequest<z.output<TSchema>>) => Promise<HttpReply>,
): ApiHandler {
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(errorResponses())
    .use(httpHeaderNormalizer());
  if (options.body) {
    chain.use(bodyGuard()).use(httpJsonBodyParser()).use(parseWith(options.body));
  }
  return chain.handler(async (event) => {
    if (options.localOnly && !isLocalMode()) {
      throw new AppError('not-found', 'Не найдено');
    }
    const reply = await call({
      body: (options.body ? event.body : undefined) as z.output<TSchema>,
      query: event.queryStringParameters ?? {},
      path: event.pathParameters ?? {},
      headers: event.headers ?? {},
      requestId: event.requestContext.requestId,
      event,
    });
    const headers: Record<string, string> = { ...reply.headers };
    const isJson = reply.body !== undefined && !headers['content-type'];
    if (isJson) headers['content-type'] = 'application/json; charset=utf-8';
    return {
      statusCode: reply.status ?? 200,
      headers,
      body: isJson ? JSON.stringify(reply.body) : ((reply.body as string | undefined) ?? ''),
    };
  }) as unknown as ApiHandler;
}
