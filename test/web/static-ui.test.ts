import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/server/error-handler.js';
import { StaticFileCache } from '../../src/server/static-file-cache.js';
import { staticUiRoutes } from '../../src/server/static-ui.js';

describe('static UI route module', () => {
  let directory: string;
  let app: FastifyInstance;

  async function start(files: Record<string, string>, cache?: StaticFileCache): Promise<void> {
    directory = await mkdtemp(path.join(os.tmpdir(), 'devup-static-'));
    for (const [name, body] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
      await writeFile(path.join(directory, name), body);
    }
    app = Fastify();
    installErrorHandler(app);
    app.get('/api/models', () => ({ items: [] }));
    staticUiRoutes(directory, cache)({ app } as never);
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

  it('caches by the resolved file: hostile spellings of one asset path do not grow memory', async () => {
    const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;
    const cache = new StaticFileCache(1024 * 1024);
    await start({ 'index.html': '<!doctype html><div id="root"></div>', 'assets/index-abc123.js': script }, cache);
    const spellings = (index: number) => [
      `/assets/index-abc123.js?v=${index}`,
      `/assets${'/'.repeat(2 + index)}index-abc123.js`,
      `/${'/'.repeat(index)}%61ssets/index-abc123.js`,
      `/assets/${'./'.repeat(1 + index)}index-abc123.js`,
      `/assets/x${index}/../index-abc123.js`,
      `/assets/${'/'.repeat(index)}%69ndex-abc123.js`,
    ];
    for (let index = 0; index < 100; index++) {
      for (const url of spellings(index)) {
        const response = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
        expect(response.statusCode, url).toBe(200);
        expect(response.headers['content-encoding'], url).toBe('gzip');
      }
    }
    // 600 requests, one file: one entry, its bytes (plain + gzip) counted once.
    expect(cache.entries).toBe(1);
    expect(cache.bytes).toBeLessThan(script.length * 2);
    // Files that do not exist are never cached.
    for (let index = 0; index < 50; index++) expect((await app.inject({ url: `/assets/missing-${index}.js` })).statusCode).toBe(404);
    expect(cache.entries).toBe(1);
  });

  it('keeps the cache under its byte cap, evicting the least recently used file', async () => {
    const files: Record<string, string> = { 'index.html': '<!doctype html><div id="root"></div>' };
    for (let index = 0; index < 20; index++) files[`assets/chunk-${index}.png`] = String(index).padEnd(10_000, '.');
    const cache = new StaticFileCache(35_000);
    await start(files, cache);
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 20; index++) {
        const response = await app.inject({ url: `/assets/chunk-${index}.png` });
        expect(response.statusCode).toBe(200);
        expect(response.body.startsWith(String(index))).toBe(true);
        expect(cache.bytes).toBeLessThanOrEqual(35_000);
      }
    }
    expect(cache.entries).toBe(3);
  });

  it('sends security headers on every UI response: a CSP without inline script, nosniff, no framing', async () => {
    await start({ 'index.html': '<!doctype html><div id="root"></div>', 'assets/index-abc123.js': 'console.log(1);' });
    for (const url of ['/', '/models/deepseek-v3', '/assets/index-abc123.js', '/assets/missing.js']) {
      const response = await app.inject({ url });
      const policy = String(response.headers['content-security-policy']);
      expect(policy, url).toMatch(/(^|; )script-src 'self'(;|$)/);
      expect(policy, url).not.toContain('unsafe-inline');
      expect(policy, url).not.toContain('unsafe-eval');
      expect(policy, url).toContain("frame-ancestors 'none'");
      expect(policy, url).toContain("object-src 'none'");
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
    }
    // The API's own answers are left alone (their headers belong to those routes).
    expect((await app.inject({ url: '/api/models' })).headers['content-security-policy']).toBeUndefined();
  });

  it('sends the same headers with the page that says how to build the UI', async () => {
    await start({});
    const response = await app.inject({ url: '/' });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});
