import { sql } from 'kysely';
import type { DialectMigration } from '../migrate.js';
import { doubleType, notNull, withSerialId } from './column-types.js';

/** Models, benchmarks, results and needle-in-a-haystack scores. */
export const libraryMigration: DialectMigration = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable('models')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', notNull)
      .addColumn('publisher', 'text', notNull)
      .addColumn('family', 'text')
      .addColumn('variant', 'text')
      .addColumn('description', 'text', notNull)
      .addColumn('architecture', 'text', notNull)
      .addColumn('total_params', doubleType(dialect))
      .addColumn('activated_params', doubleType(dialect))
      .addColumn('context_length', 'integer')
      .addColumn('license', 'text')
      .addColumn('open_weights', 'integer', notNull)
      .addColumn('release_date', 'text')
      .addColumn('tags', 'text', notNull)
      .addColumn('links', 'text', notNull)
      .addColumn('notes', 'text', notNull)
      .addColumn('spec', 'text')
      .addColumn('pricing', 'text')
      .addColumn('source', 'text')
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('updated_at', 'bigint', notNull)
      .execute();
    for (const column of ['publisher', 'architecture', 'total_params', 'activated_params', 'context_length', 'release_date']) {
      await db.schema.createIndex(`models_${column}`).on('models').column(column).execute();
    }

    await db.schema
      .createTable('benchmarks')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', notNull)
      .addColumn('category', 'text', notNull)
      .addColumn('metric', 'text', notNull)
      .addColumn('shots', 'integer')
      .addColumn('direction', 'text', notNull)
      .addColumn('suite', 'text', notNull)
      .addColumn('description', 'text')
      .execute();

    await withSerialId(db.schema.createTable('results'), dialect)
      .addColumn('model_id', 'text', (column) => column.notNull().references('models.id').onDelete('cascade'))
      .addColumn('benchmark_id', 'text', (column) => column.notNull().references('benchmarks.id').onDelete('cascade'))
      .addColumn('setting', 'text', (column) => column.notNull().defaultTo(''))
      .addColumn('value', doubleType(dialect), notNull)
      .addColumn('source', 'text')
      .addUniqueConstraint('results_model_benchmark_setting', ['model_id', 'benchmark_id', 'setting'])
      .execute();
    // Benchmark sorts and has-results filters read results by benchmark.
    await db.schema.createIndex('results_benchmark_value').on('results').columns(['benchmark_id', 'value']).execute();

    await withSerialId(db.schema.createTable('niah_results'), dialect)
      .addColumn('model_id', 'text', (column) => column.notNull().references('models.id').onDelete('cascade'))
      .addColumn('context_length', 'integer', notNull)
      .addColumn('depth_percent', doubleType(dialect), notNull)
      .addColumn('score', doubleType(dialect), notNull)
      .addColumn('source', 'text')
      .execute();

    if (dialect === 'sqlite') {
      await sql`CREATE VIRTUAL TABLE models_fts USING fts5(id UNINDEXED, name, publisher, description, tags, tokenize = 'unicode61')`.execute(db);
    } else {
      await sql`ALTER TABLE models ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(publisher, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(tags, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(description, '')), 'C')) STORED`.execute(db);
      await sql`CREATE INDEX models_search ON models USING gin (search)`.execute(db);
    }
  },
});
