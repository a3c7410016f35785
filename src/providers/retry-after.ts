import type { IncomingHttpHeaders } from 'node:http';

/**
 * Milliseconds an upstream asked us to wait, from `retry-after-ms` (OpenAI) or `Retry-After`
 * (delay-seconds or an HTTP date, RFC 9110 §10.2.3). Undefined when absent or unreadable.
 *
 * @example retryAfterMs({ 'retry-after': '2' }) // 2000
 */
export function retryAfterMs(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const milliseconds = headerValue(headers['retry-after-ms']);
  if (milliseconds !== undefined) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = headerValue(headers['retry-after'])?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
