import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/server/services.js';

// The server's logger, flooded while its stdout is not read (the test holds the pipe): FLOOD_LINES
// request-sized lines, then "flooded" on stderr. On "read\n" from stdin (the test reads stdout by then)
// it waits for the logger's once-a-second tick to run with stdout drained, and exits with all written.
const logger = createLogger({ logLevel: 'info' });
const lines = Number(process.env.FLOOD_LINES);
const padding = 'x'.repeat(200);
for (let line = 0; line < lines; line++) {
  logger.info({ reqId: `flood-${line}`, padding }, 'request');
  if (line % 1_000 === 0) await sleep(0);
}
process.stderr.write('flooded\n');
const flushed = () => new Promise<void>((resolve) => logger.flush(() => resolve()));
process.stdin.once('data', async () => {
  await sleep(1_200);
  await flushed();
  await sleep(1_200);
  await flushed();
  process.exit(0);
});
