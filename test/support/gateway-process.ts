import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import OpenAI from 'openai';
import { adminKey } from './start-app.js';

export interface GatewayProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  pid: number;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** An OpenAI SDK client of this gateway (no SDK retries: the test sees every answer). */
  client(key: string): OpenAI;
  /** A request with the admin key (`adminKey` of start-app.ts). */
  admin(method: string, urlPath: string, body?: unknown): Promise<Response>;
  /** How many usage records each request id has, read through /api/logs page by page. */
  recordCounts(): Promise<Map<string, number>>;
  /** Waits until the key sees `model` in /v1/models (after a start, the gateway brings its deployments back first). */
  modelReady(key: string, model: string): Promise<void>;
  /** SIGKILL, as a crash ends it (nothing flushed); resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful stop: in-flight requests finish, usage is written); resolves on exit. */
  stop(): Promise<void>;
}

/**
 * `devup serve` as an operator runs it: its own process (test/support/devup-cli.ts over the
 * sources), configured by DEVUP_* variables only (none of the test run's), on a free loopback port.
 * Without `dataDir` it gets a fresh one, removed by `stop`.
 *
 * @example
 *   const gateway = await startGatewayProcess({ dataDir, environment: { DEVUP_DATABASE_URL: url } });
 *   await gateway.kill(); // crash it, then start another on the same data dir
 */
export async function startGatewayProcess(
  options: { dataDir?: string; environment?: Record<string, string> } = {},
): Promise<GatewayProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'devup-gateway-process-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DEVUP_')));
  const script = new URL('./devup-cli.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'serve', '--host', '127.0.0.1', '--port', '0'], {
    env: {
      ...inherited,
      DEVUP_DATA_DIR: dataDir,
      DEVUP_ADMIN_KEY: adminKey,
      DEVUP_SEED: '0',
      DEVUP_LOG_LEVEL: 'warn',
      ...options.environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const started = /^DevUp Gateway (http:\/\/\S+)/.exec(line);
      if (started) resolve(started[1]);
    });
    void exited.then(([code]) => reject(new Error(`devup serve exited with code ${code} before it listened:\n${stderr}`)));
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: 20_000 });
  const admin = (method: string, urlPath: string, body?: unknown) =>
    fetch(`${url}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    url,
    pid: child.pid!,
    stderr: () => stderr,
    client,
    admin,
    async recordCounts() {
      const counts = new Map<string, number>();
      for (let before = ''; ; ) {
        const page = await jsonOf<{ data: Array<{ id: number; request_id: string }> }>(admin('GET', `/api/logs?limit=1000${before}`));
        for (const record of page.data) counts.set(record.request_id, (counts.get(record.request_id) ?? 0) + 1);
        if (page.data.length < 1000) return counts;
        before = `&before=${page.data.at(-1)!.id}`;
      }
    },
    async modelReady(key, model) {
      const deadline = Date.now() + 15_000;
      while (!(await client(key).models.list()).data.some((entry) => entry.id === model)) {
        if (Date.now() > deadline) throw new Error(`the deployment ${model} did not become ready`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    kill: () => end('SIGKILL'),
    async stop() {
      await end('SIGTERM');
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The JSON body of an answer that must have `status` (else throws with what came instead). */
export async function jsonOf<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${await answer.text()}`);
  return (await answer.json()) as T;
}
