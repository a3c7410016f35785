/** The two databases the store runs on: SQLite on one machine, PostgreSQL for many replicas. */
export type DialectName = 'sqlite' | 'postgres';
