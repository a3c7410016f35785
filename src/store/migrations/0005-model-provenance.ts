import type { DialectMigration } from './dialect-migration.js';
import { doubleType, notNull, withSerialId } from './column-types.js';

/**
 * Where each model field came from (an import, or a hand edit through the admin API that imports
 * must not overwrite), the earlier values an import or edit replaced, and a model's download
 * variants (one row per GGUF quantization or safetensors checkpoint of a hub repo).
 */
export const modelProvenanceMigration: DialectMigration = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable('model_fields')
      .addColumn('model_id', 'text', (column) => column.notNull().references('models.id').onDelete('cascade'))
      .addColumn('field', 'text', notNull)
      .addColumn('source', 'text', notNull)
      .addColumn('written_at', 'bigint', notNull)
      .addColumn('manual', 'integer', notNull)
      .addPrimaryKeyConstraint('model_fields_pkey', ['model_id', 'field'])
      .execute();

    await withSerialId(db.schema.createTable('model_history'), dialect)
      .addColumn('model_id', 'text', (column) => column.notNull().references('models.id').onDelete('cascade'))
      .addColumn('field', 'text', notNull)
      .addColumn('value', 'text', notNull)
      .addColumn('source', 'text')
      .addColumn('written_at', 'bigint')
      .addColumn('replaced_at', 'bigint', notNull)
      .addColumn('replaced_by', 'text', notNull)
      .execute();
    await db.schema.createIndex('model_history_model').on('model_history').columns(['model_id', 'replaced_at']).execute();

    await withSerialId(db.schema.createTable('model_variants'), dialect)
      .addColumn('model_id', 'text', (column) => column.notNull().references('models.id').onDelete('cascade'))
      .addColumn('repo', 'text', notNull)
      .addColumn('revision', 'text', notNull)
      .addColumn('label', 'text', notNull)
      .addColumn('format', 'text', notNull)
      .addColumn('bytes', doubleType(dialect), notNull)
      .addColumn('files', 'text', notNull)
      .addColumn('memory', 'text')
      .addColumn('position', 'integer', notNull)
      .addUniqueConstraint('model_variants_model_repo_label', ['model_id', 'repo', 'label'])
      .execute();
  },
});
