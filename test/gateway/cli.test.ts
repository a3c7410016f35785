import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';
import { targetKinds, type TargetFixture } from '../support/target-kinds.js';

let fixture: TargetFixture;
let gateway: GatewayHarness;

beforeAll(async () => {
  fixture = await targetKinds[0].start();
  gateway = await startGateway({
    deployments: [
      {
        name: 'local',
        modelId: null,
        targets: [fixture.target('local-1')],
        fallbacks: [],
        pricing: { inputPerMillion: 1, outputPerMillion: 2 },
      },
    ],
  });
});

afterAll(async () => {
  await gateway?.stop();
  await fixture?.stop();
});

it('creates a key shown once, lists it, reports its usage, and revokes it', async () => {
  const created = await gateway.devup(
    'keys',
    'create',
    '--name',
    'ci',
    '--deployments',
    'local',
    '--expires',
    '30d',
    '--rpm',
    '100',
    '--json',
  );
  expect(created.exitCode).toBe(0);
  const { id, name, key } = JSON.parse(created.stdout) as { id: string; name: string; key: string };
  expect(name).toBe('ci');
  expect(key).toMatch(/^devup-/);

  const client = gateway.client(key);
  const stream = await client.chat.completions.create({
    model: 'local',
    stream: true,
    messages: [{ role: 'user', content: 'usage shows this' }],
  });
  for await (const _chunk of stream) {
    // drain
  }

  const listed = await gateway.devup('keys', 'list');
  expect(listed.stdout).toContain(id);
  expect(listed.stdout).toContain(key.slice(0, 12));
  expect(listed.stdout).not.toContain(key);
  expect(listed.stdout).toContain('requestsPerMinute=100');

  const usage = await gateway.devup('usage', '--json');
  const rows = JSON.parse(usage.stdout) as Array<Record<string, unknown>>;
  expect(rows).toEqual([
    expect.objectContaining({
      keyId: id,
      keyName: 'ci',
      deployment: 'local',
      requests: 1,
      promptTokens: 3,
      completionTokens: 4,
      unpricedRequests: 0,
    }),
  ]);
  expect(rows[0].costUsd).toBeCloseTo((3 * 1 + 4 * 2) / 1e6, 12);
  const table = await gateway.devup('usage');
  expect(table.stdout).toMatch(/ci \(key_[0-9a-f]+\)\s+local\s+1\s+0\s+3\s+4\s+\$0\.000011/);

  const revoked = await gateway.devup('keys', 'revoke', id);
  expect(revoked.stdout).toContain(`Revoked key ${id}`);
  const error = await client.models.list().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
});

it('lists every bad flag of keys create at once', async () => {
  const result = await gateway.devup('keys', 'create', '--expires', 'soon', '--rpm', '1.5');
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain('--name is required');
  expect(result.stderr).toContain('--expires must be');
  expect(result.stderr).toContain('--rpm must be');
});
