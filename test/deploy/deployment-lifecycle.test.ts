import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentManager } from '../../src/deploy/deployment-manager.js';
import { DevupError } from '../../src/errors.js';
import type { Store } from '../../src/store/database.js';
import { dialects, openTestStore } from '../support/stores.js';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';
import { deploy, inState, openManager, tempDataDir, waitForDeployment } from './deploy-fixtures.js';

describe.each(dialects)('deployment lifecycle on %s', (dialect) => {
  let store: Store;
  let peer: OpenAIPeer;
  let dataDir: string;
  let manager: DeploymentManager;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    peer = await startOpenAIPeer({ models: ['upstream-model'], apiKey: 'sk-upstream-secret-123' });
    dataDir = tempDataDir();
    manager = await openManager(store, dataDir, 100);
  });
  afterEach(() => {
    peer.behavior = {};
  });
  afterAll(async () => {
    await manager.close();
    await peer.stop();
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const endpoint = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    targets: [{ kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'upstream-model' }, secret: 'sk-upstream-secret-123' }],
    ...extra,
  });

  it('goes pending → provisioning → ready, is routable, and persists its events in order', async () => {
    const created = await deploy(manager, endpoint('chat'));
    expect(created.state === 'pending' || created.state === 'provisioning').toBe(true);
    expect(manager.get('chat')).toBeUndefined();
    const ready = await waitForDeployment(manager, 'chat', inState('ready'));
    expect(ready.targets[0]).toMatchObject({ kind: 'endpoint', status: 'up', hasSecret: true, address: peer.baseUrl });

    const routable = manager.get('chat')!;
    expect(routable.targets).toHaveLength(1);
    expect(routable.targets[0]).toMatchObject({ kind: 'endpoint', upstreamModel: 'upstream-model', weight: 1 });
    expect(manager.list().map((deployment) => deployment.name)).toContain('chat');
    const reply = await routable.targets[0].provider.call({
      operation: 'chat',
      body: { model: 'upstream-model', messages: [{ role: 'user', content: 'hello there' }] },
      signal: AbortSignal.timeout(5_000),
    });
    expect(reply.kind === 'json' && (reply.body as any).choices[0].message.content).toBe('Echo: hello there');

    const events = await manager.events('chat');
    const rows = await store.db
      .selectFrom('deployment_events')
      .innerJoin('deployments', 'deployments.id', 'deployment_events.deployment_id')
      .select(['type', 'message'])
      .where('deployments.name', '=', 'chat')
      .orderBy('deployment_events.id')
      .execute();
    expect(rows.map((row) => row.message)).toEqual(events.map((event) => event.message));
    expect(events.map((event) => event.type)).toEqual(['created', 'state', 'target', 'state']);
    expect(events[1].message).toMatch(/^provisioning: starting 1 target/);
    expect(events[3].message).toMatch(/^ready:/);
    const row = await store.db.selectFrom('deployments').selectAll().where('name', '=', 'chat').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'ready', desired_state: 'running' });
  });

  it('stores the upstream API key encrypted, never in the row or the view', async () => {
    const target = await store.db
      .selectFrom('deployment_targets')
      .innerJoin('deployments', 'deployments.id', 'deployment_targets.deployment_id')
      .select(['secret', 'spec'])
      .where('deployments.name', '=', 'chat')
      .executeTakeFirstOrThrow();
    expect(target.secret).toMatch(/^v1:/);
    expect(target.secret).not.toContain('sk-upstream-secret-123');
    expect(Buffer.from(target.secret!.split(':')[3], 'base64url').toString('latin1')).not.toContain('sk-upstream');
    expect(target.spec).not.toContain('sk-upstream');
    expect(JSON.stringify(manager.describe('chat'))).not.toContain('sk-upstream');
    // The peer demands the key: the deployment reached ready only because it was decrypted and sent.
    expect(peer.requests.some((request) => request.headers.authorization === 'Bearer sk-upstream-secret-123')).toBe(true);
    expect((fs.statSync(`${dataDir}/secret.key`).mode & 0o777).toString(8)).toBe('600');
  });

  it('lists every bad field in one error', async () => {
    const attempt = deploy(manager, {
      name: '-bad name',
      targets: [
        { kind: 'endpoint', spec: { url: 'ftp://x', headers: { 'bad header': 'v' } } },
        { kind: 'teleport', spec: {} },
        { kind: 'process', spec: { args: 'x' } },
      ],
      fallbacks: [],
      settings: { timeouts: { connectMs: -1 } },
    });
    const error = await attempt.catch((caught) => caught);
    expect(DevupError.isInstance(error) && error.status).toBe(400);
    const paths = (error as DevupError).fieldErrors!.map((field) => field.path).sort();
    expect(paths).toEqual(
      [
        'name',
        'settings.timeouts.connectMs',
        'targets.0.spec.headers.bad header',
        'targets.0.spec.url',
        'targets.1.kind',
        'targets.2.spec.args',
        'targets.2.spec.command',
      ].sort(),
    );

    const references = await deploy(manager, endpoint('refs', { model: 'no-such-model', fallbacks: ['nowhere', 'refs'] })).catch(
      (caught) => caught,
    );
    expect((references as DevupError).fieldErrors!.map((field) => field.path)).toEqual(['fallbacks.0', 'fallbacks.1', 'model']);
    const duplicate = await deploy(manager, endpoint('chat')).catch((caught) => caught);
    expect((duplicate as DevupError).code).toBe('conflict');
    expect(await store.db.selectFrom('deployments').select('name').where('name', 'in', ['refs', '-bad name']).execute()).toEqual([]);
  });

  it('goes degraded when its endpoint fails health checks and ready when it recovers', async () => {
    await deploy(manager, endpoint('flaky'));
    await waitForDeployment(manager, 'flaky', inState('ready'));
    peer.behavior = { status: 503 };
    const degraded = await waitForDeployment(manager, 'flaky', inState('degraded'));
    expect(degraded.reason).toMatch(/endpoint#1 down: health check failed/);
    expect(degraded.targets[0].status).toBe('down');
    // Still routable (so requests fail upstream and fallbacks apply, not 404).
    expect(manager.get('flaky')?.targets).toHaveLength(1);
    peer.behavior = {};
    await waitForDeployment(manager, 'flaky', inState('ready'));
    const types = (await manager.events('flaky')).map((event) => `${event.type}:${event.message.split(':')[0]}`);
    expect(types).toEqual(expect.arrayContaining(['state:degraded', 'health:endpoint#1', 'state:ready']));
    expect(types.indexOf('state:degraded')).toBeLessThan(types.lastIndexOf('state:ready'));
  });

  it('fails with the reason when the endpoint cannot be reached', async () => {
    await deploy(manager, { name: 'unreachable', targets: [{ kind: 'endpoint', spec: { url: 'http://127.0.0.1:9/v1' } }] });
    const failed = await waitForDeployment(manager, 'unreachable', inState('failed'));
    expect(failed.reason).toMatch(/^endpoint#1: health check failed/);
    expect(manager.get('unreachable')).toBeUndefined();
  });

  it('keeps retrying a target that could not start and becomes ready once it is up', async () => {
    peer.behavior = { status: 503 };
    await deploy(manager, endpoint('late'));
    const failed = await waitForDeployment(manager, 'late', inState('failed'));
    expect(failed.reason).toMatch(/^endpoint#1: health check failed: .*503/);
    peer.behavior = {};
    await waitForDeployment(manager, 'late', inState('ready'));
    const events = (await manager.events('late')).map((event) => `${event.type} ${event.message}`);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^target endpoint#1 failed to start: health check failed: .*; retrying in 1000 ms$/),
        expect.stringMatching(/^state ready: endpoint#1 started after \d+ retry\(ies\)$/),
      ]),
    );
    expect(manager.get('late')?.targets).toHaveLength(1);
  });

  it('stops, starts, prices from the library, and falls back by name', async () => {
    const now = Date.now();
    await store.db
      .insertInto('models')
      .values({
        id: 'priced-model',
        name: 'Priced',
        publisher: 'Test',
        family: null,
        variant: null,
        description: '',
        architecture: 'Dense',
        total_params: null,
        activated_params: null,
        context_length: null,
        license: null,
        open_weights: 1,
        release_date: null,
        tags: '[]',
        links: '[]',
        notes: '[]',
        spec: null,
        pricing: JSON.stringify({ inputPerMillion: 0.27, outputPerMillion: 1.1 }),
        source: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await deploy(manager, endpoint('priced', { model: 'priced-model', fallbacks: ['chat'] }));
    await waitForDeployment(manager, 'priced', inState('ready'));
    expect(manager.get('priced')).toMatchObject({
      modelId: 'priced-model',
      fallbacks: ['chat'],
      pricing: { inputPerMillion: 0.27, outputPerMillion: 1.1 },
    });
    expect(manager.get('chat')?.pricing).toBeUndefined();

    const stopped = await manager.stop('priced');
    expect(stopped.state).toBe('stopped');
    expect(manager.get('priced')).toBeUndefined();
    await manager.start('priced');
    await waitForDeployment(manager, 'priced', inState('ready'));
    const messages = (await manager.events('priced')).map((event) => event.message);
    expect(messages).toEqual(expect.arrayContaining(['stopped: stopped on request', 'pending: start requested']));
  });

  it('comes back after a gateway restart: running ones restarted, stopped ones left stopped', async () => {
    await deploy(manager, endpoint('paused', { start: false }));
    await manager.close();
    manager = await openManager(store, dataDir, 100);
    expect(manager.describe('paused').state).toBe('stopped');
    await waitForDeployment(manager, 'chat', inState('ready'));
    await waitForDeployment(manager, 'priced', inState('ready'));
    expect(manager.get('priced')?.pricing).toEqual({ inputPerMillion: 0.27, outputPerMillion: 1.1 });
    expect(manager.get('paused')).toBeUndefined();
    const messages = (await manager.events('chat')).map((event) => event.message);
    expect(messages).toContain('pending: gateway started: bringing the deployment back');
  });

  it('deletes a deployment with its targets and events', async () => {
    await manager.delete('priced');
    expect(() => manager.describe('priced')).toThrow(/does not exist/);
    expect(manager.get('priced')).toBeUndefined();
    expect(await store.db.selectFrom('deployments').select('id').where('name', '=', 'priced').execute()).toEqual([]);
    const orphans = await store.db
      .selectFrom('deployment_events')
      .leftJoin('deployments', 'deployments.id', 'deployment_events.deployment_id')
      .select('deployments.id')
      .where('deployments.id', 'is', null)
      .execute();
    expect(orphans).toEqual([]);
  });
});
