import { sql } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * One usage record per request: `request_id` becomes unique, so that a record written to the
 * store and then replayed from the usage journal after a crash is stored once (inserts use
 * `on conflict (request_id) do nothing`). Earlier rows that share an id (a client's own
 * `x-request-id`, adopted before ids were the gateway's own) keep the first one's id; the others
 * get `#<row id>` appended, so no record is dropped.
 */
export const usageRequestIdsMigration: DialectMigration = () => ({
  async up(db) {
    await sql`update usage_records set request_id = request_id || '#' || cast(id as text)
      where id not in (select min(id) from usage_records group by request_id)`.execute(db);
    await db.schema.createIndex('usage_records_request_id').unique().on('usage_records').column('request_id').execute();
  },
});
