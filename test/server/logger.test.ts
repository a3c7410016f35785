import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { expect, it } from 'vitest';

it('drops log output past 16 MiB while stdout does not read, instead of buffering it all, and says how much once it reads again', async () => {
  // About 280 bytes a line: 35 MiB.
  const floodLines = 130_000;
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('../support/log-flood-child.ts', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, FLOOD_LINES: String(floodLines) },
  });
  const exited = once(child, 'exit');
  // stdout is not read until the child has logged everything: its pipe is full the whole time.
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stderr! }).on('line', (line) => line === 'flooded' && resolve());
    child.once('exit', (code) => reject(new Error(`the flooding child exited (${code}) before it had logged`)));
  });
  let bytes = 0;
  let requestLines = 0;
  const warnings: Array<Record<string, unknown>> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    bytes += line.length + 1;
    if (line.includes('"msg":"request"')) requestLines++;
    if (line.includes('log output dropped')) warnings.push(JSON.parse(line));
  });
  child.stdin!.write('read\n');
  const [code] = await exited;
  expect(code).toBe(0);
  // At most the 16 MiB buffer (and what the pipe held) came out of the 35 MiB logged.
  expect(bytes).toBeLessThan(20 * 1024 * 1024);
  expect(requestLines).toBeGreaterThan(0);
  expect(warnings.at(-1)).toMatchObject({ level: 40, msg: 'log output dropped: stdout did not keep up' });
  // Every line is either written or counted in a warning.
  const droppedLines = warnings.reduce((sum, warning) => sum + (warning.droppedLines as number), 0);
  expect(requestLines + droppedLines).toBe(floodLines);
});
