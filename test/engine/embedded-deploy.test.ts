import fs from 'node:fs';
import path from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storiesPath } from '../support/fixtures.js';
import { startApp, type TestApp } from '../support/start-app.js';

/** As a new user would: `devup pull` a local GGUF, `devup deploy` it, stream from it with the openai SDK. */
describe('embedded deployments through devup, /api and /v1', () => {
  let server: TestApp;
  const agent = new Agent();

  const devup = (...args: string[]) => server.devup(...args, '--data-dir', server.dataDir);

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await agent.close();
    for (const deployment of server.services.deploymentManager.describeAll())
      await server.services.deploymentManager.delete(deployment.name);
    await server.stop();
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

    const model = (await (await server.admin('GET', '/api/models/stories260k')).json()) as Record<string, any>;
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

    const view = (await (await server.admin('GET', '/api/deployments/stories')).json()) as Record<string, any>;
    expect(view).toMatchObject({ state: 'ready', model: 'stories260k' });
    expect(view.targets[0].memoryBytes).toBeGreaterThan(fs.statSync(storiesPath).size);

    const { key } = await server.createKey({ name: 'engine' });
    const client = server.client(key, { fetchOptions: { dispatcher: agent } });
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

    expect((await server.admin('POST', '/api/deployments/stories/stop')).status).toBeLessThan(300);
    const deadline = Date.now() + 10_000;
    let stopped: Record<string, any>;
    do {
      stopped = (await (await server.admin('GET', '/api/deployments/stories')).json()) as Record<string, any>;
    } while (
      stopped.state !== 'stopped' &&
      Date.now() < deadline &&
      (await new Promise((resolve) => setTimeout(resolve, 50))) === undefined
    );
    expect(stopped.state).toBe('stopped');
    expect(stopped.targets[0].memoryBytes).toBeNull();
  });

  it('refuses a truncated or non-GGUF file before recording anything', async () => {
    const cut = path.join(server.dataDir, 'models', 'cut.gguf');
    fs.mkdirSync(path.dirname(cut), { recursive: true });
    fs.writeFileSync(cut, fs.readFileSync(storiesPath).subarray(0, 700_000));
    const response = await server.admin('POST', '/api/deployments', {
      name: 'cut',
      targets: [{ kind: 'embedded', spec: { file: 'cut.gguf' } }],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: Array<{ path: string; message: string }> } };
    expect(body.error.details).toEqual([{ path: 'body.targets.0.spec.file', message: expect.stringMatching(/truncated: 700000 bytes/) }]);
    expect((await server.admin('GET', '/api/deployments/cut')).status).toBe(404);

    const cli = await devup('deploy', '--target', 'embedded', '--file', __filename, '--name', 'source');
    expect(cli.exitCode).not.toBe(0);
    expect(cli.stderr).toMatch(/not a GGUF file/);
  });
});
