/**
 * The last lines of a process's output, bounded by line count and line length, so a chatty
 * engine cannot grow the gateway's memory.
 *
 * @example
 *   const buffer = new LogBuffer(1000);
 *   buffer.append(chunk); // any Buffer or string, split into lines
 *   buffer.tail(20);      // the last 20 complete lines (and the partial one)
 */
export class LogBuffer {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(
    private readonly maxLines = 1000,
    private readonly maxLineLength = 4096,
  ) {}

  append(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = (parts.pop() ?? '').slice(-this.maxLineLength);
    for (const line of parts) this.push(line);
  }

  /** Adds a line of our own (e.g. "process exited with code 1"). */
  note(line: string): void {
    this.flushPartial();
    this.push(line);
  }

  tail(count = this.maxLines): string[] {
    const lines = this.partial ? [...this.lines, this.partial] : this.lines;
    return lines.slice(-count);
  }

  private flushPartial(): void {
    if (this.partial) this.push(this.partial);
    this.partial = '';
  }

  private push(line: string): void {
    this.lines.push(line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line);
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
  }
}
