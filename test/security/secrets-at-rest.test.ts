import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp } from '../../src/server/app.js';
import { SecretBox } from '../../src/deploy/secrets.js';
import { openSpec, sealSpec } from '../../src/deploy/target-secrets.js';
import { kubernetesTarget } from '../../src/deploy/targets/kubernetes-target.js';
import { createServices, type AppServices } from '../../src/server/services.js';
import { processServerScript, tempDataDir } from '../deploy/deploy-fixtures.js';
import { createTestDatabase, dialects } from '../support/stores.js';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';

const adminKey = 'devup-admin-test-key-0123456789';
const secrets = {
  apiKey: 'sk-given-as-the-target-secret',
  header: 'header-token-value-31',
  urlPassword: 'url-password-value-47',
  urlQuery: 'query-key-value-59',
  hfToken: 'hf_engine-env-value-73',
  legacyHeader: 'legacy-header-value-83',
};

describe.each(dialects)('secret-bearing spec values at rest (%s)', (dialect) => {
  let dataDir: string;
  let config: Config;
  let services: AppServices;
  let app: FastifyInstance;
  let peer: OpenAIPeer;

  const api = async (method: string, url: string, body?: unknown) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${adminKey}` },
      payload: body as object,
    });
    return response.json();
  };
  const open = async () => {
    services = await createServices(config);
    app = await createApp(services);
  };
  const close = async () => {
    await app.close();
    await services.close();
  };
  const waitReady = async (name: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const view = await api('GET', `/api/deployments/${name}`);
      if (view.state === 'ready') return view;
      if (Date.now() > deadline) throw new Error(`${name} is ${view.state}: ${view.reason}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const chat = (model: string) =>
    api('POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hello' }] }).then(
      (answer) => answer.choices[0].message.content,
    );
  const rawRows = async () =>
    JSON.stringify([
      await services.store.db.selectFrom('deployment_targets').selectAll().execute(),
      await services.store.db.selectFrom('deployment_events').selectAll().execute(),
      await services.store.db.selectFrom('deployments').selectAll().execute(),
    ]);
  const expectNoSecretIn = (text: string) => {
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
  };

  beforeAll(async () => {
    dataDir = tempDataDir();
    peer = await startOpenAIPeer({ models: ['upstream-model'] });
    const databaseUrl = dialect === 'postgres' ? await createTestDatabase() : undefined;
    config = loadConfig({ PATH: process.env.PATH }, { dataDir, databaseUrl, adminKey, logLevel: 'silent', seedLibrary: false });
    await open();
  });

  afterAll(async () => {
    for (const deployment of services.deploymentManager.describeAll()) await services.deploymentManager.delete(deployment.name);
    await close();
    await peer.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores header values, URL credentials and engine env encrypted, returns none, and still sends them', async () => {
    const url = `http://reader:${secrets.urlPassword}@127.0.0.1:${new URL(peer.baseUrl).port}/v1?api_key=${secrets.urlQuery}&api-version=2`;
    await api('POST', '/api/deployments', {
      name: 'remote',
      targets: [
        { kind: 'endpoint', spec: { url, upstreamModel: 'upstream-model', headers: { 'X-Custom': secrets.header, 'X-Team': 'ml' } } },
      ],
    });
    await api('POST', '/api/deployments', {
      name: 'keyed',
      targets: [{ kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'upstream-model' }, secret: secrets.apiKey }],
    });
    await api('POST', '/api/deployments', {
      name: 'engine',
      targets: [
        {
          kind: 'process',
          spec: {
            command: process.execPath,
            args: [processServerScript, '--port', '{port}', '--print-environment'],
            env: { HF_TOKEN: secrets.hfToken },
          },
        },
      ],
    });
    const remote = await waitReady('remote');
    await waitReady('keyed');
    await waitReady('engine');

    expect(remote.targets[0].spec).toMatchObject({
      url: `http://***@127.0.0.1:${new URL(peer.baseUrl).port}/v1?api_key=***&api-version=2`,
      headers: { 'X-Custom': '***', 'X-Team': '***' },
    });
    expect((await api('GET', '/api/deployments/engine')).targets[0].spec.env).toEqual({ HF_TOKEN: '***' });
    expectNoSecretIn(JSON.stringify(await api('GET', '/api/deployments')));
    for (const name of ['remote', 'keyed', 'engine']) expectNoSecretIn(JSON.stringify(await api('GET', `/api/deployments/${name}/events`)));
    expectNoSecretIn(await rawRows());

    // The secrets still reach the upstream and the engine.
    expect(await chat('remote')).toBe('Echo: hello');
    const call = peer.requests.findLast((request) => request.path.startsWith('/v1/chat/completions'))!;
    expect(call.path).toBe(`/v1/chat/completions?api_key=${secrets.urlQuery}&api-version=2`);
    expect(call.headers).toMatchObject({
      authorization: `Basic ${Buffer.from(`reader:${secrets.urlPassword}`).toString('base64')}`,
      'x-custom': secrets.header,
      'x-team': 'ml',
    });
    expect(await chat('keyed')).toBe('Echo: hello');
    expect(peer.requests.findLast((request) => request.path.startsWith('/v1/chat/completions'))!.headers.authorization).toBe(
      `Bearer ${secrets.apiKey}`,
    );
    const engineLines = (await api('GET', '/api/deployments/engine/logs?limit=1000')).data.map((entry: { line: string }) => entry.line);
    expect(engineLines).toContain(`env HF_TOKEN=${secrets.hfToken}`);

    // After a restart the stored ciphertexts still open.
    await close();
    await open();
    await waitReady('remote');
    expect(await chat('remote')).toBe('Echo: hello');
    expect(peer.requests.findLast((request) => request.path.startsWith('/v1/chat/completions'))!.headers['x-custom']).toBe(secrets.header);
  });

  it('seals a target that an earlier version stored with its header values in the clear', async () => {
    const now = Date.now();
    await services.store.db
      .insertInto('deployments')
      .values({
        id: 'legacy-id',
        name: 'legacy',
        model_id: null,
        desired_state: 'running',
        state: 'ready',
        state_reason: null,
        fallbacks: '[]',
        settings: '{}',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const spec = { url: peer.baseUrl, upstreamModel: 'upstream-model', headers: { 'X-Custom': secrets.legacyHeader } };
    await services.store.db
      .insertInto('deployment_targets')
      .values({
        id: 'legacy-target',
        deployment_id: 'legacy-id',
        kind: 'endpoint',
        weight: 1,
        position: 0,
        spec: JSON.stringify(spec),
        secret: null,
      })
      .execute();

    await close();
    await open();
    const legacy = await waitReady('legacy');
    expect(legacy.targets[0].spec.headers).toEqual({ 'X-Custom': '***' });
    expectNoSecretIn(await rawRows());
    expect(await chat('legacy')).toBe('Echo: hello');
    expect(peer.requests.findLast((request) => request.path.startsWith('/v1/chat/completions'))!.headers['x-custom']).toBe(
      secrets.legacyHeader,
    );
  });
});

describe('a kubernetes target with credentials in its base URL', () => {
  it('keeps them encrypted apart from the spec and lays them back for the start', () => {
    const box = SecretBox.fromConfig({ dataDir: '/nonexistent', secretKey: 'a-test-secret-key-0123456789' });
    const spec = kubernetesTarget.parseSpec({
      kubeconfig: '/etc/kubeconfig',
      gpu: 'h100',
      baseUrl: 'http://svc:8000/v1?token=kube-token-97',
    });
    const sealed = sealSpec(kubernetesTarget, spec, box);
    expect(sealed.spec).toMatchObject({ baseUrl: 'http://svc:8000/v1?token=***' });
    expect(JSON.stringify(sealed)).not.toContain('kube-token-97');
    const record = { id: 't', kind: 'kubernetes', weight: 1, position: 0, encryptedSecret: null, ...sealed };
    expect(openSpec(record, box)).toEqual(spec);
  });
});
