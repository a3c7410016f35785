import { CompiledQuery, type Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { Store } from '../../store/database.js';
import type { UsageRecordRow } from '../../store/schema.js';

export type UsageRecord = Insertable<UsageRecordRow>;

export interface UsageRecorderOptions {
  /** Write at least this often. */
  flushIntervalMs: number;
  /** Write at once when this many records wait. */
  batchSize: number;
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

function rowValues(record: UsageRecord): unknown[] {
  return columns.map((column) => record[column] ?? null);
}

/**
 * Usage records, one per answered request, buffered in memory and written in batches off the
 * request path. `close()` writes everything still buffered, so after a graceful shutdown the
 * table holds one row per request answered.
 *
 * @example
 *   recorder.record({ request_id, at: Date.now(), deployment: 'qwen', … }); // returns at once
 *   await recorder.close(); // on shutdown
 */
export class UsageRecorder {
  private buffer: UsageRecord[] = [];
  private readonly insertTexts = new Map<number, string>();
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly options: UsageRecorderOptions = { flushIntervalMs: 1_000, batchSize: 1_000 },
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs).unref();
  }

  record(record: UsageRecord): void {
    this.buffer.push(record);
    if (this.buffer.length >= this.options.batchSize) void this.flush();
  }

  /** Writes what is buffered now; batches are written one after another, never concurrently. */
  flush(): Promise<void> {
    if (this.buffer.length === 0) return this.writing;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private insertText(rows: number): string {
    let text = this.insertTexts.get(rows);
    if (!text) {
      let parameter = 0;
      const placeholder = this.store.dialect === 'postgres' ? () => `$${++parameter}` : () => '?';
      const tuple = () => `(${columns.map(placeholder).join(', ')})`;
      text = `insert into usage_records (${columns.join(', ')}) values ${Array.from({ length: rows }, tuple).join(', ')}`;
      this.insertTexts.set(rows, text);
    }
    return text;
  }

  private async write(batch: UsageRecord[]): Promise<void> {
    try {
      await this.store.db.transaction().execute(async (transaction) => {
        for (let start = 0; start < batch.length; start += rowsPerStatement) {
          const rows = batch.slice(start, start + rowsPerStatement);
          // A prepared text per row count and a flat parameter list: building a query tree of
          // thousands of value nodes per batch cost more than the insert itself.
          await transaction.executeQuery(CompiledQuery.raw(this.insertText(rows.length), rows.flatMap(rowValues)));
        }
      });
    } catch (error) {
      // Keep the records for the next flush rather than lose them; the database may be back by then.
      this.logger.error({ err: error, records: batch.length }, 'writing usage records failed; will retry');
      this.buffer = batch.concat(this.buffer);
    }
  }
}
