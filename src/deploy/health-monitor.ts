import type { Provider } from '../providers/provider.js';

export interface MonitoredTarget {
  id: string;
  provider: Provider;
}

/**
 * Checks every running target's health on an interval and reports transitions only (healthy →
 * unhealthy and back), so the deployment can go degraded and recover. A target is unhealthy
 * after two failed checks in a row (one slow answer on a busy host is not an outage) and healthy
 * again after one passing check. Checks never overlap.
 *
 * @example
 *   const monitor = new HealthMonitor(10_000, () => running, (id, healthy, detail) => mark(id, healthy, detail));
 *   monitor.start(); … monitor.stop();
 */
export class HealthMonitor {
  private timer?: NodeJS.Timeout;
  private checking = false;
  private readonly healthy = new Map<string, boolean>();
  private readonly failuresInRow = new Map<string, number>();
  /** Bumped by `assume`, so a check that was in flight when the target reported news is discarded. */
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly targets: () => MonitoredTarget[],
    private readonly onChange: (targetId: string, healthy: boolean, detail: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.checkAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Tells the monitor what another source (a process exit, a restart) learned about a target. */
  assume(targetId: string, healthy: boolean): void {
    this.healthy.set(targetId, healthy);
    this.versions.set(targetId, (this.versions.get(targetId) ?? 0) + 1);
  }

  private async checkAll(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await Promise.all(this.targets().map((target) => this.check(target)));
    } finally {
      this.checking = false;
    }
  }

  private async check(target: MonitoredTarget): Promise<void> {
    const version = this.versions.get(target.id) ?? 0;
    let healthy = true;
    let detail = 'health check passed';
    try {
      await target.provider.health(AbortSignal.timeout(Math.max(1_000, Math.min(this.intervalMs, 5_000))));
    } catch (error) {
      healthy = false;
      detail = (error as Error).message;
    }
    if (!this.timer || (this.versions.get(target.id) ?? 0) !== version) return;
    const failures = healthy ? 0 : (this.failuresInRow.get(target.id) ?? 0) + 1;
    this.failuresInRow.set(target.id, failures);
    if (!healthy && failures < 2) return;
    const before = this.healthy.get(target.id) ?? true;
    this.healthy.set(target.id, healthy);
    if (before !== healthy) this.onChange(target.id, healthy, detail);
  }
}
