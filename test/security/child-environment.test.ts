import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/server/app.js';
import { createServices, type AppServices } from '../../src/server/services.js';
import { processServerScript, tempDataDir } from '../deploy/deploy-fixtures.js';
import { createTestDatabase } from '../support/stores.js';

const adminKey = 'devup-admin-key-of-the-gateway-0123';
const secretKey = 'devup-secret-key-of-the-gateway-4567';
const cloudKey = 'aws-secret-the-operator-exported-89';
const hfToken = 'hf_the-deployment-names-this-token';

// The gateway runs with its keys and database URL in its environment, as `DEVUP_… devup serve` does.
describe('a process deployment does not inherit the gateway secrets', () => {
  let dataDir: string;
  let databaseUrl: string;
  let services: AppServices;
  let app: FastifyInstance;

  const api = async (method: string, url: string, body?: unknown) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${adminKey}` },
      payload: body as object,
    });
    return response.json();
  };

  beforeAll(async () => {
    dataDir = tempDataDir();
    databaseUrl = await createTestDatabase();
    vi.stubEnv('DEVUP_ADMIN_KEY', adminKey);
    vi.stubEnv('DEVUP_SECRET_KEY', secretKey);
    vi.stubEnv('DEVUP_DATABASE_URL', databaseUrl);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', cloudKey);
    vi.stubEnv('CUDA_VISIBLE_DEVICES', '0,1');
    services = await createServices(loadConfig(process.env, { dataDir, logLevel: 'silent', seedLibrary: false }));
    app = await createApp(services);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    for (const deployment of services.deploymentManager.describeAll()) await services.deploymentManager.delete(deployment.name);
    await app.close();
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives the engine the allow-listed variables and its own env only, in its logs and log file alike', async () => {
    const created = await api('POST', '/api/deployments', {
      name: 'printer',
      targets: [
        {
          kind: 'process',
          spec: {
            command: process.execPath,
            args: [processServerScript, '--port', '{port}', '--print-environment'],
            env: { HF_TOKEN: hfToken },
            readyTimeoutMs: 15_000,
          },
        },
      ],
    });
    expect(services.config.databaseUrl).toBe(databaseUrl);
    const deadline = Date.now() + 20_000;
    while ((await api('GET', '/api/deployments/printer')).state !== 'ready') {
      if (Date.now() > deadline) throw new Error('the engine did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const lines: string[] = (await api('GET', '/api/deployments/printer/logs?limit=1000')).data.map(
      (entry: { line: string }) => entry.line,
    );
    const variables = Object.fromEntries(
      lines.filter((line) => line.startsWith('env ')).map((line) => [line.slice(4, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(variables).toMatchObject({ PATH: process.env.PATH, CUDA_VISIBLE_DEVICES: '0,1', HF_TOKEN: hfToken });
    expect(Object.keys(variables).filter((name) => name.startsWith('DEVUP_') || name.startsWith('AWS_'))).toEqual([]);

    const logFile = fs.readFileSync(path.join(dataDir, 'logs', `${created.targets[0].id}.log`), 'utf8');
    expect(logFile).toContain(`env HF_TOKEN=${hfToken}`);
    for (const secret of [adminKey, secretKey, databaseUrl, cloudKey]) {
      expect(lines.join('\n')).not.toContain(secret);
      expect(logFile).not.toContain(secret);
    }
  });
});
