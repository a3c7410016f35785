const settle = () => undefined;

/**
 * Runs work one at a time per key (a deployment's name), and `runAlone` work with nothing else
 * running: two starts of one deployment never interleave, a full reload sees no command halfway.
 * Work on different keys runs side by side.
 *
 * @example
 *   queue.run('qwen', () => start('qwen'));   // waits for earlier work on 'qwen' and any runAlone
 *   queue.runAlone(() => reloadEverything()); // waits for all earlier work; later work waits for it
 */
export class KeyedQueue {
  /** The last work queued per key since the last `runAlone` (settled: never rejects). */
  private readonly tails = new Map<string, Promise<void>>();
  private alone: Promise<void> = Promise.resolve();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    // A key's tail was queued after the last runAlone and waited for it.
    const result = (this.tails.get(key) ?? this.alone).then(work);
    const tail = result.then(settle, settle);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  runAlone<T>(work: () => Promise<T>): Promise<T> {
    const result = this.idle().then(work);
    this.alone = result.then(settle, settle);
    this.tails.clear();
    return result;
  }

  /** Resolves once everything queued so far has settled. */
  idle(): Promise<void> {
    return Promise.all([this.alone, ...this.tails.values()]).then(settle);
  }
}
