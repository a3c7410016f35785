import type { IncomingHttpHeaders } from 'node:http';
import { UpstreamError } from './provider.js';
import { retryAfterMs } from './retry-after.js';

/** Network error codes after which another attempt (or another target) may well succeed. */
const retryableNetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const timeoutCodes: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'first byte timeout',
  UND_ERR_BODY_TIMEOUT: 'idle timeout',
};

/**
 * An upstream HTTP error answer as an `UpstreamError`, keeping the upstream's own message.
 * Retryable, as the official OpenAI and Anthropic SDKs retry: 408, 409, 429 and every 5xx
 * (Anthropic's 529 "overloaded" included); other 4xx are the caller's fault and are not.
 */
export function errorFromResponse(status: number, headers: IncomingHttpHeaders, bodyText: string, upstream: string): UpstreamError {
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  const message = `${upstream} answered ${status}: ${errorMessage(bodyText)}`;
  return new UpstreamError(message, status, retryable, { retryAfterMs: retryAfterMs(headers) });
}

/**
 * A failure to reach or hear from the upstream (connect error, reset, timeout) as an
 * `UpstreamError`. `afterFirstChunk` marks failures in the middle of a stream: those cannot be
 * retried because the client already has part of the answer.
 */
export function errorFromNetwork(error: unknown, upstream: string, afterFirstChunk = false): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  const timeout = timeoutCodes[code];
  if (timeout) {
    return new UpstreamError(`${upstream}: ${timeout} (${detail})`, undefined, !afterFirstChunk, { timeout: true, cause: error });
  }
  const retryable = !afterFirstChunk && retryableNetworkCodes.has(code);
  const what = afterFirstChunk ? 'stream broke off' : 'request failed';
  return new UpstreamError(`${upstream}: ${what}: ${detail}${code ? ` (${code})` : ''}`, undefined, retryable, { cause: error });
}

/**
 * The human message inside an upstream error body: OpenAI/Anthropic/Ollama `{error:{message}}`,
 * TGI `{error:"..."}`, FastAPI `{detail}` or `{message}`; else the text itself, cut short.
 */
export function errorMessage(bodyText: string): string {
  try {
    const parsed = JSON.parse(bodyText) as Record<string, unknown>;
    const error = parsed.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    if (typeof parsed.message === 'string') return parsed.message;
    if (parsed.detail !== undefined) return typeof parsed.detail === 'string' ? parsed.detail : JSON.stringify(parsed.detail);
  } catch {
    // not JSON: fall through to the raw text
  }
  const text = bodyText.trim();
  return text.length > 500 ? `${text.slice(0, 500)}…` : text || '(empty body)';
}
