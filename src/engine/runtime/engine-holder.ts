import type { EmbeddedEngine } from './embedded-engine.js';

/** A request's hold on the engine; `done` once its work (the whole stream) has finished. */
export interface EngineUse {
  engine: EmbeddedEngine;
  done(): void;
}

/**
 * Keeps an engine loaded while requests use it and unloads it after `idleTimeoutMs` without any
 * (0: never); the next request loads it again.
 *
 * @example
 *   const use = await holder.acquire();
 *   try { … use.engine … } finally { use.done(); }
 */
export class EngineHolder {
  private loading?: Promise<EmbeddedEngine>;
  private loaded?: EmbeddedEngine;
  private active = 0;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly load: () => Promise<EmbeddedEngine>,
    private readonly idleTimeoutMs: number,
    private readonly onIdleUnload: () => void = () => {},
  ) {}

  /** The engine when it is loaded now (for memory reports); undefined while unloaded. */
  get current(): EmbeddedEngine | undefined {
    return this.loaded;
  }

  async acquire(): Promise<EngineUse> {
    clearTimeout(this.idleTimer);
    this.active++;
    let engine: EmbeddedEngine;
    try {
      this.loading ??= this.load().then((loaded) => (this.loaded = loaded));
      engine = await this.loading;
    } catch (error) {
      this.loading = undefined;
      this.finish();
      throw error;
    }
    let finished = false;
    return {
      engine,
      done: () => {
        if (finished) return;
        finished = true;
        this.finish();
      },
    };
  }

  /** Unloads now, whatever is running (the deployment is stopping). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.unload();
  }

  private finish(): void {
    this.active--;
    if (this.active === 0 && this.idleTimeoutMs > 0 && this.loading) {
      this.idleTimer = setTimeout(() => {
        if (this.active > 0) return;
        this.onIdleUnload();
        void this.unload();
      }, this.idleTimeoutMs);
      this.idleTimer.unref();
    }
  }

  private async unload(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    this.loaded = undefined;
    const engine = await loading?.catch(() => undefined);
    await engine?.unload();
  }
}
