import fs from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/server/app.js';
import { createServices, type AppServices } from '../../src/server/services.js';
import { tempDataDir } from '../deploy/deploy-fixtures.js';

describe('the per-request log line', () => {
  let dataDir: string;
  let services: AppServices;
  let app: FastifyInstance;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    dataDir = tempDataDir();
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = loadConfig({}, { dataDir, logLevel: 'info', seedLibrary: false });
    services = await createServices(config, pino({ level: 'info' }, destination));
    app = await createApp(services);
  });

  afterAll(async () => {
    await app.close();
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the URL with the values of auth-like query parameters redacted', async () => {
    const query = 'api_key=sk-123&page=2&access_token=tok-456&X-Amz-Signature=sig-789&password=pw-012&q=llama';
    expect((await app.inject({ method: 'GET', url: `/health?${query}` })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/api/keys?key=AIza-345` })).statusCode).toBe(401);

    const urls = lines.filter((line) => line.msg === 'request').map((line) => line.url);
    expect(urls).toEqual([
      '/health?api_key=[redacted]&page=2&access_token=[redacted]&X-Amz-Signature=[redacted]&password=[redacted]&q=llama',
      '/api/keys?key=[redacted]',
    ]);
    const written = JSON.stringify(lines);
    for (const secret of ['sk-123', 'tok-456', 'sig-789', 'pw-012', 'AIza-345']) expect(written).not.toContain(secret);
  });
});
