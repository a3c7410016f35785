import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/server/error-handler.js';
import { staticUiRoutes } from '../../src/server/static-ui.js';

describe('static UI route module', () => {
  let directory: string;
  let app: FastifyInstance;

  async function start(files: Record<string, string>): Promise<void> {
    directory = await mkdtemp(path.join(os.tmpdir(), 'devup-static-'));
    for (const [name, body] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
      await writeFile(path.join(directory, name), body);
    }
    app = Fastify();
    installErrorHandler(app);
    app.get('/api/models', () => ({ items: [] }));
    staticUiRoutes(directory)({ app } as never);
    await app.ready();
  }

  afterEach(async () => {
    await app?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers / with how to build the UI when web/dist is missing', async () => {
    await start({});
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('npm run build');
  });

  it('serves index.html for client routes, hashed assets as immutable, and never HTML for API paths', async () => {
    const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;
    await start({ 'index.html': '<!doctype html><div id="root"></div>', 'assets/index-abc123.js': script });

    for (const url of ['/', '/models/deepseek-v3', '/compare?models=a,b', '/deployments/chat%2Fv1']) {
      const page = await app.inject({ url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain('id="root"');
      expect(page.headers['cache-control'], url).toBe('no-cache');
    }

    const asset = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.rawPayload.length).toBeLessThan(script.length);
    const revalidated = await app.inject({ url: '/assets/index-abc123.js', headers: { 'if-none-match': String(asset.headers.etag) } });
    expect(revalidated.statusCode).toBe(304);

    expect((await app.inject({ url: '/api/models' })).json()).toEqual({ items: [] });
    expect((await app.inject({ url: '/models/%E0%A4%A' })).statusCode).toBe(400);
    for (const url of ['/api/unknown', '/v1/unknown', '/assets/missing.js', '/%2e%2e/%2e%2e/package.json']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.type, url).toBe('not_found_error');
    }
  });
});
