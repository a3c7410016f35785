import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import type { TestProject } from 'vitest/node';

/**
 * Starts one PostgreSQL server for the whole run, in a child process (see postgres-child.ts);
 * each suite creates its own database on it (see test/support/stores.ts). Never skipped: a
 * failure to start fails the run.
 */
export default async function setup(project: TestProject) {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./postgres-child.ts', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`PostgreSQL test server exited with code ${code} before it was ready`)));
  });
  const { url } = JSON.parse(await firstLine) as { url: string };
  project.provide('postgresUrl', url);
  return async () => {
    const exited = once(child, 'exit');
    child.stdin!.end();
    await exited;
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
