import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../support/redis-server.js';
import { createTestDatabase } from '../support/stores.js';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';
import { adminKey as adminToken } from '../support/start-app.js';
import { eventually } from '../support/eventually.js';
import { startReplica, type Replica } from './replica.js';

// Two gateway replicas as a load balancer would see them: one PostgreSQL database, one Redis,
// nothing else in common. Keys are reloaded on a 10 s timer by default, so anything seen on the
// other replica within the 3 s of `eventually` arrived by notification.
describe('two gateway replicas sharing PostgreSQL and Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let peer: OpenAIPeer;
  let first: Replica;
  let second: Replica;
  const messages = [{ role: 'user' as const, content: 'hello from a replica' }];

  beforeAll(async () => {
    redis = await startRedisServer();
    peer = await startOpenAIPeer({ models: ['peer-model'] });
    const databaseUrl = await createTestDatabase();
    first = await startReplica({ databaseUrl, redisUrl: redis.url, replicaId: 'replica-a' });
    second = await startReplica({ databaseUrl, redisUrl: redis.url, replicaId: 'replica-b' });
    const created = await first.admin('POST', '/api/deployments', {
      name: 'shared-echo',
      targets: [{ kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'peer-model' } }],
    });
    expect(created.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await peer?.stop();
    await redis?.stop();
  });

  it('a deployment with an endpoint target created on A is served by B through the openai SDK', async () => {
    // Deployments have no reload timer: B can only have learnt of it by notification (the wait allows for a loaded CI host).
    const completion = await eventually(
      () => second.client(adminToken).chat.completions.create({ model: 'shared-echo', messages }),
      15_000,
    );
    expect(completion.choices[0]?.message.content).toBe('Echo: hello from a replica');
    // B built its own provider: the request reached the peer from B, and A still serves too.
    const fromFirst = await first.client(adminToken).chat.completions.create({ model: 'shared-echo', messages });
    expect(fromFirst.choices[0]?.message.content).toBe('Echo: hello from a replica');
  });

  it('a key created through A works on B; revoked through A, it stops working on B', async () => {
    const { id, key } = await first.createKey({ deployments: ['shared-echo'] });
    const answer = await eventually(() => second.client(key).chat.completions.create({ model: 'shared-echo', messages }));
    expect(answer.choices[0]?.message.content).toBe('Echo: hello from a replica');
    expect((await first.admin('DELETE', `/api/keys/${id}`)).status).toBe(200);
    const refused = await eventually(async () => {
      const error = await second
        .client(key)
        .chat.completions.create({ model: 'shared-echo', messages })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      if (!error) throw new Error('key still accepted on B');
      return error;
    });
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('shares a per-key requests-per-minute limit: A and B together hit 429 at the limit', async () => {
    const { key } = await second.createKey({ limits: { requestsPerMinute: 4 } });
    await eventually(() => first.client(key).models.list());
    // Listing models is not counted; the four requests below are, alternating replicas.
    const statuses: number[] = [];
    for (const replica of [first, second, first, second, first, second]) {
      const status = await replica
        .client(key)
        .chat.completions.create({ model: 'shared-echo', messages })
        .then(
          () => 200,
          (error: unknown) => (error instanceof OpenAI.APIError ? (error.status ?? 0) : 0),
        );
      statuses.push(status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('usage records from both replicas land in the one database', async () => {
    const { id, key } = await first.createKey();
    await eventually(() => second.client(key).models.list());
    for (const replica of [first, second, second]) {
      await replica.client(key).chat.completions.create({ model: 'shared-echo', messages });
    }
    const rows = await eventually(async () => {
      const found = await first.services.store.db
        .selectFrom('usage_records')
        .select(['request_id', 'status'])
        .where('key_id', '=', id)
        .execute();
      if (found.length < 3) throw new Error(`only ${found.length} usage records so far`);
      return found;
    }, 10_000);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(3);
    expect(rows.every((row) => row.status === 200)).toBe(true);
  });

  it('one name created on both replicas at once: one 201, one 409 conflict', async () => {
    const body = { name: 'raced', targets: [{ kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'peer-model' } }] };
    const answers = await Promise.all([first.admin('POST', '/api/deployments', body), second.admin('POST', '/api/deployments', body)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    await eventually(async () => expect((await second.admin('DELETE', '/api/deployments/raced')).status).toBe(204));
    await eventually(async () => expect((await first.admin('GET', '/api/deployments/raced')).status).toBe(404));
  });

  it('a host-bound target runs only on its owner; stop, start and delete through the other replica move or end it', async () => {
    const processServer = path.resolve(import.meta.dirname, '../support/openai-process-server.mjs');
    const created = await first.admin('POST', '/api/deployments', {
      name: 'mixed',
      targets: [
        { kind: 'process', spec: { command: process.execPath, args: [processServer, '--port', '{port}', '--model', 'engine-model'] } },
        { kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'peer-model' } },
      ],
    });
    expect(created.status).toBe(201);
    const kinds = (replica: Replica) =>
      replica.services.deployments
        .get('mixed')
        ?.targets.map((target) => target.kind)
        .sort() ?? [];
    await eventually(async () => expect(kinds(first)).toEqual(['endpoint', 'process']), 20_000);
    // B follows A: it serves the shared endpoint and never starts a process of its own.
    await eventually(async () => expect(kinds(second)).toEqual(['endpoint']), 15_000);
    const answer = await second.client(adminToken).chat.completions.create({ model: 'mixed', messages });
    expect(answer.choices[0]?.message.content).toBe('Echo: hello from a replica');

    // Stopped through B: B now owns it, and A stops its process.
    const processAddress =
      first.services.deploymentManager.describe('mixed').targets.find((target) => target.kind === 'process')?.address ?? '';
    const processUrl = `http://${/127\.0\.0\.1:\d+/.exec(processAddress)?.[0]}/health`;
    expect((await fetch(processUrl)).ok).toBe(true);
    expect((await second.admin('POST', '/api/deployments/mixed/stop')).status).toBe(200);
    // The notification arrives at once; stopping the process (SIGTERM, then its exit) takes longer on a loaded machine.
    await eventually(async () => expect(first.services.deploymentManager.describe('mixed').state).toBe('stopped'), 15_000);
    expect(first.services.deployments.get('mixed')).toBeUndefined();
    await expect(fetch(processUrl)).rejects.toThrow();

    // Started through B: the process runs on B, and A follows with the endpoint only.
    expect((await second.admin('POST', '/api/deployments/mixed/start')).status).toBe(200);
    await eventually(async () => expect(kinds(second)).toEqual(['endpoint', 'process']), 20_000);
    await eventually(async () => expect(kinds(first)).toEqual(['endpoint']), 15_000);

    // Deleted through A: gone from B too, its process stopped.
    expect((await first.admin('DELETE', '/api/deployments/mixed')).status).toBe(204);
    await eventually(async () => expect((await second.admin('GET', '/api/deployments/mixed')).status).toBe(404));
    expect(second.services.deployments.get('mixed')).toBeUndefined();
  }, 60_000);
});
