import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Store } from './database.js';
import { libraryMigration } from './migrations/0001-library.js';
import { gatewayMigration } from './migrations/0002-gateway.js';
import { replicasMigration } from './migrations/0003-replicas.js';

/** Migrations in order. A migration receives the dialect so it can write FTS5 or tsvector DDL. */
export type DialectMigration = (dialect: Store['dialect']) => Migration;

const migrations: Record<string, DialectMigration> = {
  '0001-library': libraryMigration,
  '0002-gateway': gatewayMigration,
  '0003-replicas': replicasMigration,
};

export async function migrateToLatest(store: Store): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () => Object.fromEntries(Object.entries(migrations).map(([name, migration]) => [name, migration(store.dialect)])),
  };
  const migrator = new Migrator({ db: store.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`, { cause: error });
  }
}
