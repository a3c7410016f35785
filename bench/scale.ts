// npm run bench:scale — how fast a change made on one gateway replica takes effect on another
// (two full apps sharing one PostgreSQL and one Redis, as test/scale runs them): a key created on A
// → accepted on B, a key revoked on A → refused on B, an endpoint deployment created on A →
// answered on B. Each is measured from A's API answer to B's first right answer, polling B back
// to back. Without notifications keys would wait for the 10 s reload and deployments forever.
import OpenAI from 'openai';
import { startPostgresServer } from '../test/support/postgres-server.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { startOpenAIPeer } from '../test/support/upstreams/openai-peer.js';
import { adminKey } from '../test/support/start-app.js';
import { startReplica, type Replica } from '../test/scale/replica.js';

const rounds = Number(process.env.ROUNDS ?? 20);
const postgres = await startPostgresServer();
const redis = await startRedisServer();
const peer = await startOpenAIPeer();
const shared = { databaseUrl: postgres.url, redisUrl: redis.url };
const first = await startReplica({ ...shared, replicaId: 'bench-a' });
const second = await startReplica({ ...shared, replicaId: 'bench-b' });

async function pollUntil(check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (!(await check())) if (performance.now() > deadline) throw new Error('change never arrived');
}
const accepted = (replica: Replica, key: string) =>
  replica
    .client(key)
    .models.list()
    .then(
      () => true,
      () => false,
    );
const refused = (replica: Replica, key: string) =>
  replica
    .client(key)
    .models.list()
    .then(
      () => false,
      (error: unknown) => error instanceof OpenAI.AuthenticationError,
    );

const results: Record<string, number[]> = {
  'key created on A → accepted on B': [],
  'key revoked on A → refused on B': [],
  'endpoint deployment created on A → answered on B': [],
};
for (let round = 0; round < rounds; round += 1) {
  let response = await first.admin('POST', '/api/keys', { name: `bench-${round}` });
  let started = performance.now();
  const { id, key } = (await response.json()) as { id: string; key: string };
  await pollUntil(() => accepted(second, key));
  results['key created on A → accepted on B'].push(performance.now() - started);

  response = await first.admin('DELETE', `/api/keys/${id}`);
  started = performance.now();
  await pollUntil(() => refused(second, key));
  results['key revoked on A → refused on B'].push(performance.now() - started);

  const name = `bench-${round}`;
  response = await first.admin('POST', '/api/deployments', {
    name,
    targets: [{ kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'peer-model' } }],
  });
  started = performance.now();
  if (response.status !== 201) throw new Error(`create answered ${response.status}`);
  const client = second.client(adminKey);
  await pollUntil(() =>
    client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'ping' }] }).then(
      () => true,
      () => false,
    ),
  );
  results['endpoint deployment created on A → answered on B'].push(performance.now() - started);
  await first.admin('DELETE', `/api/deployments/${name}`);
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
console.log(`\n| measurement (${rounds} rounds) | median ms | min ms | max ms |\n|---|---:|---:|---:|`);
for (const [label, values] of Object.entries(results)) {
  const ordered = sorted(values);
  console.log(
    `| ${label} | ${ordered[Math.floor(ordered.length / 2)].toFixed(1)} | ${ordered[0].toFixed(1)} | ${ordered.at(-1)!.toFixed(1)} |`,
  );
}

await first.stop();
await second.stop();
await peer.stop();
await redis.stop();
await postgres.stop();
