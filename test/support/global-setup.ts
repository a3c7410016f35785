import type { TestProject } from 'vitest/node';
import { startPostgresProcess } from './postgres-process.js';

/**
 * Starts one PostgreSQL server for the whole run, in a child process (see postgres-process.ts);
 * each suite creates its own database on it (see test/support/stores.ts). Never skipped: a
 * failure to start fails the run.
 */
export default async function setup(project: TestProject) {
  const postgres = await startPostgresProcess();
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
