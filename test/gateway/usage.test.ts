import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { createTestDatabase, dialects } from '../support/stores.js';
import { startGateway } from './support/gateway-harness.js';
import { peerKinds, targetKinds, type TargetFixture } from '../support/target-kinds.js';

let fixture: TargetFixture;
beforeAll(async () => {
  fixture = await targetKinds[0].start();
});
afterAll(async () => {
  await fixture?.stop();
});

const pricing = { inputPerMillion: 3, outputPerMillion: 15 };

describe.each(dialects)('usage records on %s', (dialect) => {
  it('records every request exactly, and loses none when shut down under load', async () => {
    const databaseUrl = dialect === 'postgres' ? await createTestDatabase() : undefined;
    // A long flush interval: records must come from the shutdown flush, not a timer.
    const gateway = await startGateway({
      config: { databaseUrl },
      gateway: { usage: { flushIntervalMs: 60_000, batchSize: 64 } },
      deployments: [
        { name: 'priced', modelId: null, targets: [fixture.target('p')], fallbacks: [], pricing },
        { name: 'unpriced', modelId: null, targets: [fixture.target('u')], fallbacks: [] },
      ],
    });
    const { id: keyId, key } = await gateway.createKey({ name: 'load' });
    const client = gateway.client(key);

    // Exact accounting first: known prompts, known token counts (words) and prices.
    await client.chat.completions.create({ model: 'priced', messages: [{ role: 'user', content: 'one two three' }] });
    const stream = await client.chat.completions.create({
      model: 'unpriced',
      stream: true,
      messages: [{ role: 'user', content: 'four five' }],
    });
    for await (const _chunk of stream) {
      // drain
    }
    const summary = (await (await gateway.admin('GET', '/api/usage')).json()) as { data: Array<Record<string, any>> };
    const byDeployment = Object.fromEntries(summary.data.map((row) => [row.deployment, row]));
    expect(byDeployment.priced).toMatchObject({
      keyId,
      keyName: 'load',
      requests: 1,
      errors: 0,
      promptTokens: 3,
      completionTokens: 4,
      unpricedRequests: 0,
    });
    expect(byDeployment.priced.costUsd).toBeCloseTo((3 * 3 + 4 * 15) / 1e6, 12);
    expect(byDeployment.unpriced).toMatchObject({ requests: 1, promptTokens: 2, completionTokens: 3, costUsd: null, unpricedRequests: 1 });
    expect(byDeployment.priced.day).toBe(new Date().toISOString().slice(0, 10));

    // Then load, and a graceful shutdown while requests are in flight.
    let answered = 0;
    let refused = 0;
    const one = async (index: number) => {
      try {
        if (index % 2 === 0) {
          await client.chat.completions.create({ model: 'priced', messages: [{ role: 'user', content: `request ${index}` }] });
        } else {
          const chunks = await client.chat.completions.create({
            model: 'priced',
            stream: true,
            messages: [{ role: 'user', content: `request ${index}` }],
          });
          for await (const _chunk of chunks) {
            // drain
          }
        }
        answered += 1;
      } catch (error) {
        // Requests that arrive after the listener closed are refused at the socket; they are not answered.
        if (error instanceof OpenAI.APIConnectionError) refused += 1;
        else throw error;
      }
    };
    const load = Array.from({ length: 8 }, async (_worker, worker) => {
      for (let index = worker; index < 1_000; index += 8) await one(index);
    });
    // Shut down mid-load: eight requests are in flight at any moment.
    while (answered < 40) await new Promise((resolve) => setTimeout(resolve, 10));
    await gateway.shutdown();
    await Promise.all(load);
    expect(answered).toBeLessThan(1_000);

    const store = await openStore({ databaseUrl, dataDir: gateway.dataDir });
    try {
      const row = await store.db
        .selectFrom('usage_records')
        .select((expression) => expression.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(row.count)).toBe(answered + 2);
      const tokens = await store.db
        .selectFrom('usage_records')
        .select((expression) => [expression.fn.sum<number>('prompt_tokens').as('prompt'), expression.fn.countAll<number>().as('count')])
        .where('status', '=', 200)
        .where('deployment', '=', 'priced')
        .executeTakeFirstOrThrow();
      // Every load request is "request N": 2 words of prompt, answered or not counted at all.
      expect(Number(tokens.prompt)).toBe(3 + 2 * answered);
    } finally {
      await store.close();
      await gateway.stop();
    }
  });
});

// Regression: when the upstream died mid-stream the record said 200, 0 tokens, $0.
describe.each(dialects.flatMap((dialect) => peerKinds.map((kind) => ({ dialect, kind }))))(
  'a stream its $kind.kind upstream cuts mid-way, on $dialect',
  ({ dialect, kind }) => {
    it('is billed for what was delivered, flagged estimated, with the status the client saw', async () => {
      const upstream = await kind.start();
      const gateway = await startGateway({
        config: { databaseUrl: dialect === 'postgres' ? await createTestDatabase() : undefined },
        deployments: [{ name: 'cut', modelId: null, targets: [upstream.target('c')], fallbacks: [], pricing }],
      });
      try {
        const client = gateway.client((await gateway.createKey()).key);
        upstream.peer.queue({ dieAfterChunks: 3 });
        let delivered = '';
        const read = async () => {
          const stream = await client.chat.completions.create({
            model: 'cut',
            stream: true,
            messages: [{ role: 'user', content: 'one two three four five' }],
          });
          for await (const chunk of stream) delivered += chunk.choices[0]?.delta?.content ?? '';
        };
        // The gateway ends the stream with an error event, which the SDK throws.
        await expect(read()).rejects.toThrow();
        expect(delivered).toBe('Echo: one two ');

        const logs = (await (await gateway.admin('GET', '/api/logs?deployment=cut')).json()) as { data: Array<Record<string, any>> };
        expect(logs.data).toHaveLength(1);
        const [record] = logs.data;
        expect(record).toMatchObject({
          status: 200,
          error_code: 'upstream_error',
          stream: true,
          usage_estimated: true,
          // 4 characters per token (src/providers/usage-estimate.ts).
          completion_tokens: Math.ceil(delivered.length / 4),
        });
        expect(record.prompt_tokens).toBeGreaterThan(0);
        expect(record.cost_usd).toBeCloseTo((record.prompt_tokens * 3 + record.completion_tokens * 15) / 1e6, 12);
      } finally {
        await gateway.stop();
        await upstream.stop();
      }
    });
  },
);

// Records are stored once per request id (a journal replay after a crash must not store one twice):
// an id a client chooses, and may send again, must not be the one that keys its record.
it('records two requests that carry the same client x-request-id as two, under the gateway’s own ids', async () => {
  const gateway = await startGateway({ deployments: [{ name: 'echo', modelId: null, targets: [fixture.target('e')], fallbacks: [] }] });
  try {
    const { key } = await gateway.createKey();
    const ids: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': 'chosen-by-the-client' },
        body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'again' }] }),
      });
      expect(response.status).toBe(200);
      ids.push(response.headers.get('x-request-id')!);
    }
    expect(new Set(ids).size).toBe(2);
    expect(ids).not.toContain('chosen-by-the-client');
    const logs = (await (await gateway.admin('GET', '/api/logs?deployment=echo')).json()) as { data: Array<{ request_id: string }> };
    expect(logs.data.map((record) => record.request_id).sort()).toEqual([...ids].sort());
  } finally {
    await gateway.stop();
  }
});
