import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase, { type Statement as SqliteStatement } from 'better-sqlite3';
import { type CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
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
  /**
   * Runs inserts of rows written once and seldom read (usage records) in one transaction; resolves
   * to the number of rows inserted. SQLite with a data dir runs them on a connection of their own
   * with a small page cache: on the main one, every page they write stays in its 64 MB cache (kept
   * for the library's reads), which a busy gateway fills in minutes.
   */
  appendRows(statements: readonly CompiledQuery[]): Promise<number>;
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
  if (!dataDir)
    return {
      db,
      dialect: 'sqlite',
      isUnavailable: sqliteUnavailable,
      appendRows: (statements) => appendInTransaction(db, statements),
      close: () => db.destroy(),
    };
  const appender = openSqliteAppender(file);
  return {
    db,
    dialect: 'sqlite',
    isUnavailable: sqliteUnavailable,
    appendRows: async (statements) => appender.append(statements),
    close: async () => {
      await db.destroy();
      appender.close();
    },
  };
}

/**
 * The second SQLite connection, for `appendRows`: a 2 MB page cache, and each batch written in one
 * synchronous transaction, so no statement of the main connection runs while it holds the write
 * lock. It never waits for the lock (a wait would block the event loop, and with it the main
 * connection's transaction that holds the lock): a batch that meets one fails with SQLITE_BUSY and
 * its caller writes it again later.
 */
function openSqliteAppender(file: string): { append(statements: readonly CompiledQuery[]): number; close(): void } {
  const appender = new SqliteDatabase(file);
  appender.pragma('synchronous = NORMAL');
  appender.pragma('foreign_keys = ON');
  appender.pragma('busy_timeout = 0');
  appender.pragma('cache_size = -2048');
  // Compiling a 500-row insert is most of its cost: the statements are kept by their text (the full
  // batch's text recurs; at most a few others, the part batches, before the cache starts afresh).
  const prepared = new Map<string, SqliteStatement>();
  const statementFor = (sql: string) => {
    let statement = prepared.get(sql);
    if (!statement) {
      if (prepared.size >= 4) prepared.clear();
      statement = appender.prepare(sql);
      prepared.set(sql, statement);
    }
    return statement;
  };
  const append = appender.transaction((statements: readonly CompiledQuery[]) =>
    statements.reduce((rows, statement) => rows + statementFor(statement.sql).run(statement.parameters).changes, 0),
  );
  return { append: (statements) => append(statements), close: () => appender.close() };
}

async function appendInTransaction(db: Kysely<Database>, statements: readonly CompiledQuery[]): Promise<number> {
  return db.transaction().execute(async (transaction) => {
    let rows = 0;
    for (const statement of statements) rows += Number((await transaction.executeQuery(statement)).numAffectedRows ?? 0);
    return rows;
  });
}

function openPostgres(url: string): Store {
  // A server that does not answer fails a query after 5 s (the admin API then answers 503) instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
  // An idle connection the server ends (restart, failover, pg_terminate_backend) leaves the pool on
  // its own; without a listener its 'error' event would crash the whole process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    isUnavailable: postgresUnavailable(url),
    appendRows: (statements) => appendInTransaction(db, statements),
    close: () => db.destroy(),
  };
}
