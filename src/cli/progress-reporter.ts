import { formatBytes } from './output.js';
import type { DownloadProgress } from '../engine/pull/download-to-part.js';
import { TransferRate } from '../engine/pull/transfer-rate.js';

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Prints download progress: on a terminal one line redrawn in place (bytes, %, speed, ETA) at
 * most ten times a second; otherwise a plain line every 10% (logs, CI).
 *
 * @example const reporter = new ProgressReporter(process.stderr); reporter.update({ receivedBytes, totalBytes }); reporter.finish();
 */
export class ProgressReporter {
  private readonly rate: TransferRate;
  private lastDraw = 0;
  private lastDecile = -1;
  private last?: DownloadProgress;

  constructor(
    private readonly output: Output,
    private readonly now: () => number = Date.now,
  ) {
    this.rate = new TransferRate(now);
  }

  update(progress: DownloadProgress): void {
    this.last = progress;
    if (this.output.isTTY) {
      if (this.now() - this.lastDraw < 100) return;
      this.lastDraw = this.now();
      this.output.write(`\r${this.line(progress)}\x1b[K`);
      return;
    }
    const decile = progress.totalBytes ? Math.floor((progress.receivedBytes / progress.totalBytes) * 10) : -1;
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.output.write(`${this.line(progress)}\n`);
    }
  }

  /** Takes the bar off a terminal's line so other output can be printed; the next update draws it again. */
  clear(): void {
    if (this.output.isTTY && this.last) this.output.write('\r\x1b[K');
    this.lastDraw = 0;
  }

  finish(): void {
    if (this.output.isTTY && this.last) this.output.write(`\r${this.line(this.last)}\x1b[K\n`);
  }

  line(progress: DownloadProgress): string {
    const speed = this.rate.bytesPerSecond(progress.receivedBytes);
    const parts = [formatBytes(progress.receivedBytes) + (progress.totalBytes ? ` / ${formatBytes(progress.totalBytes)}` : '')];
    if (progress.totalBytes) parts.unshift(`${((progress.receivedBytes / progress.totalBytes) * 100).toFixed(0).padStart(3)}%`);
    parts.push(`${formatBytes(speed)}/s`);
    if (progress.totalBytes && speed > 0) parts.push(`ETA ${formatDuration((progress.totalBytes - progress.receivedBytes) / speed)}`);
    return parts.join('  ');
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
