import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DevupError } from '../errors.js';
import type { RouteModule } from '../http/route-module.js';
import { readStaticFile, StaticFileCache, type StaticFile } from './static-file-cache.js';

/** `web/dist`, from both `src/server` (tsx) and `dist/server` (built): two levels up. */
export const defaultUiDirectory = fileURLToPath(new URL('../../web/dist/', import.meta.url));

// Paths the server owns; the SPA fallback never answers them with HTML.
const serverPaths = /^\/(api|v1|health|ready|metrics)(\/|$)/;

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new DevupError('invalid_request', `Malformed path ${raw}`);
  }
}

const notBuiltStyle =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:640px;margin:4rem auto;padding:0 1rem;color:#0f172a}code{background:#f1f5f9;padding:.1em .4em;border-radius:4px}';
const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DevUp Gateway</title>
<style>${notBuiltStyle}</style></head>
<body><h1>DevUp Gateway</h1><p>The API is running, but the web UI has not been built.</p>
<p>Build it with <code>npm run build</code> (or <code>npm install</code>, which builds), then reload this page.</p>
<p>API: <a href="/api/openapi.json">/api/openapi.json</a> · OpenAI-compatible: <code>/v1</code></p></body></html>`;

/**
 * The UI runs only the bundle it was built with: no inline or foreign script, no plugins, no
 * framing (clickjacking); card images may come from any https host. The one inline style allowed
 * is the not-built page's, by its hash.
 */
const policy = (styleSource: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    `style-src ${styleSource}`,
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
const uiPolicy = policy("'self'");
const notBuiltPolicy = policy(`'sha256-${createHash('sha256').update(notBuiltStyle).digest('base64')}'`);

/**
 * Serves the built web UI (`web/dist`): hashed `/assets/*` cached for a year as immutable,
 * `index.html` revalidated on every load, and every other GET outside /api and /v1 answered
 * with `index.html` so the client-side router handles deep links. Register it last. Files are
 * held in memory by resolved path, within the cache's byte cap.
 *
 * @example routeModules.push(staticUiRoutes()) // or staticUiRoutes('/path/to/dist', cache) in tests
 */
export function staticUiRoutes(directory: string = defaultUiDirectory, cache = new StaticFileCache()): RouteModule<unknown> {
  const root = path.resolve(directory);

  const send = (request: FastifyRequest, reply: FastifyReply, file: StaticFile, cacheControl: string) => {
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
      reply
        .header('content-security-policy', uiPolicy)
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer');
      const relative = pathname.replace(/^\/+/, '');
      if (relative && path.extname(relative)) {
        const file = path.join(root, relative);
        const loaded = file.startsWith(root + path.sep) ? await cache.load(file) : null;
        if (!loaded) throw new DevupError('not_found', `No file ${pathname}`);
        return send(
          request,
          reply,
          loaded,
          relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
        );
      }
      // index.html changes on rebuild: read each time, never cached.
      const indexFile = path.join(root, 'index.html');
      const index = existsSync(indexFile) ? await readStaticFile(indexFile) : null;
      if (!index) {
        return reply
          .header('content-security-policy', notBuiltPolicy)
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(notBuiltPage);
      }
      return send(request, reply, index, 'no-cache');
    });
  };
}
