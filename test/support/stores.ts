import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import type { DialectName } from '../../src/store/dialect-name.js';

export const dialects: DialectName[] = ['sqlite', 'postgres'];

/** A fresh, migrated store: in-memory SQLite, or a new database on the run's PostgreSQL server. */
export async function openTestStore(dialect: DialectName): Promise<Store> {
  if (dialect === 'sqlite') return openStore({});
  return openStore({ databaseUrl: await createTestDatabase() });
}

/** Creates an empty database on the run's PostgreSQL server and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const serverUrl = inject('postgresUrl');
  const name = `devup_test_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
