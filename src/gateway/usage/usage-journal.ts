import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';

export interface UsageJournalOptions {
  /** A written record is fdatasync'd at most this long afterwards (group commit). */
  syncIntervalMs: number;
  /** …or at once when this many records wait for it. */
  syncBatch: number;
}

/**
 * An fdatasync costs 65–210 µs of CPU on the 2-core host (ext4 on virtio): at most 50 a second
 * keeps it near 1–3 µs per record at 2,000–5,000 requests/s, against a machine crash losing 20 ms.
 */
export const defaultJournalOptions: UsageJournalOptions = { syncIntervalMs: 20, syncBatch: 256 };

/** Records of one segment left by an earlier process, to write to the store at start. */
export interface RecoveredSegment<Row> {
  sequence: number;
  /** As appended; a column the segment's header lacks (written by an older version) is missing. */
  records: Row[];
}

interface Segment {
  sequence: number;
  fd: number;
  /** Records written since the last fdatasync. */
  unsynced: number;
  syncQueued: boolean;
  /** The segment's syncs (and finally its close), one after another. */
  syncs: Promise<void>;
}

const fdatasync = promisify(fs.fdatasync);
const close = promisify(fs.close);
const segmentPattern = /^(\d{12})\.jsonl$/;

/**
 * The usage records' write-ahead journal: a directory of append-only segment files
 * (`<dataDir>/usage-journal/000000000001.jsonl`, mode 0600 in a 0700 directory). `append` writes
 * a record with one `write(2)` before it returns, so once the answer's last byte went out the
 * record is in the kernel's page cache and outlives a `kill -9` of the process; `fdatasync` runs
 * off the event loop for a group of records, at most `syncIntervalMs` after a write (or at once
 * after `syncBatch` records), so a crash of the machine loses at most that window. `seal` closes
 * the current segment (the next record opens a new one); `release` deletes segments once the
 * store holds their records. At start, `recover` reads what an earlier process left.
 *
 * A write per record, not one per turn of the event loop: batching would hold every answer of the
 * turn until its end, and in `npm run bench:gateway` (c=10, sub-millisecond upstream) the gateway
 * and its clients then advanced in lockstep: a third less throughput for a few µs of CPU saved.
 *
 * Each segment starts with a header line naming the columns; each record is then one JSON array
 * of values in that order (a torn last line, from a crash mid-write, is skipped).
 *
 * @example
 *   const journal = new UsageJournal(`${dataDir}/usage-journal`, columns, logger);
 *   for (const segment of journal.recover()) { await store(segment.records); journal.release(segment.sequence); }
 *   journal.append(record);           // before the answer's last byte
 *   const sealed = journal.seal();    // with each batch written to the store
 *   journal.release(sealed);          // once the store has it
 */
export class UsageJournal<Row extends object> {
  private current: Segment | undefined = undefined;
  private lastSequence: number;
  /** Sequences of segments on disk whose records the store may not hold yet. */
  private readonly unreleased = new Set<number>();
  private readonly settling = new Set<Promise<void>>();
  private syncTimer: NodeJS.Timeout | undefined = undefined;
  private failing = false;
  private readonly header: string;
  private readonly leftBehind: number[];

  constructor(
    private readonly directory: string,
    private readonly columns: ReadonlyArray<keyof Row & string>,
    private readonly logger: Logger,
    private readonly options: UsageJournalOptions = defaultJournalOptions,
  ) {
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    fs.chmodSync(directory, 0o700);
    this.header = `${JSON.stringify({ columns })}\n`;
    this.leftBehind = this.segmentsOnDisk();
    for (const sequence of this.leftBehind) this.unreleased.add(sequence);
    this.lastSequence = this.leftBehind.at(-1) ?? 0;
  }

  /** The segments an earlier process left (records the store may not have), oldest first; read one at a time. */
  *recover(): Generator<RecoveredSegment<Row>> {
    for (const sequence of this.leftBehind) yield { sequence, records: this.read(sequence) };
  }

  /** Writes one record to the current segment (opening it first when there is none); never throws. */
  append(record: Row): void {
    const values = new Array(this.columns.length);
    for (let index = 0; index < values.length; index++) values[index] = record[this.columns[index]] ?? null;
    const bytes = Buffer.from(`${JSON.stringify(values)}\n`);
    let segment = this.current;
    try {
      segment ??= this.open();
      // A short write (a full disk) leaves a torn line: the segment ends there, as a crash would end it.
      if (fs.writeSync(segment.fd, bytes) !== bytes.length) throw new Error('short write to the usage journal');
    } catch (error) {
      if (segment) this.seal();
      this.failed(error, 'writing the usage journal failed; the record is kept in memory until the store has it');
      return;
    }
    this.failing = false;
    if (++segment.unsynced >= this.options.syncBatch) this.sync(segment);
    else this.syncTimer ??= setTimeout(() => this.syncCurrent(), this.options.syncIntervalMs).unref();
  }

  /**
   * Ends the current segment and returns the sequence up to which segments are complete: every
   * record appended so far is in a segment at or below it. The segment is synced and closed off
   * the caller's path.
   */
  seal(): number {
    const segment = this.current;
    if (segment) {
      this.current = undefined;
      this.sync(segment);
      this.track(
        segment.syncs.then(() => close(segment.fd)).catch((error) => this.failed(error, 'closing a usage journal segment failed')),
      );
    }
    return this.lastSequence;
  }

  /** Deletes the sealed segments up to `sequence`: the store holds their records. */
  release(sequence: number): void {
    for (const unreleased of this.unreleased) {
      if (unreleased > sequence || unreleased === this.current?.sequence) continue;
      this.unreleased.delete(unreleased);
      this.track(
        fs.promises.unlink(this.file(unreleased)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') this.failed(error, 'deleting a usage journal segment failed');
        }),
      );
    }
  }

  /** Syncs and closes every segment; segments not released stay for the next start to replay. */
  async close(): Promise<void> {
    clearTimeout(this.syncTimer);
    this.seal();
    await Promise.all(this.settling);
  }

  /** Background file work (closes, deletions) that `close` waits for. */
  private track(work: Promise<void>): void {
    this.settling.add(work);
    void work.finally(() => this.settling.delete(work));
  }

  private open(): Segment {
    const sequence = this.lastSequence + 1;
    const fd = fs.openSync(this.file(sequence), 'a', 0o600);
    // Taken even if the header fails: a later segment never appends to a file with a torn header.
    this.lastSequence = sequence;
    this.unreleased.add(sequence);
    try {
      fs.writeSync(fd, this.header);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
    this.current = { sequence, fd, unsynced: 0, syncQueued: false, syncs: this.syncDirectory() };
    return this.current;
  }

  private syncCurrent(): void {
    this.syncTimer = undefined;
    if (this.current) this.sync(this.current);
  }

  /** Queues one fdatasync of the segment for the records written until it runs; at most one waits. */
  private sync(segment: Segment): void {
    if (segment.syncQueued || segment.unsynced === 0) return;
    segment.syncQueued = true;
    segment.syncs = segment.syncs.then(async () => {
      segment.syncQueued = false;
      if (segment.unsynced === 0) return;
      segment.unsynced = 0;
      try {
        await fdatasync(segment.fd);
      } catch (error) {
        this.failed(error, 'syncing the usage journal failed');
      }
    });
  }

  /** A new segment's directory entry must outlive a crash of the machine too. */
  private async syncDirectory(): Promise<void> {
    try {
      const directory = await fs.promises.open(this.directory, 'r');
      await directory.sync().finally(() => directory.close());
    } catch (error) {
      this.failed(error, 'syncing the usage journal directory failed');
    }
  }

  private read(sequence: number): Row[] {
    const lines = fs.readFileSync(this.file(sequence), 'utf8').split('\n');
    let columns: string[];
    try {
      columns = (JSON.parse(lines[0]) as { columns: string[] }).columns;
    } catch {
      return []; // torn before its header was complete: it holds no record
    }
    const records: Row[] = [];
    for (let index = 1; index < lines.length; index++) {
      if (lines[index] === '') continue;
      try {
        const values = JSON.parse(lines[index]) as unknown[];
        // The lines are ours, written by `append` from a Row.
        records.push(Object.fromEntries(columns.map((column, position) => [column, values[position]])) as Row);
      } catch {
        // Only the last line can be torn (a crash mid-write); it was never answered.
        this.logger.warn({ segment: this.file(sequence), line: index + 1 }, 'skipping a torn usage journal line');
      }
    }
    return records;
  }

  private segmentsOnDisk(): number[] {
    return fs
      .readdirSync(this.directory)
      .map((name) => segmentPattern.exec(name)?.[1])
      .filter((sequence): sequence is string => sequence !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  private file(sequence: number): string {
    return path.join(this.directory, `${String(sequence).padStart(12, '0')}.jsonl`);
  }

  /** Logged once per streak of failures (a full disk would otherwise log every request). */
  private failed(error: unknown, message: string): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.error({ err: error, journal: this.directory }, message);
  }
}
