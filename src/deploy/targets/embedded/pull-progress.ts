import type { DownloadProgress } from '../../../engine/pull/download-to-part.js';
import { TransferRate } from '../../../engine/pull/transfer-rate.js';
import type { TargetEvent } from '../../deployment-target.js';

/** Progress shown on the deployment at most this often (the page polls it once a second). */
const intervalMs = 250;

/**
 * Turns a pull's byte counts into the target's `progress` events: at most four a second, a count
 * held back is sent when the interval is over (a stalled download shows the bytes it did get),
 * each with the speed since the pull started.
 *
 * @example const progress = new PullProgress(context.emit, 'hf:ggml-org/stories260K-GGUF@main Q8_0'); progress.update({ receivedBytes, totalBytes });
 */
export class PullProgress {
  private readonly rate = new TransferRate();
  private lastAt = Number.NEGATIVE_INFINITY;
  private last?: DownloadProgress;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly emit: (event: TargetEvent) => void,
    private readonly label: string,
  ) {}

  update(progress: DownloadProgress): void {
    this.last = progress;
    const wait = this.lastAt + intervalMs - Date.now();
    if (wait <= 0) return this.send();
    this.timer ??= setTimeout(() => this.send(), wait).unref();
  }

  /** The pull failed or was stopped: nothing more is sent. */
  stop(): void {
    clearTimeout(this.timer);
    this.last = undefined;
  }

  /** Sends the last count; answers the average speed. */
  finish(): number {
    this.send();
    return this.last ? this.rate.bytesPerSecond(this.last.receivedBytes) : 0;
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.last) return;
    this.lastAt = Date.now();
    this.emit({
      type: 'progress',
      progress: {
        phase: 'pulling',
        label: this.label,
        receivedBytes: this.last.receivedBytes,
        totalBytes: this.last.totalBytes ?? null,
        bytesPerSecond: this.rate.bytesPerSecond(this.last.receivedBytes),
      },
    });
  }
}
