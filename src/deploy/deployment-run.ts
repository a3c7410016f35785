import type { DeploymentTarget, RunningTarget, TargetEvent, TargetProgress } from './deployment-target.js';
import type { DeploymentRecord, DeploymentState, TargetRecord } from './deployment-record.js';
import { HealthMonitor } from './health-monitor.js';
import { RestartPolicy } from './restart-policy.js';
import { type RoutableTarget } from '../gateway/deployment-registry.js';
import { defaultTimeouts } from '../providers/target-timeouts.js';
import type { SecretBox } from './secrets.js';
import { openSpec } from './target-secrets.js';

export type TargetStatus = 'starting' | 'up' | 'down' | 'failed' | 'stopped';

export interface TargetEntry {
  record: TargetRecord;
  status: TargetStatus;
  running?: RunningTarget;
  /** Why the target is down or failed. */
  detail?: string;
  /** The download the target reported last while starting; cleared once it loads, runs or fails. */
  progress?: TargetProgress;
}

export interface RunReporter {
  /** A deployment state change, with the event message that explains it. */
  state(state: DeploymentState, reason: string | null, message: string): void;
  event(type: string, message: string): void;
  /** The set of healthy targets changed (the routable view must be rebuilt). */
  targetsChanged(): void;
}

export interface RunOptions {
  record: DeploymentRecord;
  kinds: ReadonlyMap<string, DeploymentTarget>;
  secrets: SecretBox;
  dataDir: string;
  /** The record's specs are `parseSpec` output of this process (a create): started as they are, not parsed again. */
  specsParsed?: boolean;
  healthIntervalMs: number;
  reporter: RunReporter;
}

/**
 * One start of a deployment: starts its targets, watches their health and events, and turns
 * them into the deployment's state (ready when every target is up, degraded when some are
 * down, failed when none could start). Stopping or detaching ends the run.
 */
export class DeploymentRun {
  readonly entries: TargetEntry[];
  private readonly abort = new AbortController();
  private readonly monitor: HealthMonitor;
  private settled = false;
  private readonly retries = new Map<string, { policy: RestartPolicy; timer?: NodeJS.Timeout }>();
  private loading = false;
  /** Target starts under way (first starts and retries): `end` waits for them to stop what they started. */
  private readonly starting = new Set<Promise<void>>();
  private ending?: Promise<void>;

  constructor(private readonly options: RunOptions) {
    this.entries = options.record.targets.map((record) => ({ record, status: 'starting' }));
    this.monitor = new HealthMonitor(
      options.healthIntervalMs,
      () => this.entries.filter((entry) => entry.running).map((entry) => ({ id: entry.record.id, provider: entry.running!.provider })),
      (targetId, healthy, detail) => {
        const entry = this.entries.find((candidate) => candidate.record.id === targetId);
        if (entry) this.mark(entry, healthy, healthy ? 'health check passes again' : `health check failed: ${detail}`, 'health');
      },
    );
  }

  async start(): Promise<void> {
    const { record, reporter } = this.options;
    reporter.state('provisioning', null, `starting ${record.targets.length} target(s): ${record.targets.map(label).join(', ')}`);
    await Promise.all(this.entries.map((entry) => this.startTarget(entry)));
    if (this.abort.signal.aborted) return;
    this.settled = true;
    this.monitor.start();
    const failed = this.entries.filter((entry) => entry.status === 'failed');
    for (const entry of failed) this.scheduleRetry(entry);
    if (failed.length === this.entries.length) {
      reporter.state('failed', failed.map((entry) => `${label(entry.record)}: ${entry.detail}`).join('\n'), 'no target could start');
    } else {
      this.evaluate(failed.length > 0 ? 'some targets started' : 'every target started');
    }
  }

  /**
   * Stops every target (`stop`), or lets them run for the next gateway start (`detach`). Resolves
   * once starts still under way have stopped what they started too: the next run of this
   * deployment (which may re-attach to the same process) must not begin before that. The first
   * call decides; later calls wait for it.
   */
  end(mode: 'stop' | 'detach'): Promise<void> {
    return (this.ending ??= this.endOnce(mode));
  }

  private async endOnce(mode: 'stop' | 'detach'): Promise<void> {
    this.abort.abort();
    this.monitor.stop();
    for (const retry of this.retries.values()) clearTimeout(retry.timer);
    const stops = this.entries.map(async (entry) => {
      const running = entry.running;
      entry.running = undefined;
      entry.status = 'stopped';
      if (!running) return;
      try {
        await (mode === 'detach' && running.detach ? running.detach() : running.stop());
      } catch (error) {
        this.options.reporter.event('target', `${label(entry.record)}: stopping failed: ${(error as Error).message}`);
      }
    });
    // A start under way sees the abort and stops what it started itself.
    await Promise.all([...stops, Promise.allSettled([...this.starting])]);
  }

  /** The targets the gateway may route to: the healthy ones, or every running one when none is healthy (so requests fail upstream, not as unknown models). */
  routableTargets(modelName: string): RoutableTarget[] {
    const running = this.entries.filter((entry) => entry.running);
    const up = running.filter((entry) => entry.status === 'up');
    return (up.length > 0 ? up : running).map((entry) => ({
      id: entry.record.id,
      kind: entry.record.kind,
      weight: entry.record.weight,
      upstreamModel: entry.running!.upstreamModel ?? modelName,
      provider: entry.running!.provider,
      timeouts: { ...defaultTimeouts, ...this.options.record.settings.timeouts, ...entry.running!.timeouts },
    }));
  }

  logs(limit: number): Array<{ target: string; line: string }> {
    return this.entries.flatMap((entry) => (entry.running?.logs?.(limit) ?? []).map((line) => ({ target: label(entry.record), line })));
  }

  private startTarget(entry: TargetEntry): Promise<void> {
    const starting = this.startTargetOnce(entry).finally(() => this.starting.delete(starting));
    this.starting.add(starting);
    return starting;
  }

  private async startTargetOnce(entry: TargetEntry): Promise<void> {
    const { record, kinds, secrets, dataDir, specsParsed, reporter } = this.options;
    const kind = kinds.get(entry.record.kind);
    try {
      if (!kind) throw new Error(`target kind '${entry.record.kind}' is not available in this gateway`);
      // Stored specs are checked again: the file or binary a spec names may be gone since. Secrets are laid back in first.
      const opened = openSpec(entry.record, secrets);
      const spec = specsParsed ? opened : kind.parseSpec(opened);
      const running = await kind.start(spec, {
        deploymentName: record.name,
        modelId: record.modelId ?? undefined,
        targetId: entry.record.id,
        secret: entry.record.encryptedSecret ? secrets.decrypt(entry.record.encryptedSecret) : undefined,
        dataDir,
        timeouts: { ...defaultTimeouts, ...record.settings.timeouts },
        signal: this.abort.signal,
        emit: (event) => this.onTargetEvent(entry, event),
      });
      if (this.abort.signal.aborted) {
        await running.stop();
        return;
      }
      entry.running = running;
      entry.status = 'up';
      entry.progress = undefined;
      reporter.event('target', `${label(entry.record)} ready${running.address ? ` at ${running.address}` : ''}`);
    } catch (error) {
      entry.status = 'failed';
      entry.detail = (error as Error).message;
      entry.progress = undefined;
    }
  }

  /**
   * A target that could not start is tried again with backoff (1 s … 60 s) while the deployment
   * should run: an endpoint still booting after a host restart comes in when it is up.
   */
  private scheduleRetry(entry: TargetEntry): void {
    if (this.abort.signal.aborted) return;
    const retry = this.retries.get(entry.record.id) ?? { policy: new RestartPolicy({ initialMs: 1_000, maxMs: 60_000 }) };
    this.retries.set(entry.record.id, retry);
    const delay = retry.policy.nextDelay(0);
    this.options.reporter.event('target', `${label(entry.record)} failed to start: ${entry.detail}; retrying in ${delay} ms`);
    retry.timer = setTimeout(async () => {
      await this.startTarget(entry);
      if (this.abort.signal.aborted) return;
      if (entry.status === 'failed') return this.scheduleRetry(entry);
      this.monitor.assume(entry.record.id, true);
      this.evaluate(`${label(entry.record)} started after ${retry.policy.attempts} retry(ies)`);
    }, delay);
    retry.timer.unref();
  }

  private onTargetEvent(entry: TargetEntry, event: TargetEvent): void {
    const { reporter } = this.options;
    if (this.abort.signal.aborted) return;
    if (event.type === 'progress') {
      entry.progress = event.progress;
    } else if (event.type === 'state') {
      if (event.state === 'loading') entry.progress = undefined;
      if (event.state === 'loading' && !this.loading && !this.settled) {
        this.loading = true;
        reporter.state('loading', null, `${label(entry.record)}: ${event.message}`);
      } else {
        reporter.event('target', `${label(entry.record)}: ${event.message}`);
      }
    } else if (event.type === 'log') {
      reporter.event('log', `${label(entry.record)}: ${event.message}`);
    } else if (entry.running) {
      this.mark(entry, event.type === 'recovered', event.message, event.type === 'recovered' ? 'recovered' : 'target', true);
    } else {
      reporter.event('target', `${label(entry.record)}: ${event.message}`);
    }
  }

  /** Marks a target up or down. Health checks report transitions only; the target's own events (`fromTarget`) always say why. */
  private mark(entry: TargetEntry, healthy: boolean, message: string, eventType: string, fromTarget = false): void {
    this.monitor.assume(entry.record.id, healthy);
    const status: TargetStatus = healthy ? 'up' : 'down';
    if (!entry.running || (entry.status === status && !fromTarget)) return;
    entry.status = status;
    entry.detail = healthy ? undefined : message;
    this.options.reporter.event(eventType, `${label(entry.record)}: ${message}`);
    if (this.settled) this.evaluate(message);
  }

  private evaluate(message: string): void {
    const down = this.entries.filter((entry) => entry.status !== 'up');
    if (down.length === 0) {
      this.options.reporter.state('ready', null, message);
    } else {
      this.options.reporter.state(
        'degraded',
        down.map((entry) => `${label(entry.record)} ${entry.status}: ${entry.detail ?? ''}`.trim()).join('\n'),
        message,
      );
    }
    this.options.reporter.targetsChanged();
  }
}

/** How events name a target: `process#1`. */
export function label(target: TargetRecord): string {
  return `${target.kind}#${target.position + 1}`;
}
