import type { BreakerOptions } from './target-health.js';

/** How hard the router tries before giving up on a deployment and moving to its fallbacks. */
export interface RoutingPolicy {
  /** Attempts per deployment (first try included), each on a target not yet tried when one is left. */
  maxAttempts: number;
  /** Delay before the first retry; doubles each retry, with jitter. */
  backoffMs: number;
  /** An upstream Retry-After longer than this is not waited for inside the request. */
  maxRetryDelayMs: number;
  breaker: BreakerOptions;
}

export const defaultRoutingPolicy: RoutingPolicy = {
  maxAttempts: 3,
  backoffMs: 100,
  maxRetryDelayMs: 10_000,
  breaker: { failureThreshold: 5, cooldownMs: 5_000, healthTimeoutMs: 5_000 },
};
