import type { DialectMigration } from './dialect-migration.js';

/** `usage_estimated`: 1 when the tokens were counted from the delivered text because the upstream never reported them. */
export const usageAccountingMigration: DialectMigration = () => ({
  async up(db) {
    await db.schema
      .alterTable('usage_records')
      .addColumn('usage_estimated', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
  },
});
