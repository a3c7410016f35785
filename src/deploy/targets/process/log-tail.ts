import fs from 'node:fs';
import { LogBuffer } from '../../log-buffer.js';

const maxFileBytes = 8 * 1024 * 1024;
const maxReadBytes = 1024 * 1024;

/**
 * Follows a managed process's log file into a bounded in-memory buffer. The process writes to
 * the file (opened O_APPEND), not to a pipe, so it keeps running when the gateway restarts and
 * its output is still there afterwards. The file is truncated when it passes 8 MiB; O_APPEND
 * makes the process continue at the new end.
 *
 * @example
 *   const tail = new LogTail('/data/logs/qwen.log'); tail.start();
 *   tail.buffer.tail(20); tail.stop();
 */
export class LogTail {
  readonly buffer = new LogBuffer(2000);
  private offset: number;
  private timer?: NodeJS.Timeout;

  constructor(readonly file: string) {
    // Earlier runs' output stays readable; show the end of it.
    this.offset = Math.max(0, size(file) - 64 * 1024);
  }

  start(intervalMs = 200): void {
    this.timer ??= setInterval(() => this.read(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.read();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads whatever the process wrote since the last read (also called before a failure is reported). */
  read(): void {
    const length = size(this.file);
    if (length < this.offset) this.offset = 0;
    if (length > this.offset) {
      const start = Math.max(this.offset, length - maxReadBytes);
      const chunk = Buffer.alloc(length - start);
      const descriptor = fs.openSync(this.file, 'r');
      try {
        fs.readSync(descriptor, chunk, 0, chunk.length, start);
      } finally {
        fs.closeSync(descriptor);
      }
      this.buffer.append(chunk);
      this.offset = length;
    }
    if (length > maxFileBytes) {
      fs.truncateSync(this.file, 0);
      this.offset = 0;
    }
  }
}

function size(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
