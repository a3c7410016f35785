import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/providers/retry-after.js';
import { errorFromNetwork, errorFromResponse, errorMessage } from '../../src/providers/upstream-errors.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads retry-after-ms, delay-seconds and HTTP dates', () => {
    expect(retryAfterMs({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1500);
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
});

describe('upstream error mapping', () => {
  it('finds the message in the error bodies of common servers', () => {
    expect(errorMessage('{"error":{"message":"bad model","type":"invalid_request_error"}}')).toBe('bad model');
    expect(errorMessage('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toBe('Overloaded');
    expect(errorMessage('{"error":"Input validation error: `inputs` must be non-empty","error_type":"validation"}')).toContain(
      'Input validation error',
    );
    expect(errorMessage('{"detail":[{"loc":["body","messages"],"msg":"field required"}]}')).toContain('field required');
    expect(errorMessage('{"object":"error","message":"The model `x` does not exist.","code":404}')).toBe('The model `x` does not exist.');
    expect(errorMessage('<html>Bad Gateway</html>')).toBe('<html>Bad Gateway</html>');
    expect(errorMessage('')).toBe('(empty body)');
  });

  it('marks 408, 409, 429 and 5xx retryable and other 4xx not', () => {
    const retryable = [400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 529].map((status) => [
      status,
      errorFromResponse(status, {}, '', 'up').retryable,
    ]);
    expect(Object.fromEntries(retryable)).toEqual({
      400: false,
      401: false,
      403: false,
      404: false,
      408: true,
      409: true,
      422: false,
      429: true,
      500: true,
      502: true,
      503: true,
      529: true,
    });
  });

  it('maps network failures: resets retryable before the first chunk only, timeouts flagged', () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(errorFromNetwork(reset, 'up')).toMatchObject({ retryable: true, code: 'upstream_error' });
    expect(errorFromNetwork(reset, 'up', true)).toMatchObject({ retryable: false });
    const connectTimeout = Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
    expect(errorFromNetwork(connectTimeout, 'up')).toMatchObject({ retryable: true, code: 'upstream_timeout', status: 504 });
    expect(errorFromNetwork(new Error('weird'), 'up')).toMatchObject({ retryable: false });
  });
});
