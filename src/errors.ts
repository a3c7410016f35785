/**
 * The one error type of DevUp. A closed set of codes; status and OpenAI error type are derived
 * from the code in one table, and one handler (src/server/error-handler.ts) writes them as
 * `{"error":{"message","type","code","param"}}`.
 *
 * @example throw new DevupError('model_not_found', `The model 'gpt-9' does not exist`, { param: 'model' })
 */
export const errorTable = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  permission_denied: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'not_found_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  conflict: { status: 409, type: 'invalid_request_error' },
  /** The client left before the answer (nginx's 499); recorded in usage, never written back. */
  client_closed: { status: 499, type: 'invalid_request_error' },
  payload_too_large: { status: 413, type: 'invalid_request_error' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  quota_exceeded: { status: 429, type: 'insufficient_quota' },
  internal_error: { status: 500, type: 'api_error' },
  upstream_error: { status: 502, type: 'api_error' },
  overloaded: { status: 503, type: 'api_error' },
  unavailable: { status: 503, type: 'api_error' },
  upstream_timeout: { status: 504, type: 'api_error' },
} as const;

export type ErrorCode = keyof typeof errorTable;

export interface FieldError {
  path: string;
  message: string;
}

export interface DevupErrorOptions {
  param?: string;
  /** Every field that failed validation, so a client can fix them all in one go. */
  fieldErrors?: FieldError[];
  /** Seconds a client should wait before trying again (429/503). */
  retryAfterSeconds?: number;
  /** Overrides the table's status, for upstream errors passed through as they came. */
  status?: number;
  cause?: unknown;
}

export class DevupError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly fieldErrors?: FieldError[];
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: DevupErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DevupError';
    this.status = options.status ?? errorTable[code].status;
    this.type = errorTable[code].type;
    this.param = options.param ?? options.fieldErrors?.[0]?.path ?? null;
    this.fieldErrors = options.fieldErrors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static isInstance(value: unknown): value is DevupError {
    return value instanceof DevupError;
  }

  /** The OpenAI error body. */
  toJSON() {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        param: this.param,
        ...(this.fieldErrors ? { details: this.fieldErrors } : {}),
      },
    };
  }
}

export function notFound(what: string, id: string): DevupError {
  return new DevupError('not_found', `${what} '${id}' does not exist`);
}
