import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { jsonOf, startGatewayProcess } from '../support/gateway-process.js';
import { startPostgresProcess } from '../support/postgres-process.js';
import { startOpenAIPeer } from '../support/upstreams/openai-peer.js';

// Regression: during a PostgreSQL outage the admin API answered 500 internal_error while /health said ok.
it('answers a PostgreSQL outage with 503 + Retry-After on the admin API and /ready, keeps /health and /v1, and loses no record', async () => {
  const postgres = await startPostgresProcess();
  const peer = await startOpenAIPeer({ models: ['peer-model'] });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-outage-'));
  const gateway = await startGatewayProcess({ dataDir, environment: { DEVUP_DATABASE_URL: postgres.url } });
  let serving = true;
  try {
    await jsonOf(
      gateway.admin('POST', '/api/deployments', {
        name: 'steady',
        targets: [{ kind: 'endpoint', spec: { url: peer.baseUrl, upstreamModel: 'peer-model' } }],
      }),
      201,
    );
    const { key } = await jsonOf<{ key: string }>(gateway.admin('POST', '/api/keys', { name: 'outage' }), 201);
    await gateway.modelReady(key, 'steady');
    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'ok', redis: 'not configured', deployments: { ready: 1 } });

    // /v1 touches no database: it answers throughout.
    const client = gateway.client(key);
    const answered: string[] = [];
    const traffic = (async () => {
      while (serving) {
        const { response } = await client.chat.completions
          .create({ model: 'steady', messages: [{ role: 'user', content: `request ${answered.length}` }] })
          .withResponse();
        answered.push(response.headers.get('x-request-id')!);
      }
    })();
    const answeredAfter = async (count: number) => {
      while (answered.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await answeredAfter(20);

    await postgres.pause();
    for (const url of ['/api/keys', '/api/logs', '/api/usage']) {
      const response = await gateway.admin('GET', url);
      expect({ url, status: response.status, retryAfter: response.headers.get('retry-after') }).toEqual({
        url,
        status: 503,
        retryAfter: '5',
      });
      expect(await response.json()).toMatchObject({ error: { code: 'unavailable', type: 'api_error' } });
    }
    const notReady = await fetch(`${gateway.url}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ status: 'unavailable', store: 'unavailable' });
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    await answeredAfter(answered.length + 20);

    await postgres.resume();
    await eventually(async () => expect((await fetch(`${gateway.url}/ready`)).status).toBe(200), 20_000);
    serving = false;
    await traffic;
    expect((await gateway.admin('GET', '/api/keys')).status).toBe(200);
    // Records written while the store was down were kept and written once it came back.
    const recorded = await gateway.recordCounts();
    expect(answered.filter((id) => recorded.get(id) !== 1)).toEqual([]);
  } finally {
    serving = false;
    await gateway.stop();
    await peer.stop();
    await postgres.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
