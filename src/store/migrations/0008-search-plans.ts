import type { DialectMigration } from './dialect-migration.js';

/**
 * PostgreSQL library search plans (EXPLAIN ANALYZE at 100,000 models, docs/benchmarks.md).
 *
 * `architecture` (three values) and `context_length` (a handful, filtered by a minimum) never
 * select few enough rows to be read through their b-tree alone. The planner used those indexes
 * only to AND their bitmaps (30–67k rows) with the full-text bitmap (1–2k rows): 4–15 ms to
 * build, to spare about 1 ms of heap reads. Without them a text match is filtered row by row.
 * The indexes that can select a few percent (publisher, license, parameter ranges) stay: there
 * the AND pays. SQLite never chose either index for these queries (FTS5 rowids go through
 * `models_seq_filters`), so it keeps both.
 */
export const searchPlansMigration: DialectMigration = (dialect) => ({
  async up(db) {
    if (dialect !== 'postgres') return;
    await db.schema.dropIndex('models_architecture').execute();
    await db.schema.dropIndex('models_context_length').execute();
  },
});
