import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LimitOutagePolicy } from '../config.js';
import { DevupError } from '../errors.js';
import type { Operation } from '../providers/provider.js';
import type { Counters, LimitCheck } from '../store/counters/counters.js';
import type { Store } from '../store/database.js';
import type { Pricing } from './deployment-registry.js';
import type { ApiKey, KeyLimits } from './keys/api-key.js';
import { CounterOutage } from './limits/counter-outage.js';
import { counterNames, KeyCounters, minuteMs, windowTtlMs } from './limits/key-counters.js';
import { estimateUsage } from './limits/request-estimate.js';
import { StaleKeys } from './limits/stale-keys.js';
import { costUsd } from './usage/cost.js';

export interface LimiterSettings {
  /** Completion tokens reserved for a request without `max_tokens`. */
  completionTokensEstimate: number;
  rateLimitsOnRedisDown: LimitOutagePolicy;
  budgetsOnRedisDown: LimitOutagePolicy;
}

export interface LimiterOptions {
  /** The key counters: in process, or in Redis shared by replicas. */
  counters: Counters;
  /** With shared counters: this replica's own, used while the shared ones are unreachable and the policy is `open`. */
  fallback?: Counters;
  /** Where lost counters are rebuilt from (the usage records). */
  store: Store;
  logger: Logger;
  /** The gateway's metrics registry, for the outage counter. */
  registry: Registry;
  settings: LimiterSettings;
}

/** What `admit` reserved for one request; `settle` replaces it by what the request used. */
export interface Reservation {
  readonly keyId: string;
  /** The counters it was reserved in (the shared ones, or this replica's during an outage). */
  readonly counters: Counters;
  readonly epoch: string;
  /** Counter names, for the limits the key has. */
  readonly tokensCounter: string | undefined;
  readonly spendCounter: string | undefined;
  readonly tokens: number;
  readonly costUsd: number;
}

/**
 * Per-key limits: requests and tokens per minute (fixed one-minute windows) and a lifetime USD
 * budget. A request reserves before it is routed (one request; its prompt tokens estimated from
 * its text plus its completion bound; their cost at the deployment's price) and is admitted while
 * every counter of the key, reservations in flight included, is below its limit: so a burst at any
 * concurrency passes a limit by at most the last admitted request's reservation. `settle` then
 * puts the real usage in place of the reservation (none for a request that failed).
 * Keys without limits cost nothing here. With the shared counters (Redis) unreachable, the
 * policies of the key's limit kinds decide: `closed` answers 503, `open` counts on this replica's
 * own counters, and `StaleKeys` has the shared ones rebuilt once Redis answers again.
 *
 * @example
 *   outcome.reservation = await limiter.admit(key, 'chat', body, deployment.pricing); // throws rate_limited / quota_exceeded (429)
 *   limiter.settle(outcome.reservation, usedTokens, usedUsd);                     // after the answer, off the request path
 */
export class Limiter {
  private readonly counters: KeyCounters;
  private readonly fallback: KeyCounters | undefined;
  private readonly outage: CounterOutage;
  private readonly stale: StaleKeys;
  private readonly settings: LimiterSettings;

  constructor(options: LimiterOptions) {
    this.counters = new KeyCounters(options.counters, options.store);
    this.fallback = options.fallback && new KeyCounters(options.fallback, options.store);
    this.outage = new CounterOutage(options.logger, options.registry);
    this.stale = new StaleKeys(options.counters, options.fallback);
    this.settings = options.settings;
  }

  /** Reserves the request's share of each of the key's limits, or throws `quota_exceeded` / `rate_limited` (429) or `unavailable` (503). */
  async admit(
    key: ApiKey,
    operation: Operation,
    body: Record<string, unknown>,
    pricing: Pricing | undefined,
  ): Promise<Reservation | undefined> {
    const limits = key.limits;
    const keyId = key.id;
    if (!limits || keyId === null) return undefined;
    const now = Date.now();
    const minute = Math.floor(now / minuteMs);
    const ttlMs = windowTtlMs(minute, now);
    const usage =
      limits.tokensPerMinute === undefined && limits.budgetUsd === undefined
        ? undefined
        : estimateUsage(operation, body, this.settings.completionTokensEstimate);
    const tokens = usage ? usage.promptTokens + usage.completionTokens : 0;
    const cost = costUsd(usage, pricing) ?? 0;
    // Budget first: when both are reached, the lasting reason is the one to tell.
    const checks: LimitCheck[] = [];
    const kinds: LimitKind[] = [];
    let spendCounter: string | undefined;
    let tokensCounter: string | undefined;
    if (limits.budgetUsd !== undefined) {
      spendCounter = counterNames.spend(keyId);
      checks.push({ name: spendCounter, limit: limits.budgetUsd, amount: cost });
      kinds.push('budget');
    }
    if (limits.requestsPerMinute !== undefined) {
      checks.push({ name: counterNames.requests(keyId, minute), limit: limits.requestsPerMinute, amount: 1, ttlMs });
      kinds.push('requests');
    }
    if (limits.tokensPerMinute !== undefined) {
      tokensCounter = counterNames.tokens(keyId, minute);
      checks.push({ name: tokensCounter, limit: limits.tokensPerMinute, amount: tokens, ttlMs });
      kinds.push('tokens');
    }

    const [counters, result] = await this.reserve(keyId, limits, checks, minute);
    if (result.outcome === 'refused') throw refusal(limits, kinds[result.index], result.used, minute, now);
    return { keyId, counters, epoch: result.epoch, tokensCounter, spendCounter, tokens, costUsd: cost };
  }

  /** Puts what the request used in place of its reservation (0 and 0 release it); failures are reported, never thrown. */
  settle(reservation: Reservation, tokens: number, costUsd: number): void {
    const adjustments = [];
    if (reservation.tokensCounter) adjustments.push({ name: reservation.tokensCounter, reserved: reservation.tokens, actual: tokens });
    if (reservation.spendCounter) adjustments.push({ name: reservation.spendCounter, reserved: reservation.costUsd, actual: costUsd });
    if (adjustments.length === 0) return;
    reservation.counters.settle(reservation.keyId, reservation.epoch, adjustments).catch((error: unknown) => {
      this.stale.mark(reservation.keyId);
      this.outage.report('settle_failed', error);
    });
  }

  /** Stops trying to recover stale keys (the gateway is closing). */
  close(): void {
    this.stale.close();
  }

  private async reserve(keyId: string, limits: KeyLimits, checks: LimitCheck[], minute: number) {
    try {
      if (this.stale.has(keyId)) await this.stale.recover(keyId);
      return [this.counters.counters, await this.counters.reserve(keyId, limits, checks, minute)] as const;
    } catch (error) {
      // Our own errors (the store unreachable for a rebuild) are answers already; anything else is the shared counters failing.
      if (!this.fallback || DevupError.isInstance(error)) throw error;
      // A command that timed out may still run in Redis, leaving a reservation nobody settles.
      this.stale.mark(keyId);
      if (this.policy(limits) === 'closed') {
        this.outage.report('refused', error);
        throw new DevupError('unavailable', 'The limit counters are unreachable; try again shortly', {
          retryAfterSeconds: 2,
          cause: error,
        });
      }
      this.outage.report('admitted_locally', error);
      return [this.fallback.counters, await this.fallback.reserve(keyId, limits, checks, minute)] as const;
    }
  }

  /** Closed when any limit the key has is of a kind whose policy is closed. */
  private policy(limits: KeyLimits): LimitOutagePolicy {
    const rate = limits.requestsPerMinute !== undefined || limits.tokensPerMinute !== undefined;
    if (rate && this.settings.rateLimitsOnRedisDown === 'closed') return 'closed';
    if (limits.budgetUsd !== undefined && this.settings.budgetsOnRedisDown === 'closed') return 'closed';
    return 'open';
  }
}

type LimitKind = 'budget' | 'requests' | 'tokens';

function refusal(limits: KeyLimits, kind: LimitKind, used: number, minute: number, now: number): DevupError {
  if (kind === 'budget') {
    return new DevupError('quota_exceeded', `This key has used its budget of $${limits.budgetUsd} ($${used.toFixed(6)} spent or reserved)`);
  }
  const retryAfterSeconds = Math.max(1, Math.ceil(((minute + 1) * minuteMs - now) / 1000));
  const what = kind === 'requests' ? `${limits.requestsPerMinute} requests` : `${limits.tokensPerMinute} tokens`;
  return new DevupError('rate_limited', `Rate limit reached: ${what} per minute for this key`, { retryAfterSeconds });
}
