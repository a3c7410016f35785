import type { DialectMigration } from './dialect-migration.js';
import { notNull } from './column-types.js';

/** Scale-out: the replica that owns each deployment's host-bound targets. */
export const replicasMigration: DialectMigration = () => ({
  async up(db) {
    await db.schema
      .createTable('deployment_owners')
      .addColumn('deployment_id', 'text', (column) => column.primaryKey().references('deployments.id').onDelete('cascade'))
      .addColumn('replica_id', 'text', notNull)
      .addColumn('claimed_at', 'bigint', notNull)
      .execute();
  },
});
