/**
 * Exponential backoff for restarting a target that died: 0.5 s, 1 s, 2 s, … up to `maxMs`.
 * A target that stayed up for `stableMs` starts again from the first delay.
 *
 * @example
 *   const policy = new RestartPolicy();
 *   const delay = policy.nextDelay(Date.now() - startedAt); // ms to wait before restarting
 */
export class RestartPolicy {
  private failures = 0;

  constructor(private readonly options: { initialMs?: number; maxMs?: number; stableMs?: number } = {}) {}

  /** Delay before the next restart, given how long the target ran before it died. */
  nextDelay(uptimeMs: number): number {
    if (uptimeMs >= (this.options.stableMs ?? 60_000)) this.failures = 0;
    const delay = Math.min((this.options.initialMs ?? 500) * 2 ** this.failures, this.options.maxMs ?? 30_000);
    this.failures += 1;
    return delay;
  }

  /** Restarts in a row without a stable run in between. */
  get attempts(): number {
    return this.failures;
  }
}
