/** Anthropic's error types and the HTTP status of each: one table, read both ways. */
const errorStatuses: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const errorTypes = new Map(Object.entries(errorStatuses).map(([type, status]) => [status, type]));

/** The HTTP status of an Anthropic error type (for errors that arrive inside a stream); 500 when unknown. */
export function anthropicErrorStatus(type: string | undefined): number {
  return errorStatuses[type ?? ''] ?? 500;
}

/** The Anthropic error type of an HTTP status: the table's, else `overloaded_error` for 503, `api_error` for 5xx, `invalid_request_error`. */
export function anthropicErrorType(status: number): string {
  return errorTypes.get(status) ?? (status === 503 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error');
}

/**
 * An error in Anthropic's shape, as its API and SDK write and read it.
 *
 * @example anthropicErrorBody(429, 'Slow down') // { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } }
 */
export function anthropicErrorBody(status: number, message: string) {
  return { type: 'error', error: { type: anthropicErrorType(status), message } };
}
