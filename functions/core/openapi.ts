import { kinds } from '../../forms/registry';
import { httpRoutes } from '../manifest';
import { STATUS_BY_CODE } from './errors';
import { jsonSchemaOf } from './forms-info';

/**
 * OpenAPI 3.1 of the HTTP contract, generated from the route table and the kinds' zod schemas, so the document
 * cannot drift from what the handlers validate. OpenAPI 3.1 takes JSON Schema 2020-12 as zod emits it.
 */

const SUMMARIES: Record<string, string> = {
  'GET /healthz': 'Проверка работоспособности',
  'GET /openapi.json': 'Это описание API',
  'GET /v1/forms': 'Список форм',
  'GET /v1/forms/{kind}': 'Описание формы: схема, подписи, перечисления',
  'POST /v1/submissions/{id}': 'Подать форму (в пути — вид записи, например diagnostics-request)',
  'GET /v1/submissions': 'Очередь записей (сотрудники)',
  'GET /v1/submissions/{id}': 'Запись, какой её видит вызывающий',
  'POST /v1/submissions/{id}/actions/{action}': 'Действие с записью',
  'GET /v1/submissions/{id}/history': 'История записи',
  'GET /v1/submissions/{id}/documents/{docId}': 'Документ (переадресация на ссылку не дольше 15 минут)',
  'GET /v1/links/{token}': 'Что открывает ссылка из письма',
  'GET /v1/reports/diagnostics':
    'Аналитическая справка по диагностике за период (?from=&to=; сотрудники; ?format=pdf — справка в PDF)',
  'GET /v1/registry/internship-sites':
    'Реестр действующих региональных стажировочных площадок (без авторизации; ?format=pdf — для печати)',
};

const ErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(STATUS_BY_CODE) },
        message: { type: 'string' },
        rule: { type: 'string' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

let cached: unknown;

export function openApiDocument(): unknown {
  if (cached) return cached;
  const schemas: Record<string, unknown> = { Error: ErrorSchema };
  for (const k of kinds) {
    const { $schema: _s, ...schema } = jsonSchemaOf(k.schema) as Record<string, unknown>;
    schemas[`Submission_${k.kind}`] = { ...schema, title: k.title };
    for (const [name, action] of Object.entries(k.actions)) {
      const { $schema: _a, ...input } = jsonSchemaOf(action.input) as Record<string, unknown>;
      schemas[`Action_${k.kind}_${name}`] = { ...input, title: action.title };
    }
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of httpRoutes) {
    const key = `${route.method} ${route.path}`;
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const operation: Record<string, unknown> = {
      summary: SUMMARIES[key] ?? key,
      parameters: params,
      responses: {
        default: {
          description: 'Ошибка',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        '200': { description: 'Успешно' },
      },
    };
    if (key === 'POST /v1/submissions/{id}') {
      operation.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: {
              oneOf: kinds
                .filter((k) => k.createdBy !== 'parent')
                .map((k) => ({ $ref: `#/components/schemas/Submission_${k.kind}` })),
            },
          },
        },
      };
      operation.parameters = [
        ...params,
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', minLength: 8, maxLength: 128 },
        },
      ];
    }
    if (key === 'POST /v1/submissions/{id}/actions/{action}') {
      operation.requestBody = {
        content: {
          'application/json': {
            schema: {
              oneOf: Object.keys(schemas)
                .filter((n) => n.startsWith('Action_'))
                .map((n) => ({ $ref: `#/components/schemas/${n}` })),
            },
          },
        },
      };
      operation.parameters = [
        ...params,
        {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'Версия записи; обязательна для сотрудников',
          schema: { type: 'string' },
        },
        { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } },
      ];
    }
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  cached = {
    openapi: '3.1.0',
    info: { title: 'Формы и документы НППР педагогов', version: '1' },
    components: {
      schemas,
      securitySchemes: {
        staff: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        link: { type: 'apiKey', in: 'header', name: 'X-Link-Token' },
      },
    },
    paths,
  };
  return cached;
}
