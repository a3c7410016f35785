import type { DialectMigration } from './dialect-migration.js';

/**
 * Library search plans (EXPLAIN at 100,000 models, docs/benchmarks.md).
 *
 * PostgreSQL: `architecture` (three values) and `context_length` (a handful, filtered by a
 * minimum) never select few enough rows to be read through their b-tree alone. The planner used
 * those indexes only to AND their bitmaps (30–67k rows) with the full-text bitmap (1–2k rows):
 * 4–15 ms to build, to spare about 1 ms of heap reads. Without them a text match is filtered row
 * by row. The indexes that can select a few percent (publisher, license, parameter ranges) stay:
 * there the AND pays. SQLite never chose either (FTS5 rowids go through `models_seq_filters`).
 *
 * Both: browsing without search words reads the whole library, and model rows are wide
 * (description, tags, on PostgreSQL the tsvector: 156 MB of heap at 100k models). `models_filters`
 * holds every filter and facet column and the id, so counts, facets and the join with one
 * benchmark's results read it alone (index-only); `models_name` walks the default name order, so
 * a page of it reads its 20 entries.
 */
export const searchPlansMigration: DialectMigration = (dialect) => ({
  async up(db) {
    if (dialect === 'postgres') {
      await db.schema.dropIndex('models_architecture').execute();
      await db.schema.dropIndex('models_context_length').execute();
    }
    await db.schema
      .createIndex('models_filters')
      .on('models')
      .columns(['publisher', 'architecture', 'license', 'open_weights', 'context_length', 'total_params', 'activated_params', 'id'])
      .execute();
    await db.schema.createIndex('models_name').on('models').columns(['name', 'id']).execute();
  },
});
