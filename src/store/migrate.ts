import { type Kysely, Migrator, type MigrationProvider } from 'kysely';
import type { DialectName } from './dialect-name.js';
import { libraryMigration } from './migrations/0001-library.js';
import { gatewayMigration } from './migrations/0002-gateway.js';
import { replicasMigration } from './migrations/0003-replicas.js';
import { specSecretsMigration } from './migrations/0004-spec-secrets.js';
import { modelProvenanceMigration } from './migrations/0005-model-provenance.js';
import { usageAccountingMigration } from './migrations/0006-usage-accounting.js';
import { usageRequestIdsMigration } from './migrations/0007-usage-request-ids.js';
import { searchPlansMigration } from './migrations/0008-search-plans.js';
import type { DialectMigration } from './migrations/dialect-migration.js';

/** Migrations in order. */
const migrations: Record<string, DialectMigration> = {
  '0001-library': libraryMigration,
  '0002-gateway': gatewayMigration,
  '0003-replicas': replicasMigration,
  '0004-spec-secrets': specSecretsMigration,
  '0005-model-provenance': modelProvenanceMigration,
  '0006-usage-accounting': usageAccountingMigration,
  '0007-usage-request-ids': usageRequestIdsMigration,
  '0008-search-plans': searchPlansMigration,
};

// Migrations build the schema, so they run on an untyped handle (as Kysely's Migrator takes it).
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<void> {
  await migrateTo(db, dialect);
}

/** Brings the schema to the migration named `target` (default: the latest); tests of a migration start from the one before it. */
export async function migrateTo(db: Kysely<any>, dialect: DialectName, target?: string): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => Object.fromEntries(Object.entries(migrations).map(([name, migration]) => [name, migration(dialect)])),
  };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await (target === undefined ? migrator.migrateToLatest() : migrator.migrateTo(target));
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
}
