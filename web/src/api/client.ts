import { adminKey } from './admin-session.js';

/** An `/api` or `/v1` answer that was not 2xx, carrying the OpenAI-shaped error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    /** Every bad field of a 400, as the server lists them. */
    readonly details: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Bearer token to send instead of the session's admin key (the playground's user key). */
  token?: string;
}

/** Headers for a call: JSON body and the admin key when the session holds one. */
export function requestHeaders(options: Pick<RequestOptions, 'body' | 'token'> = {}): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const token = options.token ?? adminKey();
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

/**
 * The one API client: JSON in and out, errors as ApiError.
 *
 * @example
 *   const page = await request<ModelPage>('/api/models?q=deepseek');
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers: requestHeaders(options),
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string; code?: string; details?: Array<{ path: string; message: string }> } };
    if (parsed.error?.message) return new ApiError(response.status, parsed.error.message, parsed.error.code, parsed.error.details ?? []);
  } catch {
    // Not JSON (a proxy's HTML page): fall through to the status line.
  }
  return new ApiError(response.status, text.slice(0, 200) || `${response.status} ${response.statusText}`);
}
