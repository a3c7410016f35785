import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import OpenAI from 'openai';
import { adminKey } from '../support/start-app.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

export interface ReplicaProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  admin(method: string, urlPath: string, body?: unknown): Promise<Response>;
  /** An OpenAI SDK client of this replica (no SDK retries: the test sees every answer). */
  client(key: string): OpenAI;
  /** SIGTERM (graceful: in-flight requests finish, usage is written), then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * One gateway replica as an operator runs it: `devup serve` in a child process of its own (from
 * the sources, through tsx), configured by DEVUP_* variables only, on a free loopback port.
 */
export async function startReplicaProcess(environment: Record<string, string>): Promise<ReplicaProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-replica-process-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DEVUP_')));
  const child = spawn(process.execPath, ['--import', 'tsx', '--eval', "import('./src/cli/main.ts').then((cli) => cli.main(['serve']))"], {
    cwd: repositoryRoot,
    env: {
      ...inherited,
      DEVUP_HOST: '127.0.0.1',
      DEVUP_PORT: '0',
      DEVUP_DATA_DIR: dataDir,
      DEVUP_ADMIN_KEY: adminKey,
      DEVUP_SEED: '0',
      DEVUP_LOG_LEVEL: 'warn',
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const found = /^DevUp Gateway (http:\/\/\S+)/.exec(line);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`devup serve exited with code ${code} before listening:\n${stderr}`)));
  });
  return {
    url,
    child,
    stderr: () => stderr,
    admin: (method, urlPath, body) =>
      fetch(`${url}${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    client: (key) => new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0, timeout: 20_000 }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
