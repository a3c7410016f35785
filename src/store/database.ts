import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { makePrivateDirectory, narrowToPrivate, openPrivateForAppend } from '../private-files.js';
import { migrateToLatest } from './migrate.js';
import type { DialectName } from './dialect-name.js';
import type { Database } from './schema.js';
import { postgresUnavailable, sqliteUnavailable, type UnavailableTest } from './store-unavailable.js';

/**
 * The store: one typed query layer (Kysely) over SQLite or PostgreSQL.
 * Code that needs dialect-specific SQL (full-text search) asks `store.dialect`.
 */
export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** True when an error says the database cannot be reached now (down, restarting, locked), not that a query was wrong. */
  isUnavailable: UnavailableTest;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…`; when unset, SQLite at `<dataDir>/devup.db` (or `:memory:` with no dataDir). */
  databaseUrl?: string;
  dataDir?: string;
}

// int8 (COUNT, SUM, bigint columns) arrives as a string by default; our values fit in a double.
pg.types.setTypeParser(20, (value) => Number(value));
// numeric (AVG, ROUND) likewise.
pg.types.setTypeParser(1700, (value) => Number(value));

/** Opens the store and brings its schema to the latest migration. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  try {
    await migrateToLatest(store.db, store.dialect);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openSqlite(dataDir?: string): Store {
  let file = ':memory:';
  if (dataDir) {
    makePrivateDirectory(dataDir);
    file = path.join(dataDir, 'devup.db');
    // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database's mode.
    fs.closeSync(openPrivateForAppend(file));
  }
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  if (dataDir) narrowToPrivate(`${file}-wal`, `${file}-shm`);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Library reads jump between rows of a large file (FTS hits → models → results): a 64 MB page
  // cache keeps the hot index pages in process. (A memory map was faster still but counts the
  // mapped file into RSS: 650 MB at 100k models.)
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', isUnavailable: sqliteUnavailable, close: () => db.destroy() };
}

function openPostgres(url: string): Store {
  // A server that does not answer fails a query after 5 s (the admin API then answers 503) instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
  // An idle connection the server ends (restart, failover, pg_terminate_backend) leaves the pool on
  // its own; without a listener its 'error' event would crash the whole process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', isUnavailable: postgresUnavailable(url), close: () => db.destroy() };
}
