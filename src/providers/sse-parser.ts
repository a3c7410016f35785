/**
 * Incremental Server-Sent Events parser that returns the `data` payload of each complete event
 * (WHATWG HTML §9.2.6). Text may be split anywhere, including inside a `\r\n`; lines may end in
 * `\n`, `\r\n` or `\r`; a leading byte order mark is dropped; comment lines (`: keep-alive`) and the `event`, `id` and `retry` fields are
 * skipped; several `data:` lines of one event are joined with `\n`. Events without data lines
 * (pure keep-alives) yield nothing.
 *
 * @example
 *   const parser = new SseParser();
 *   parser.push('data: {"a":1}\n\ndata: [DO'); // ['{"a":1}']
 *   parser.push('NE]\n\n');                   // ['[DONE]']
 */
export class SseParser {
  private buffer = '';
  private data: string | undefined;
  private started = false;

  /** @param maxEventLength characters one event may span before `push` throws (a stream that never ends its lines must not eat the memory). */
  constructor(private readonly maxEventLength = 16 * 1024 * 1024) {}

  /** Feeds decoded text; returns the data payloads of the events it completed (often none). */
  push(text: string): string[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark may open the stream
    }
    const payloads: string[] = [];
    const buffer = this.buffer.length === 0 ? text : this.buffer + text;
    const hasCarriageReturn = buffer.includes('\r');
    let start = 0;
    for (;;) {
      let end = buffer.indexOf('\n', start);
      let next = end + 1;
      if (hasCarriageReturn) {
        const carriageReturn = buffer.indexOf('\r', start);
        if (carriageReturn !== -1 && (end === -1 || carriageReturn < end)) {
          // A '\r' at the very end may be the first half of a '\r\n' still on its way.
          if (carriageReturn === buffer.length - 1) break;
          end = carriageReturn;
          next = buffer.charCodeAt(carriageReturn + 1) === 10 ? carriageReturn + 2 : carriageReturn + 1;
        }
      }
      if (end === -1) break;
      this.line(buffer, start, end, payloads);
      start = next;
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    if (this.buffer.length + (this.data?.length ?? 0) > this.maxEventLength) {
      throw new Error(`an SSE event exceeds ${this.maxEventLength} characters`);
    }
    return payloads;
  }

  /**
   * Ends the input. An event cut off without its closing blank line is still returned: servers
   * that close right after `data: [DONE]\n` are common enough to be worth tolerating.
   */
  end(): string[] {
    const payloads: string[] = [];
    const rest = this.buffer.endsWith('\r') ? this.buffer.length - 1 : this.buffer.length;
    if (this.buffer.length > 0) this.line(this.buffer, 0, rest, payloads);
    this.buffer = '';
    if (this.data !== undefined) payloads.push(this.data);
    this.data = undefined;
    return payloads;
  }

  private line(buffer: string, start: number, end: number, payloads: string[]) {
    if (start === end) {
      if (this.data !== undefined) payloads.push(this.data);
      this.data = undefined;
      return;
    }
    // Fast path for the line nearly every upstream sends: "data: <payload>".
    let value: string;
    if (buffer.startsWith('data: ', start)) {
      value = buffer.slice(start + 6, end);
    } else {
      const line = buffer.slice(start, end);
      const colon = line.indexOf(':');
      if (colon === 0) return; // comment
      const field = colon === -1 ? line : line.slice(0, colon);
      if (field !== 'data') return;
      value = colon === -1 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    }
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }
}
