import type { Logger } from 'pino';
import type { RoutableTarget } from '../deployment-registry.js';

export interface BreakerOptions {
  /** Consecutive failures (connect errors, timeouts, 5xx) that take a target out. */
  failureThreshold: number;
  /** Wait before each health check of a target that is out. */
  cooldownMs: number;
  /** A health check slower than this counts as failed. */
  healthTimeoutMs: number;
}

/** What the router knows of one target: requests in flight, and its circuit breaker. */
export interface TargetState {
  inFlight: number;
  failures: number;
  /** True while the breaker is open: the target gets no requests until a health check passes. */
  out: boolean;
  /** The newest routable view of the target, used by health checks. */
  target: RoutableTarget;
  probe?: NodeJS.Timeout;
}

/**
 * In-flight counts and circuit breakers per target id (ids survive a deployment being replaced
 * in the registry). A target that fails `failureThreshold` times in a row is taken out and
 * health-checked every `cooldownMs` until it answers; then it is back in.
 */
export class TargetHealth {
  private readonly states = new Map<string, TargetState>();
  private closed = false;

  constructor(
    private readonly options: BreakerOptions,
    private readonly logger: Logger,
  ) {}

  of(target: RoutableTarget): TargetState {
    let state = this.states.get(target.id);
    if (!state) {
      state = { inFlight: 0, failures: 0, out: false, target };
      this.states.set(target.id, state);
    } else if (state.target !== target) {
      state.target = target;
    }
    return state;
  }

  succeeded(state: TargetState): void {
    state.failures = 0;
  }

  failed(state: TargetState): void {
    state.failures += 1;
    if (!state.out && state.failures >= this.options.failureThreshold) {
      state.out = true;
      this.logger.warn({ target: state.target.id, failures: state.failures }, 'target taken out of rotation');
      this.scheduleProbe(state);
    }
  }

  close(): void {
    this.closed = true;
    for (const state of this.states.values()) clearTimeout(state.probe);
  }

  private scheduleProbe(state: TargetState): void {
    if (this.closed) return;
    state.probe = setTimeout(() => void this.probe(state), this.options.cooldownMs);
    state.probe.unref();
  }

  private async probe(state: TargetState): Promise<void> {
    try {
      await state.target.provider.health(AbortSignal.timeout(this.options.healthTimeoutMs));
      state.out = false;
      state.failures = 0;
      this.logger.info({ target: state.target.id }, 'target healthy again, back in rotation');
    } catch {
      this.scheduleProbe(state);
    }
  }
}
