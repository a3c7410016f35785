import type { DialectMigration } from './dialect-migration.js';
import { doubleType, notNull, withSerialId } from './column-types.js';

/** API keys, usage records, and deployments with their targets and events. */
export const gatewayMigration: DialectMigration = (dialect) => ({
  async up(db) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', notNull)
      .addColumn('key_hash', 'text', (column) => column.notNull().unique())
      .addColumn('key_prefix', 'text', notNull)
      .addColumn('deployments', 'text')
      .addColumn('limits', 'text')
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .execute();

    await withSerialId(db.schema.createTable('usage_records'), dialect)
      .addColumn('request_id', 'text', notNull)
      .addColumn('at', 'bigint', notNull)
      .addColumn('key_id', 'text')
      .addColumn('deployment', 'text', notNull)
      .addColumn('target_id', 'text')
      .addColumn('upstream_model', 'text')
      .addColumn('operation', 'text', notNull)
      .addColumn('stream', 'integer', notNull)
      .addColumn('prompt_tokens', 'integer', notNull)
      .addColumn('completion_tokens', 'integer', notNull)
      .addColumn('cost_usd', doubleType(dialect))
      .addColumn('status', 'integer', notNull)
      .addColumn('error_code', 'text')
      .addColumn('latency_ms', doubleType(dialect), notNull)
      .addColumn('ttft_ms', doubleType(dialect))
      .addColumn('overhead_ms', doubleType(dialect), notNull)
      .execute();
    await db.schema.createIndex('usage_records_at').on('usage_records').column('at').execute();
    await db.schema.createIndex('usage_records_key_at').on('usage_records').columns(['key_id', 'at']).execute();
    await db.schema.createIndex('usage_records_deployment_at').on('usage_records').columns(['deployment', 'at']).execute();

    await db.schema
      .createTable('deployments')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull().unique())
      .addColumn('model_id', 'text')
      .addColumn('desired_state', 'text', notNull)
      .addColumn('state', 'text', notNull)
      .addColumn('state_reason', 'text')
      .addColumn('fallbacks', 'text', notNull)
      .addColumn('settings', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('updated_at', 'bigint', notNull)
      .execute();

    await db.schema
      .createTable('deployment_targets')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('deployment_id', 'text', (column) => column.notNull().references('deployments.id').onDelete('cascade'))
      .addColumn('kind', 'text', notNull)
      .addColumn('weight', doubleType(dialect), notNull)
      .addColumn('position', 'integer', notNull)
      .addColumn('spec', 'text', notNull)
      .addColumn('secret', 'text')
      .execute();

    await withSerialId(db.schema.createTable('deployment_events'), dialect)
      .addColumn('deployment_id', 'text', (column) => column.notNull().references('deployments.id').onDelete('cascade'))
      .addColumn('at', 'bigint', notNull)
      .addColumn('type', 'text', notNull)
      .addColumn('message', 'text', notNull)
      .execute();
    await db.schema.createIndex('deployment_events_deployment_at').on('deployment_events').columns(['deployment_id', 'at']).execute();
  },
});
