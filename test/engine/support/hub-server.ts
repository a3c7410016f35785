import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubFile {
  bytes: Buffer;
  /** SHA-256 the hub announces (`x-linked-etag`) on its redirect, as for LFS files. */
  linkedSha256?: string;
  /** Drop the connection after this many body bytes on the first download request. */
  interruptFirstAfter?: number;
}

export interface HubServer {
  url: string;
  /** `range` header of every CDN request, in order ('' when none). */
  ranges: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the Hugging Face hub on loopback: `/{repo}/resolve/main/{file}` answers 302 to a
 * CDN path with `x-linked-etag`/`x-linked-size`, and the CDN path serves bytes with Range support,
 * optionally cutting the first transfer short.
 */
export async function startHubServer(files: Record<string, HubFile>): Promise<HubServer> {
  const ranges: string[] = [];
  const served = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hub');
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    if (resolve) {
      const key = `${resolve[1]}/${decodeURIComponent(resolve[2])}`;
      const file = files[key];
      if (!file) return void response.writeHead(404).end('Entry not found');
      response.writeHead(302, {
        location: `/cdn/${encodeURIComponent(key)}`,
        ...(file.linkedSha256 ? { 'x-linked-etag': `"${file.linkedSha256}"`, 'x-linked-size': String(file.bytes.length) } : {}),
      });
      return void response.end();
    }
    const key = decodeURIComponent(url.pathname.replace(/^\/cdn\//, ''));
    const file = files[key];
    if (!file) return void response.writeHead(404).end();
    ranges.push(request.headers.range ?? '');
    const count = (served.get(key) ?? 0) + 1;
    served.set(key, count);
    const start = Number(/bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1] ?? 0);
    const body = file.bytes.subarray(start);
    response.writeHead(start > 0 ? 206 : 200, {
      'content-length': String(body.length),
      'accept-ranges': 'bytes',
      ...(start > 0 ? { 'content-range': `bytes ${start}-${file.bytes.length - 1}/${file.bytes.length}` } : {}),
    });
    if (count === 1 && file.interruptFirstAfter !== undefined) {
      response.write(body.subarray(0, file.interruptFirstAfter), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ranges,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
