import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateTo } from '../../src/store/migrate.js';
import { createTestDatabase, dialects } from '../support/stores.js';

describe.each(dialects)('migration 0007 (usage records once per request id) on %s', (dialect) => {
  it('keeps every earlier record when request ids repeat, and stores an id once from then on', async () => {
    const db = new Kysely<any>({
      dialect:
        dialect === 'sqlite'
          ? new SqliteDialect({ database: new SqliteDatabase(':memory:') })
          : new PostgresDialect({ pool: new pg.Pool({ connectionString: await createTestDatabase() }) }),
    });
    try {
      await migrateTo(db, dialect, '0006-usage-accounting');
      const record = (requestId: string) => ({
        request_id: requestId,
        at: 1,
        deployment: 'd',
        operation: 'chat',
        stream: 0,
        prompt_tokens: 1,
        completion_tokens: 1,
        status: 200,
        latency_ms: 1,
        overhead_ms: 1,
      });
      // Before, a client's own x-request-id was adopted: ids could repeat.
      await db.insertInto('usage_records').values(['a', 'b', 'a', 'a', 'c'].map(record)).execute();
      await migrateTo(db, dialect);
      const rows = await db.selectFrom('usage_records').select(['id', 'request_id', 'usage_estimated']).orderBy('id').execute();
      expect(rows.map((row) => `${row.id} ${row.request_id} ${row.usage_estimated}`)).toEqual([
        '1 a 0',
        '2 b 0',
        '3 a#3 0',
        '4 a#4 0',
        '5 c 0',
      ]);
      await expect(db.insertInto('usage_records').values(record('b')).execute()).rejects.toThrow();
    } finally {
      await db.destroy();
    }
  });
});
