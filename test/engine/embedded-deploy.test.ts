import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/server/app.js';
import { createServices, type AppServices } from '../../src/server/services.js';
import { storiesPath } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

const adminKey = 'devup-admin-engine-test-0123456789';

/** As a new user would: `devup pull` a local GGUF, `devup deploy` it, stream from it with the openai SDK. */
describe('embedded deployments through devup, /api and /v1', () => {
  let dataDir: string;
  let services: AppServices;
  let app: FastifyInstance;
  let url: string;
  const agent = new Agent();

  const api = (method: string, urlPath: string, body?: unknown) =>
    fetch(`${url}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const devup = (...args: string[]) => runCli([...args, '--server', url, '--data-dir', dataDir]);

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-engine-deploy-'));
    services = await createServices(loadConfig({}, { dataDir, adminKey, logLevel: 'silent', seedLibrary: false }));
    app = await createApp(services);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    vi.stubEnv('DEVUP_ADMIN_KEY', adminKey);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await agent.close();
    for (const deployment of services.deploymentManager.describeAll()) await services.deploymentManager.delete(deployment.name);
    await app.close();
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('pulls, deploys without a model (library entry from the header), serves, lists, stops and frees memory', async () => {
    const pulled = await devup('pull', storiesPath);
    expect(pulled.exitCode).toBe(0);
    expect(pulled.stdout).toMatch(/saved .*models\/stories260K\.gguf/);
    expect(pulled.stdout).toMatch(/llama, 292800 parameters, F32, context 2048, 5 layers, vocabulary 512, no chat template/);

    const deployed = await devup('deploy', '--target', 'embedded', '--file', 'stories260K.gguf', '--name', 'stories');
    expect(deployed.stderr + deployed.stdout).toMatch(/loading weights 100%/);
    expect(deployed.stdout).toMatch(/stories: ready/);
    expect(deployed.exitCode).toBe(0);

    const model = (await (await api('GET', '/api/models/stories260k')).json()) as Record<string, any>;
    expect(model).toMatchObject({ id: 'stories260k', totalParams: 292800, contextLength: 2048, architecture: 'Dense', openWeights: true });
    expect(model.spec).toMatchObject({
      format: 'gguf',
      ggufArchitecture: 'llama',
      quantization: 'F32',
      layers: 5,
      heads: 8,
      kvHeads: 4,
      vocabularySize: 512,
      chatTemplate: null,
    });

    const view = (await (await api('GET', '/api/deployments/stories')).json()) as Record<string, any>;
    expect(view).toMatchObject({ state: 'ready', model: 'stories260k' });
    expect(view.targets[0].memoryBytes).toBeGreaterThan(fs.statSync(storiesPath).size);

    const { key } = (await (await api('POST', '/api/keys', { name: 'engine' })).json()) as { key: string };
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0, fetchOptions: { dispatcher: agent } });
    const stream = await client.completions.create({
      model: 'stories',
      prompt: 'Once upon a time',
      max_tokens: 12,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      usage ??= chunk.usage ?? undefined;
    }
    expect(text.length).toBeGreaterThan(10);
    expect(usage).toMatchObject({ completion_tokens: 12 });

    const listed = await devup('deployments', 'list');
    expect(listed.stdout).toMatch(/stories\s+ready\s+stories260k/);
    expect(listed.stdout).toMatch(/MEMORY/);

    expect((await api('POST', '/api/deployments/stories/stop')).status).toBeLessThan(300);
    const deadline = Date.now() + 10_000;
    let stopped: Record<string, any>;
    do {
      stopped = (await (await api('GET', '/api/deployments/stories')).json()) as Record<string, any>;
    } while (
      stopped.state !== 'stopped' &&
      Date.now() < deadline &&
      (await new Promise((resolve) => setTimeout(resolve, 50))) === undefined
    );
    expect(stopped.state).toBe('stopped');
    expect(stopped.targets[0].memoryBytes).toBeNull();
  });

  it('refuses a truncated or non-GGUF file before recording anything', async () => {
    const cut = path.join(dataDir, 'models', 'cut.gguf');
    fs.mkdirSync(path.dirname(cut), { recursive: true });
    fs.writeFileSync(cut, fs.readFileSync(storiesPath).subarray(0, 700_000));
    const response = await api('POST', '/api/deployments', { name: 'cut', targets: [{ kind: 'embedded', spec: { file: 'cut.gguf' } }] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: Array<{ path: string; message: string }> } };
    expect(body.error.details).toEqual([{ path: 'body.targets.0.spec.file', message: expect.stringMatching(/truncated: 700000 bytes/) }]);
    expect((await api('GET', '/api/deployments/cut')).status).toBe(404);

    const cli = await devup('deploy', '--target', 'embedded', '--file', __filename, '--name', 'source');
    expect(cli.exitCode).not.toBe(0);
    expect(cli.stderr).toMatch(/not a GGUF file/);
  });
});
