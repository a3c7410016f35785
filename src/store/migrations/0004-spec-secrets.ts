import type { DialectMigration } from './dialect-migration.js';

/** Secret-bearing values of a target's spec (header values, engine env, URL credentials), encrypted apart from the spec. */
export const specSecretsMigration: DialectMigration = () => ({
  async up(db) {
    await db.schema.alterTable('deployment_targets').addColumn('spec_secrets', 'text').execute();
  },
});
