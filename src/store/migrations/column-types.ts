import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely';
import type { DialectName } from '../dialect-name.js';

/** An auto-incrementing integer primary key in either dialect. */
export function withSerialId<T extends string>(table: CreateTableBuilder<T, never>, dialect: DialectName) {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (column) => column.primaryKey())
    : table.addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement());
}

/** Floating-point column type: `real` is only 4 bytes in PostgreSQL. */
export function doubleType(dialect: DialectName) {
  return dialect === 'postgres' ? 'double precision' : 'real';
}

export const notNull = (column: ColumnDefinitionBuilder) => column.notNull();
