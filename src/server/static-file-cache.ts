import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  type: string;
}

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

/** Reads a file with its type, ETag and (for text over 1 KiB) gzipped body; null when it cannot be read. */
export async function readStaticFile(file: string): Promise<StaticFile | null> {
  const body = await readFile(file).catch(() => null);
  if (!body) return null;
  const type = contentTypes[path.extname(file)] ?? 'application/octet-stream';
  const compressible = /text|javascript|json|svg/.test(type) && body.length > 1024;
  return {
    body,
    gzip: compressible ? gzipSync(body) : null,
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    type,
  };
}

/**
 * Files read from disk, keyed by their resolved path (so no spelling of a URL adds an entry, and a
 * missing file is never stored), within a byte cap: the least recently used file leaves first.
 *
 * @example const file = await cache.load(path.join(root, 'assets/index-abc123.js'));
 */
export class StaticFileCache {
  readonly #files = new Map<string, StaticFile>();
  #bytes = 0;

  constructor(readonly maxBytes = 64 * 1024 * 1024) {}

  /** Files held now. */
  get entries(): number {
    return this.#files.size;
  }

  /** Bytes held now (plain and gzipped bodies). */
  get bytes(): number {
    return this.#bytes;
  }

  async load(file: string): Promise<StaticFile | null> {
    const cached = this.#files.get(file);
    if (cached) {
      // Map order is the recency order: move the hit to the end.
      this.#files.delete(file);
      this.#files.set(file, cached);
      return cached;
    }
    const loaded = await readStaticFile(file);
    if (loaded) this.#store(file, loaded);
    return loaded;
  }

  #store(file: string, entry: StaticFile): void {
    const size = sizeOf(entry);
    if (size > this.maxBytes || this.#files.has(file)) return;
    for (const [oldest, old] of this.#files) {
      if (this.#bytes + size <= this.maxBytes) break;
      this.#files.delete(oldest);
      this.#bytes -= sizeOf(old);
    }
    this.#files.set(file, entry);
    this.#bytes += size;
  }
}

const sizeOf = (entry: StaticFile) => entry.body.length + (entry.gzip?.length ?? 0);
