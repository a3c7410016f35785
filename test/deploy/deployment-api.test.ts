import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';
import { startAnthropicPeer, type AnthropicPeer } from '../support/upstreams/anthropic-peer.js';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';
import { endpointTarget } from '../../src/deploy/targets/endpoint-target.js';
import { inState, processServerScript, waitForDeployment } from './deploy-fixtures.js';

const upstreamKey = 'sk-upstream-never-printed-42';

describe('deployments through /api, the devup CLI and /v1', () => {
  let server: TestApp;
  let openaiPeer: OpenAIPeer;
  let anthropicPeer: AnthropicPeer;
  let client: OpenAI;

  beforeAll(async () => {
    openaiPeer = await startOpenAIPeer({ models: ['upstream-model'], apiKey: upstreamKey });
    anthropicPeer = await startAnthropicPeer({ apiKey: 'sk-ant-test' });
    server = await startApp();
    vi.stubEnv('TEST_UPSTREAM_KEY', upstreamKey);
    vi.stubEnv('TEST_ANTHROPIC_KEY', 'sk-ant-test');
    client = server.client((await server.createKey({ name: 'deploy-tests' })).key);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    for (const deployment of server.services.deploymentManager.describeAll())
      await server.services.deploymentManager.delete(deployment.name);
    await server.stop();
    await openaiPeer.stop();
    await anthropicPeer.stop();
  });

  it('deploys an endpoint with `devup deploy`, keeps its key secret, and serves it through /v1', async () => {
    const result = await server.devup(
      'deploy',
      '--target',
      'endpoint',
      '--name',
      'chat',
      '--url',
      openaiPeer.baseUrl,
      '--upstream-model',
      'upstream-model',
      '--api-key-env',
      'TEST_UPSTREAM_KEY',
      '--header',
      'X-Team: ml',
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/provisioning: starting 1 target\(s\): endpoint#1/);
    expect(result.stdout).toMatch(/^chat: ready$/m);
    expect(result.stdout).toMatch(/endpoint#1\s+up\s+1\s+http:\/\/127\.0\.0\.1:\d+\/v1\s+encrypted/);
    expect(result.stdout).toContain(`Serving as model "chat" at ${server.url}/v1`);
    expect(result.stdout).not.toContain(upstreamKey);

    const reply = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'through the gateway' }] });
    expect(reply.choices[0].message.content).toBe('Echo: through the gateway');
    const stream = await client.chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'streamed reply' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Echo: streamed reply');
    const upstreamCall = openaiPeer.requests.find((request) => request.path === '/v1/chat/completions')!;
    expect(upstreamCall.headers).toMatchObject({ authorization: `Bearer ${upstreamKey}`, 'x-team': 'ml' });
    expect(upstreamCall.body.model).toBe('upstream-model');

    const listed = await (await server.admin('GET', '/api/deployments')).json();
    expect(JSON.stringify(listed)).not.toContain(upstreamKey);
    expect(listed.data[0]).toMatchObject({
      name: 'chat',
      state: 'ready',
      targets: [{ kind: 'endpoint', hasSecret: true, spec: { headers: { 'X-Team': '***' } } }],
    });
  });

  it("parses each target's spec once per create: the route's schema, not again in the manager or the run", async () => {
    const parseSpec = vi.spyOn(endpointTarget, 'parseSpec');
    try {
      const response = await server.admin('POST', '/api/deployments', {
        name: 'parsed-once',
        targets: [{ kind: 'endpoint', spec: { url: openaiPeer.baseUrl, upstreamModel: 'upstream-model' }, secret: upstreamKey }],
      });
      expect(response.status).toBe(201);
      await waitForDeployment(server.services.deploymentManager, 'parsed-once', inState('ready'));
      expect(parseSpec).toHaveBeenCalledTimes(1);
    } finally {
      parseSpec.mockRestore();
    }
    expect((await server.admin('DELETE', '/api/deployments/parsed-once')).status).toBe(204);
  });

  it('lists every bad field of a create request in one 400, and needs the admin key', async () => {
    const response = await server.admin('POST', '/api/deployments', {
      name: 'x y',
      targets: [
        { kind: 'endpoint', spec: { url: 'nope', timeouts: { idleMs: 0 } } },
        { kind: 'process', weight: 0, spec: { command: 'llama-server' } },
      ],
      fallbacks: ['missing'],
    });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.type).toBe('invalid_request_error');
    expect(error.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
      'body.name',
      'body.targets.0.spec.timeouts.idleMs',
      'body.targets.0.spec.url',
      'body.targets.1.weight',
    ]);
    expect((await server.admin('GET', '/api/deployments', undefined, 'wrong-key')).status).toBe(401);
    const openapi = await (await fetch(`${server.url}/api/openapi.json`)).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/deployments',
        '/api/deployments/{name}',
        '/api/deployments/{name}/stop',
        '/api/deployments/{name}/start',
        '/api/deployments/{name}/events',
        '/api/deployments/{name}/logs',
      ]),
    );
    expect(openapi.paths['/api/deployments'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'targets']);
    expect((await server.admin('GET', '/api/deployments/nope')).status).toBe(404);
    const conflict = await server.admin('POST', '/api/deployments', {
      name: 'chat',
      targets: [{ kind: 'endpoint', spec: { url: openaiPeer.baseUrl } }],
    });
    expect(conflict.status).toBe(409);
    const cli = await server.devup(
      'deploy',
      '--target',
      'endpoint',
      '--name',
      'z',
      '--api-key-env',
      'NOT_SET_ANYWHERE',
      '--header',
      'broken',
    );
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toContain('--url is required for --target endpoint');
    expect(cli.stderr).toContain("--header 'broken' must be NAME:VALUE");
    expect(cli.stderr).toContain('--api-key-env: the environment variable NOT_SET_ANYWHERE is not set');
  });

  it('deploys Anthropic as an OpenAI chat model with a fallback', async () => {
    const result = await server.devup(
      'deploy',
      '--target',
      'anthropic',
      '--name',
      'claude',
      '--url',
      anthropicPeer.origin,
      '--upstream-model',
      'claude-peer',
      '--api-key-env',
      'TEST_ANTHROPIC_KEY',
      '--fallback',
      'chat',
      '--json',
    );
    expect(result.exitCode).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view).toMatchObject({
      name: 'claude',
      state: 'ready',
      fallbacks: ['chat'],
      targets: [{ kind: 'anthropic', status: 'up', hasSecret: true }],
    });
    const reply = await client.chat.completions.create({
      model: 'claude',
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello claude' },
      ],
    });
    expect(reply.choices[0].message.content).toContain('hello claude');
    expect(anthropicPeer.requests.find((request) => request.path === '/v1/messages')?.headers['x-api-key']).toBe('sk-ant-test');
  });

  it('runs an engine process: logs, serves /v1, stops, starts and deletes through the CLI', async () => {
    const command = `${process.execPath} ${processServerScript} --port {port} --model engine-model`;
    const deployed = await server.devup('deploy', '--target', 'process', '--name', 'engine', '--command', command, '--json');
    expect(deployed.exitCode).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ name: 'engine', state: 'ready', targets: [{ kind: 'process', status: 'up' }] });
    const reply = await client.chat.completions.create({ model: 'engine', messages: [{ role: 'user', content: 'from the engine' }] });
    expect(reply.choices[0].message.content).toMatch(/^Echo from pid \d+: from the engine$/);

    const logs = await server.devup('deployments', 'logs', 'engine');
    expect(logs.stdout).toMatch(/^\[process#1\] openai-process-server pid \d+ listening on 127\.0\.0\.1:\d+, model engine-model$/m);
    expect(logs.stdout).toContain('[process#1] POST /v1/chat/completions');
    const events = await server.devup('deployments', 'logs', 'engine', '--events');
    expect(events.stdout).toMatch(/state\s+loading: process#1: process started \(pid \d+\)/);

    const list = await server.devup('deployments', 'list');
    expect(list.stdout).toMatch(/^NAME\s+STATE\s+MODEL\s+TARGETS/);
    expect(list.stdout).toMatch(/^engine\s+ready\s+-\s+process#1 up\s+unpriced/m);
    expect(list.stdout).toMatch(/^chat\s+ready\s+-\s+endpoint#1 up\s+unpriced/m);
    const show = await server.devup('deployments', 'show', 'engine');
    expect(show.stdout).toMatch(/^engine: ready$/m);
    expect(show.stdout).toContain('Events:');

    expect((await server.devup('deployments', 'stop', 'engine')).stdout).toBe('engine: stopped\n');
    const gone = await client.chat.completions
      .create({ model: 'engine', messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await server.devup('deployments', 'start', 'engine')).stdout).toMatch(/^engine: (pending|provisioning|loading)\n$/);
    expect((await server.devup('deployments', 'delete', 'engine')).stdout).toBe('Deleted deployment engine\n');
    expect((await server.devup('deployments', 'show', 'engine')).stderr).toContain("404 not_found: deployment 'engine' does not exist");
  });

  it('reports a process that fails to start with its last lines and exit code 1', async () => {
    const result = await server.devup(
      'deploy',
      '--target',
      'process',
      '--name',
      'crashing',
      '--command',
      `${process.execPath} -e "console.error('CUDA error: out of memory'); process.exit(4)"`,
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^crashing: failed$/m);
    expect(result.stdout).toContain('reason: process#1: process exit code 4 before it became healthy; last output:');
    expect(result.stdout).toContain('CUDA error: out of memory');
  });
});
