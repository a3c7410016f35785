import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import OpenAI from 'openai';

export const processAdminKey = 'process-admin-key-0123456789abcdef';

export interface GatewayProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  pid: number;
  /** An OpenAI SDK client of this gateway (no SDK retries: the test sees every answer). */
  client(key: string): OpenAI;
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
 * `devup serve` as its own process (test/support/devup-cli.ts over the sources) on a free loopback
 * port, with only the environment given here (no DEVUP_* of the test run).
 *
 * @example
 *   const gateway = await startGatewayProcess({ dataDir, databaseUrl });
 *   await gateway.kill(); // crash it, then start another on the same data dir
 */
export async function startGatewayProcess(options: {
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** More DEVUP_* settings. */
  environment?: Record<string, string>;
}): Promise<GatewayProcess> {
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: options.dataDir,
    DEVUP_DATA_DIR: options.dataDir,
    DEVUP_ADMIN_KEY: processAdminKey,
    DEVUP_LOG_LEVEL: 'warn',
    DEVUP_SEED: '0',
    ...(options.databaseUrl ? { DEVUP_DATABASE_URL: options.databaseUrl } : {}),
    ...(options.redisUrl ? { DEVUP_REDIS_URL: options.redisUrl } : {}),
    ...options.environment,
  };
  const script = new URL('./devup-cli.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'serve', '--host', '127.0.0.1', '--port', '0'], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let errors = '';
  child.stderr!.on('data', (data: Buffer) => (errors = (errors + data.toString()).slice(-4_000)));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const started = /^DevUp Gateway (http:\/\/\S+)/.exec(line);
      if (started) resolve(started[1]);
    });
    void exited.then(([code]) => reject(new Error(`the gateway exited with code ${code} before it listened:\n${errors}`)));
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: 10_000 });
  const admin = (method: string, urlPath: string, body?: unknown) =>
    fetch(`${url}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${processAdminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    url,
    pid: child.pid!,
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
    stop: () => end('SIGTERM'),
  };
}

/** The JSON body of an answer that must have `status` (else throws with what came instead). */
export async function jsonOf<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${await answer.text()}`);
  return (await answer.json()) as T;
}
