/**
 * Typed application errors and the one table that maps their codes to HTTP statuses (API.md, "Errors").
 * A message is Russian and meant for a person; it never carries a personal datum (no names, emails, tokens).
 */
export const STATUS_BY_CODE = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'version-conflict': 409,
  'idempotency-conflict': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  rule: 422,
  'rate-limited': 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface FieldIssue {
  /** Dotted path of the field, e.g. `participants.3.email`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues?: FieldIssue[];
  readonly rule?: string;

  constructor(code: ErrorCode, message: string, extra: { issues?: FieldIssue[]; rule?: string } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.issues = extra.issues;
    this.rule = extra.rule;
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export const notFound = (message = 'Не найдено') => new AppError('not-found', message);
export const forbidden = (message = 'Недостаточно прав для этого действия') =>
  new AppError('forbidden', message);
export const ruleError = (rule: string, message: string) => new AppError('rule', message, { rule });

/**
 * Zod issues as API.md's field issues. An unknown field is named by its own path (`participants.3.nickname`), not
 * by its object's, so a client sees every failing field — one issue per unknown field.
 */
export function fieldIssues(
  issues: readonly { path: PropertyKey[]; message: string; code?: string; keys?: readonly string[] }[],
  prefix = '',
): FieldIssue[] {
  return issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean);
    if (issue.code === 'unrecognized_keys' && issue.keys?.length)
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'Неизвестное поле' }));
    return [{ path: base.join('.'), message: issue.message }];
  });
}
