import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { HttpRoute } from '../../functions/manifest';

/**
 * The local gateway: turns HTTP requests into API Gateway v2 (HTTP API, payload format 2.0) events and calls the
 * very handler modules Lambda runs, so `npm start` exercises the production code path, middy chain included.
 */

const FUNCTIONS_DIR = join(import.meta.dirname, '..', '..', 'functions');
/** API Gateway's own payload limit (HTTP APIs take up to 10 MB); the handlers enforce their own, smaller ones. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml|[\w.+-]+\+json)|text\/)/i;

/** What the gateway saw of one exchange: for the test run's scans (no personal data in URLs, logs, errors). */
export interface GatewayExchange {
  method: string;
  /** Path and query string as requested. */
  url: string;
  status: number;
  /** Where a redirect points (a presigned document URL, a page). */
  location?: string;
  contentType?: string;
  /** The request body, when there was one. */
  requestBody?: Buffer;
  /** The response body of an error answer (status 400 and above). */
  errorBody?: string;
}

export interface GatewayOptions {
  /** Called after every answer. */
  observe?: (exchange: GatewayExchange) => void;
}

/**
 * Set while a request is handled, across every await of its handler: whatever is written to the console inside it
 * was logged by the product (the test stack captures it and scans it for personal data).
 */
export const gatewayRequestScope = new AsyncLocalStorage<{ requestId: string }>();

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

interface CompiledRoute extends HttpRoute {
  pattern: RegExp;
  params: string[];
}

function compile(route: HttpRoute): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)(\+)?\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1]!);
      return m[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), params };
}

const modules = new Map<string, Promise<Handler>>();

function loadHandler(name: string): Promise<Handler> {
  let loaded = modules.get(name);
  if (!loaded) {
    loaded = import(pathToFileURL(join(FUNCTIONS_DIR, `${name}.ts`)).href).then((m) => {
      if (typeof m.handler !== 'function') throw new Error(`functions/${name}.ts exports no handler`);
      return m.handler as Handler;
    });
    modules.set(name, loaded);
  }
  return loaded;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function lambdaContext(requestId: string, functionName: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function buildEvent(
  req: IncomingMessage,
  body: Buffer,
  route: CompiledRoute,
  pathParameters: Record<string, string>,
  requestId: string,
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = headers['content-type'] ?? '';
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const cookies = req.headers.cookie?.split(';').map((c) => c.trim());
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    body: body.length ? body.toString(isText ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  // Payload 2.0: a result without statusCode is a 200 JSON body, as API Gateway treats it.
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
}

function gatewayError(res: ServerResponse, status: number, code: string, message: string, requestId: string) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-request-id': requestId,
  });
  res.end(JSON.stringify({ error: { code, message } }));
}

export function createGateway(routes: HttpRoute[], options: GatewayOptions = {}): Server {
  const compiled = routes.map(compile);
  return createServer((req, res) => {
    const requestId = randomUUID();
    if (options.observe) observeExchange(req, res, options.observe);
    void gatewayRequestScope.run({ requestId }, () => serve(req, res, requestId));
  });

  async function serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      const matches = compiled
        .map((route) => ({ route, m: route.pattern.exec(path) }))
        .filter((x): x is { route: CompiledRoute; m: RegExpExecArray } => x.m !== null);
      const match = matches.find((x) => x.route.method === req.method);
      if (!match) {
        if (matches.length)
          return gatewayError(res, 405, 'method-not-allowed', 'Метод не поддерживается', requestId);
        return gatewayError(res, 404, 'not-found', 'Не найдено', requestId);
      }
      const body = await readBody(req);
      if (body === 'too-large') {
        return gatewayError(res, 413, 'payload-too-large', 'Слишком большой запрос', requestId);
      }
      const params: Record<string, string> = {};
      match.route.params.forEach((name, i) => {
        params[name] = decodeURIComponent(match.m[i + 1] ?? '');
      });
      const handler = await loadHandler(match.route.handler);
      const event = buildEvent(req, body, match.route, params, requestId);
      send(res, await handler(event, lambdaContext(requestId, match.route.handler.replaceAll('/', '-'))));
    } catch (error) {
      // The handlers map their own errors; reaching here means the handler module itself failed.
      console.error('gateway: handler failed', (error as Error).name, (error as Error).message);
      if (!res.headersSent)
        gatewayError(res, 500, 'internal', `Внутренняя ошибка. Номер запроса: ${requestId}`, requestId);
    }
  }
}

/** Reports the exchange once answered: the request's URL and body, the answer's status, redirect and error body. */
function observeExchange(req: IncomingMessage, res: ServerResponse, observe: (e: GatewayExchange) => void) {
  const requestChunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => requestChunks.push(chunk));
  const responseChunks: Buffer[] = [];
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    if (Buffer.isBuffer(args[0]) || typeof args[0] === 'string') responseChunks.push(Buffer.from(args[0]));
    return end(...args);
  }) as typeof res.end;
  res.once('finish', () => {
    const location = res.getHeader('location');
    observe({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      status: res.statusCode,
      ...(location ? { location: String(location) } : {}),
      contentType: req.headers['content-type'],
      ...(requestChunks.length ? { requestBody: Buffer.concat(requestChunks) } : {}),
      ...(res.statusCode >= 400 ? { errorBody: Buffer.concat(responseChunks).toString('utf8') } : {}),
    });
  });
}
