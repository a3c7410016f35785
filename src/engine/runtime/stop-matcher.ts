/**
 * Finds stop sequences in streamed text. Text that could still be the start of a stop sequence
 * is held back until the next piece decides it, so a stop string never reaches the client.
 *
 * @example
 *   const matcher = new StopMatcher(['\n\n']);
 *   matcher.push('Hello\n'); // { text: 'Hello', stopped: false }
 *   matcher.push('\nBye');   // { text: '', stopped: true }
 */
export class StopMatcher {
  private pending = '';
  private readonly holdBack: number;

  constructor(private readonly stops: string[]) {
    this.holdBack = Math.max(0, ...stops.map((stop) => stop.length - 1));
  }

  push(piece: string): { text: string; stopped: boolean } {
    if (this.stops.length === 0) return { text: piece, stopped: false };
    this.pending += piece;
    let first = -1;
    for (const stop of this.stops) {
      const index = this.pending.indexOf(stop);
      if (index !== -1 && (first === -1 || index < first)) first = index;
    }
    if (first !== -1) {
      const text = this.pending.slice(0, first);
      this.pending = '';
      return { text, stopped: true };
    }
    const safe = this.pending.length - this.heldSuffixLength();
    const text = this.pending.slice(0, safe);
    this.pending = this.pending.slice(safe);
    return { text, stopped: false };
  }

  /** Length of the longest end of the pending text that some stop sequence starts with. */
  private heldSuffixLength(): number {
    for (let length = Math.min(this.holdBack, this.pending.length); length > 0; length--) {
      const suffix = this.pending.slice(-length);
      if (this.stops.some((stop) => stop.startsWith(suffix))) return length;
    }
    return 0;
  }

  /** The held-back text, when generation ends without a stop. */
  flush(): string {
    const text = this.pending;
    this.pending = '';
    return text;
  }
}
