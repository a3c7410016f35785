import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DevupError } from '../errors.js';
import type { RouteModule } from '../http/route-module.js';

/** `web/dist`, from both `src/server` (tsx) and `dist/server` (built): two levels up. */
export const defaultUiDirectory = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// Paths the server owns; the SPA fallback never answers them with HTML.
const serverPaths = /^\/(api|v1|health|metrics)(\/|$)/;

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new DevupError('invalid_request', `Malformed path ${raw}`);
  }
}

interface CachedFile {
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  type: string;
}

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DevUp Gateway</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:640px;margin:4rem auto;padding:0 1rem;color:#0f172a}code{background:#f1f5f9;padding:.1em .4em;border-radius:4px}</style></head>
<body><h1>DevUp Gateway</h1><p>The API is running, but the web UI has not been built.</p>
<p>Build it with <code>npm run build</code> (or <code>npm install</code>, which builds), then reload this page.</p>
<p>API: <a href="/api/openapi.json">/api/openapi.json</a> · OpenAI-compatible: <code>/v1</code></p></body></html>`;

/**
 * Serves the built web UI (`web/dist`): hashed `/assets/*` cached for a year as immutable,
 * `index.html` revalidated on every load, and every other GET outside /api and /v1 answered
 * with `index.html` so the client-side router handles deep links. Register it last.
 *
 * @example routeModules.push(staticUiRoutes()) // or staticUiRoutes('/path/to/dist') in tests
 */
export function staticUiRoutes(directory: string = defaultUiDirectory): RouteModule<unknown> {
  const root = path.resolve(directory);
  const cache = new Map<string, CachedFile>();

  const load = async (relative: string): Promise<CachedFile | null> => {
    const cached = cache.get(relative);
    if (cached) return cached;
    const file = path.join(root, relative);
    if (!file.startsWith(root + path.sep)) return null;
    const body = await readFile(file).catch(() => null);
    if (!body) return null;
    const type = contentTypes[path.extname(file)] ?? 'application/octet-stream';
    const compressible = /text|javascript|json|svg/.test(type) && body.length > 1024;
    const entry = {
      body,
      gzip: compressible ? gzipSync(body) : null,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      type,
    };
    // index.html changes on rebuild; hashed assets never do.
    if (relative !== 'index.html') cache.set(relative, entry);
    return entry;
  };

  const send = (request: FastifyRequest, reply: FastifyReply, file: CachedFile, cacheControl: string) => {
    reply
      .header('content-type', file.type)
      .header('cache-control', cacheControl)
      .header('etag', file.etag)
      .header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    if (file.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(file.gzip);
    }
    return reply.send(file.body);
  };

  return ({ app }) => {
    app.get('/*', async (request, reply) => {
      const pathname = decodePath(request.url.split('?')[0]);
      if (serverPaths.test(pathname)) throw new DevupError('not_found', `No route for GET ${pathname}`);
      const relative = pathname.replace(/^\/+/, '');
      if (relative && path.extname(relative)) {
        const file = await load(relative);
        if (!file) throw new DevupError('not_found', `No file ${pathname}`);
        return send(request, reply, file, relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
      }
      const index = existsSync(path.join(root, 'index.html')) ? await load('index.html') : null;
      if (!index) return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(notBuiltPage);
      return send(request, reply, index, 'no-cache');
    });
  };
}
