import type { Migration } from 'kysely';
import type { DialectName } from '../dialect-name.js';

/** A migration receives the dialect so it can write FTS5 or tsvector DDL. */
export type DialectMigration = (dialect: DialectName) => Migration;
