import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageRecorder } from '../../src/gateway/usage/usage-recorder.js';
import { jsonOf, startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { createTestDatabase, dialects, openTestStore } from '../support/stores.js';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';

let peer: OpenAIPeer;
beforeAll(async () => {
  peer = await startOpenAIPeer({ models: ['peer-model'] });
});
afterAll(async () => {
  await peer?.stop();
});

/** $1 per token: a budget of $10 is spent in a few requests. */
const pricing = { inputPerMillion: 1_000_000, outputPerMillion: 1_000_000 };

/** A priced deployment on the peer and two keys: one without limits (the burst), one with a $10 budget. */
async function setUp(gateway: GatewayProcess): Promise<{ burstKey: string; budgetKey: string }> {
  await jsonOf(
    gateway.admin('POST', '/api/deployments', {
      name: 'burst',
      targets: [{ kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'peer-model' } }],
      settings: { pricing },
    }),
    201,
  );
  const { key: burstKey } = await jsonOf<{ key: string }>(gateway.admin('POST', '/api/keys', { name: 'burst' }), 201);
  const { key: budgetKey } = await jsonOf<{ key: string }>(
    gateway.admin('POST', '/api/keys', { name: 'budget', limits: { budgetUsd: 10 } }),
    201,
  );
  await gateway.modelReady(burstKey, 'burst');
  return { burstKey, budgetKey };
}

async function quotaRefused(client: OpenAI): Promise<boolean> {
  try {
    await client.chat.completions.create({ model: 'burst', messages: [{ role: 'user', content: 'hi' }] });
    return false;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status === 429 && error.code === 'quota_exceeded') return true;
    throw error;
  }
}

// Regression: `kill -9` lost the records still in the write buffer (up to 579 of 1,500 answered),
// and a key whose budget was spent answered again after the restart (budgets are read back from
// the records). Now each record is journaled before the answer's last byte and replayed at start.
describe.each(dialects)('a gateway killed with SIGKILL mid-burst, on %s', (dialect) => {
  it('has one record for every answered request after the restart, none twice, and a spent budget stays spent', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-crash-'));
    // Records reach the store only with a graceful stop: everything answered before the crash is in the write buffer.
    const environment = {
      DEVUP_USAGE_FLUSH_MS: '3600000',
      ...(dialect === 'postgres' ? { DEVUP_DATABASE_URL: await createTestDatabase() } : {}),
    };
    let gateway = await startGatewayProcess({ dataDir, environment });
    try {
      const { burstKey, budgetKey } = await setUp(gateway);
      const burst = gateway.client(burstKey);
      const answered: string[] = [];
      let crashing = false;
      const worker = async (first: number) => {
        for (let index = first; !crashing; index += 16) {
          try {
            const messages = [{ role: 'user' as const, content: `request ${index}` }];
            if (index % 2 === 0) {
              const { response } = await burst.chat.completions.create({ model: 'burst', messages }).withResponse();
              answered.push(response.headers.get('x-request-id')!);
            } else {
              const { data, response } = await burst.chat.completions.create({ model: 'burst', messages, stream: true }).withResponse();
              for await (const _chunk of data) {
                // read to the end: the stream is answered once [DONE] arrived
              }
              answered.push(response.headers.get('x-request-id')!);
            }
          } catch (error) {
            if (crashing) return; // cut off by the crash: never answered
            throw error;
          }
        }
      };
      const workers = Array.from({ length: 16 }, (_unused, index) => worker(index));
      while (answered.length < 200) await new Promise((resolve) => setTimeout(resolve, 5));

      // Spend the budget key's $10 while the burst runs, then crash at once: its records are the newest.
      const budget = gateway.client(budgetKey);
      let spent = 0;
      while (!(await quotaRefused(budget))) spent++;
      expect(spent).toBeGreaterThan(0);
      crashing = true;
      await gateway.kill();
      await Promise.all(workers);

      // The journal is private to the gateway's user.
      const journal = path.join(dataDir, 'usage-journal');
      expect(fs.statSync(journal).mode & 0o777).toBe(0o700);
      const segments = fs.readdirSync(journal);
      expect(segments.length).toBeGreaterThan(0);
      for (const segment of segments) expect(fs.statSync(path.join(journal, segment)).mode & 0o777).toBe(0o600);

      gateway = await startGatewayProcess({ dataDir, environment });
      await gateway.modelReady(burstKey, 'burst');
      expect(await quotaRefused(gateway.client(budgetKey))).toBe(true);

      const recorded = await gateway.recordCounts();
      const missing = answered.filter((id) => !recorded.has(id));
      const twice = [...recorded].filter(([, count]) => count > 1).map(([id]) => id);
      expect({ answered: answered.length, missing: missing.length, twice }).toEqual({ answered: answered.length, missing: 0, twice: [] });
      // The replayed segments are gone once the store has their records.
      await gateway.stop();
      expect(fs.readdirSync(journal)).toEqual([]);
    } finally {
      await gateway.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe.each(dialects)('usage journal replay on %s', (dialect) => {
  it('stores each journaled record once, skipping those the store has and a line torn by a crash', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-replay-'));
    const store = await openTestStore(dialect);
    const logger = pino({ level: 'silent' });
    const journal = path.join(dataDir, 'usage-journal');
    const record = (id: string) => ({
      request_id: id,
      at: Date.now(),
      deployment: 'd',
      operation: 'chat',
      stream: 0,
      prompt_tokens: 1,
      completion_tokens: 2,
      status: 200,
      latency_ms: 1,
      overhead_ms: 1,
      usage_estimated: 0,
    });
    try {
      const first = await UsageRecorder.open(store, logger, dataDir, { flushIntervalMs: 3_600_000, batchSize: 1_000 });
      for (const id of ['a', 'b', 'c']) first.record(record(id));
      // What a crash right after the store write, before the segment was deleted, leaves behind.
      const written = fs.readdirSync(journal).map((name) => [name, fs.readFileSync(path.join(journal, name))] as const);
      await first.flush();
      for (const id of ['d', 'e']) first.record(record(id));
      const crashed = fs.readdirSync(journal).map((name) => [name, fs.readFileSync(path.join(journal, name))] as const);
      await first.close();
      // The crash came before d and e reached the store.
      await store.db.deleteFrom('usage_records').where('request_id', 'in', ['d', 'e']).execute();

      for (const [name, content] of [...written, ...crashed]) fs.writeFileSync(path.join(journal, name), content);
      // A crash in the middle of a write: the last line is cut.
      const newest = fs.readdirSync(journal).sort().at(-1)!;
      fs.appendFileSync(path.join(journal, newest), '["f",17');
      const second = await UsageRecorder.open(store, logger, dataDir, { flushIntervalMs: 1_000, batchSize: 1_000 });
      await second.close();

      const rows = await store.db.selectFrom('usage_records').select('request_id').orderBy('request_id').execute();
      expect(rows.map((row) => row.request_id)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(fs.readdirSync(journal)).toEqual([]);
    } finally {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
