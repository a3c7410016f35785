import path from 'node:path';
import { CompiledQuery, type Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { Store } from '../../store/database.js';
import type { UsageRecordRow } from '../../store/schema.js';
import { defaultJournalOptions, UsageJournal, type UsageJournalOptions } from './usage-journal.js';

export type UsageRecord = Insertable<UsageRecordRow>;

export interface UsageRecorderOptions {
  /** Write at least this often. */
  flushIntervalMs: number;
  /** Write at once when this many records wait. */
  batchSize: number;
  /** When the journal fdatasyncs (group commit). */
  journal?: UsageJournalOptions;
}

/** Rows per INSERT statement: 17 columns × 500 stays under SQLite's and PostgreSQL's parameter limits. */
const rowsPerStatement = 500;

const columns = [
  'request_id',
  'at',
  'key_id',
  'deployment',
  'target_id',
  'upstream_model',
  'operation',
  'stream',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'status',
  'error_code',
  'latency_ms',
  'ttft_ms',
  'overhead_ms',
  'usage_estimated',
] as const satisfies ReadonlyArray<keyof UsageRecord>;

/** What a column holds when a record lacks it (journal lines written before the column existed). */
const columnDefaults: Partial<Record<(typeof columns)[number], unknown>> = { usage_estimated: 0 };

function rowValues(record: UsageRecord): unknown[] {
  return columns.map((column) => record[column] ?? columnDefaults[column] ?? null);
}

/**
 * Usage records, one per answered request. `record` appends the record to the local journal
 * (`usage-journal.ts`: one write, before the answer's last byte) and buffers it; batches are
 * written to the store off the request path, after which their journal segments are deleted.
 * `open` first writes what an earlier process left in the journal (a crash), so the store, and
 * the limit counters rebuilt from it, hold every answered request. Inserts skip a `request_id` the
 * store already has: a record written just before a crash and replayed after is stored once.
 * `close()` writes everything still buffered.
 *
 * @example
 *   const recorder = await UsageRecorder.open(store, logger, dataDir, { flushIntervalMs: 1_000, batchSize: 1_000 });
 *   recorder.record({ request_id, at: Date.now(), deployment: 'qwen', … }); // returns at once
 *   await recorder.close(); // on shutdown
 */
export class UsageRecorder {
  private buffer: UsageRecord[] = [];
  /** The text of a full statement, built once; a batch's last, shorter statement is built when written. */
  private readonly fullInsertText: string;
  private writing: Promise<void> = Promise.resolve();
  /** The next write, queued behind the current one; it takes the whole buffer when it runs. */
  private queued: Promise<void> | undefined = undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly journal: UsageJournal<UsageRecord>,
    private readonly options: UsageRecorderOptions,
  ) {
    this.fullInsertText = this.insertText(rowsPerStatement);
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs).unref();
  }

  /** Opens the journal in `<dataDir>/usage-journal` and writes to the store what an earlier process left there. */
  static async open(store: Store, logger: Logger, dataDir: string, options: UsageRecorderOptions): Promise<UsageRecorder> {
    const journal = new UsageJournal<UsageRecord>(
      path.join(dataDir, 'usage-journal'),
      columns,
      logger,
      options.journal ?? defaultJournalOptions,
    );
    const recorder = new UsageRecorder(store, logger, journal, options);
    try {
      await recorder.replay();
    } catch (error) {
      await recorder.close();
      throw error;
    }
    return recorder;
  }

  record(record: UsageRecord): void {
    this.journal.append(record);
    this.buffer.push(record);
    if (this.buffer.length >= this.options.batchSize) void this.flush();
  }

  /** Writes what is buffered now; batches are written one after another, never concurrently. */
  flush(): Promise<void> {
    if (this.buffer.length > 0 && !this.queued) {
      this.queued = this.writing.then(() => {
        this.queued = undefined;
        return this.writeBuffer();
      });
      this.writing = this.queued;
    }
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.journal.close();
  }

  private async replay(): Promise<void> {
    for (const segment of this.journal.recover()) {
      const stored = await this.insert(segment.records);
      this.journal.release(segment.sequence);
      this.logger.info(
        { records: segment.records.length, stored, segment: segment.sequence },
        'usage journal replayed: records of an earlier run written to the store (those it had already are skipped)',
      );
    }
  }

  private insertText(rows: number): string {
    let parameter = 0;
    const placeholder = this.store.dialect === 'postgres' ? () => `$${++parameter}` : () => '?';
    const tuple = () => `(${columns.map(placeholder).join(', ')})`;
    return `insert into usage_records (${columns.join(', ')}) values ${Array.from({ length: rows }, tuple).join(', ')} on conflict (request_id) do nothing`;
  }

  /** Inserts the records in one transaction (`store.appendRows`); returns how many the store did not have yet. */
  private insert(records: UsageRecord[]): Promise<number> {
    const statements = [];
    for (let start = 0; start < records.length; start += rowsPerStatement) {
      const rows = records.slice(start, start + rowsPerStatement);
      // SQL text and a flat parameter list: building a query tree of thousands of value nodes
      // per batch cost more than the insert itself. Only the full statement's text is kept: one
      // per row count kept every length a timer flush happened to write (up to 6 MiB of strings).
      const text = rows.length === rowsPerStatement ? this.fullInsertText : this.insertText(rows.length);
      statements.push(CompiledQuery.raw(text, rows.flatMap(rowValues)));
    }
    return this.store.appendRows(statements);
  }

  /** Writes the whole buffer; every record in it was journaled in a segment up to `sealed`, released once the store has them. */
  private async writeBuffer(): Promise<void> {
    const batch = this.buffer;
    if (batch.length === 0) return;
    this.buffer = [];
    const sealed = this.journal.seal();
    try {
      await this.insert(batch);
      this.journal.release(sealed);
    } catch (error) {
      // Keep the records for the next flush rather than lose them; the database may be back by then.
      // Their journal segments stay too, so a crash meanwhile loses nothing either.
      this.logger.error({ err: error, records: batch.length }, 'writing usage records failed; will retry');
      this.buffer = batch.concat(this.buffer);
    }
  }
}
