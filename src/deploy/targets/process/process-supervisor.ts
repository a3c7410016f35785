import type { TargetEvent } from '../../deployment-target.js';
import { RestartPolicy } from '../../restart-policy.js';
import { attachProcess, launchMarker, launchProcess, terminate, type LaunchedProcess, type LaunchOptions } from './launched-process.js';
import type { LogTail } from './log-tail.js';
import type { RunFile, RunInfo } from './run-file.js';

export interface SupervisorOptions {
  launch: LaunchOptions;
  port: number;
  /** Health paths tried in order; the first that answers 2xx is kept (a 404 moves on to the next). */
  healthPaths: string[];
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  runFile: RunFile;
  tail: LogTail;
  emit(event: TargetEvent): void;
}

const failureLines = 20;

type ExitedEarly = Error & { exitedEarly?: boolean };

/**
 * Keeps one engine process alive: launches it, waits for its health endpoint, restarts it with
 * exponential backoff when it dies (reporting `failed` then `recovered`), and stops it with
 * SIGTERM then SIGKILL.
 */
export class ProcessSupervisor {
  private current?: LaunchedProcess;
  /** Stop or detach was asked: no more restarts. */
  private stopped = false;
  private detached = false;
  private restartTimer?: NodeJS.Timeout;
  private readonly policy = new RestartPolicy();
  private healthPaths: string[];

  constructor(private readonly options: SupervisorOptions) {
    this.healthPaths = options.healthPaths;
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** Launches the process and resolves once it is healthy; rejects with its last output lines when it is not. */
  async start(signal?: AbortSignal): Promise<void> {
    const launched = launchProcess(this.options.launch);
    this.current = launched;
    this.options.runFile.write({
      pid: launched.pid,
      port: this.options.port,
      executable: this.options.launch.executable,
      startedAt: launched.startedAt,
    });
    this.options.emit({
      type: 'state',
      state: 'loading',
      message: `process started (pid ${launched.pid}); waiting for http://127.0.0.1:${this.options.port}${this.healthPaths[0]}`,
    });
    await this.waitHealthy(launched, signal);
    this.watch(launched);
  }

  /**
   * Takes over a process from an earlier gateway run, waiting for it when it is still loading.
   * Resolves false when it is gone (the caller launches a new one).
   */
  async attach(info: RunInfo, signal?: AbortSignal): Promise<boolean> {
    const attached = attachProcess(info);
    this.current = attached;
    try {
      await this.waitHealthy(attached, signal);
    } catch (error) {
      attached.release();
      this.current = undefined;
      if ((error as ExitedEarly).exitedEarly) return false;
      throw error;
    }
    this.watch(attached);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    if (this.current) await terminate(this.current, this.options.stopTimeoutMs);
    this.options.runFile.remove();
  }

  /** Stops supervising but leaves the process running (gateway shutdown); the run file stays for re-attaching. */
  detach(): void {
    this.stopped = true;
    this.detached = true;
    clearTimeout(this.restartTimer);
    this.current?.release();
  }

  private watch(launched: LaunchedProcess): void {
    void launched.exited.then((description) => {
      if (this.stopped || launched !== this.current) return;
      this.options.tail.read();
      this.options.tail.buffer.note(`--- devup: process ${launched.pid} ${description} ---`);
      const delay = this.policy.nextDelay(Date.now() - launched.startedAt);
      this.options.emit({ type: 'failed', message: `process ${launched.pid} ${description}; restarting in ${delay} ms` });
      this.scheduleRestart(delay);
    });
  }

  private scheduleRestart(delay: number): void {
    this.restartTimer = setTimeout(() => {
      if (this.stopped) return;
      this.start().then(
        () =>
          this.options.emit({
            type: 'recovered',
            message: `process restarted (pid ${this.current?.pid}) and healthy after ${this.policy.attempts} attempt(s)`,
          }),
        (error) => {
          if (this.stopped) return;
          const next = this.policy.nextDelay(0);
          this.options.emit({ type: 'log', message: `restart failed: ${(error as Error).message}; next attempt in ${next} ms` });
          this.scheduleRestart(next);
        },
      );
    }, delay);
    this.restartTimer.unref();
  }

  private async waitHealthy(launched: LaunchedProcess, signal?: AbortSignal): Promise<void> {
    let exit: string | undefined;
    void launched.exited.then((description) => (exit = description));
    const deadline = Date.now() + this.options.readyTimeoutMs;
    for (;;) {
      if (exit !== undefined) throw Object.assign(this.failure(`process ${exit} before it became healthy`), { exitedEarly: true });
      // Detached while (re)starting: leave it to come up on its own; the next gateway start re-attaches.
      if (this.detached) throw new Error('detached while starting');
      if (signal?.aborted || this.stopped) {
        await terminate(launched, this.options.stopTimeoutMs);
        throw new Error('start cancelled');
      }
      if (Date.now() > deadline) {
        await terminate(launched, this.options.stopTimeoutMs);
        throw this.failure(`process did not become healthy within ${Math.round(this.options.readyTimeoutMs / 1000)} s`);
      }
      if (await this.probe()) return;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 250)), launched.exited]);
    }
  }

  /** The engine's own health check (its health path, not just a listening port); rejects with the reason. */
  async check(signal: AbortSignal): Promise<void> {
    for (const [index, path] of this.healthPaths.entries()) {
      const response = await fetch(`http://127.0.0.1:${this.options.port}${path}`, { signal });
      await response.body?.cancel();
      if (response.ok) {
        // Remember which path answered so later checks go straight to it.
        this.healthPaths = this.healthPaths.slice(index);
        return;
      }
      if (response.status !== 404 || index === this.healthPaths.length - 1) throw new Error(`GET ${path} answered ${response.status}`);
    }
  }

  private async probe(): Promise<boolean> {
    try {
      await this.check(AbortSignal.timeout(2_000));
      return true;
    } catch {
      return false;
    }
  }

  /** An error whose message ends with the process's own last lines since this launch. */
  private failure(message: string): Error {
    this.options.tail.read();
    const lines = this.options.tail.buffer.tail();
    const since = lines.findLastIndex((line) => line.startsWith(launchMarker));
    const own = lines.slice(since + 1).slice(-failureLines);
    return new Error(own.length > 0 ? `${message}; last output:\n${own.join('\n')}` : `${message} (it wrote no output)`);
  }
}
