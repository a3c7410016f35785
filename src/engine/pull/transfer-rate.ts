/**
 * The average speed of a transfer since its first progress report: bytes a resumed download
 * already had do not count as speed.
 *
 * @example const rate = new TransferRate(); rate.bytesPerSecond(receivedBytes) // after each chunk
 */
export class TransferRate {
  private readonly startedAt: number;
  private firstBytes?: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  bytesPerSecond(receivedBytes: number): number {
    this.firstBytes ??= receivedBytes;
    const seconds = Math.max((this.now() - this.startedAt) / 1000, 0.001);
    return (receivedBytes - this.firstBytes) / seconds;
  }
}
