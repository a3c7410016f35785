import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { splitFrontMatter } from '../../../src/library/importers/front-matter.js';

export interface HubPeerFile {
  /** The content; absent for a file only listed (a multi-GB checkpoint), which downloads answer 404 for. */
  bytes?: Buffer;
  /** Size and SHA-256 of a listed-only file. */
  listed?: { size: number; sha256: string };
  /** Kept in LFS (default for .gguf and .safetensors): the tree gives its SHA-256, downloads redirect to the CDN. */
  lfs?: boolean;
  /** What the redirect announces as `x-linked-etag`, when it should not be the true SHA-256. */
  announcedSha256?: string;
  /** Drop the connection after this many body bytes, on the first download of this file. */
  interruptFirstAfter?: number;
  /** Send this many body bytes and then nothing (the connection left open), on the first download of this file. */
  stallFirstAfter?: number;
  /** Never answer a download of this file (a stalled hub). */
  stall?: boolean;
  /**
   * On the first pull of this file (a download to its end, not a header read of a closed Range),
   * send `bytes`, then the rest once `until` resolves: a slow hub the test controls.
   */
  pauseFirst?: { bytes: number; until: Promise<void> };
}

export interface HubPeerRepo {
  files: Record<string, HubPeerFile>;
  /** Downloads need the peer's token (401 GatedRepo without a token, 403 with another one); info and tree stay public. */
  gated?: boolean;
  /** Never answer the model info request. */
  stallInfo?: boolean;
  createdAt?: string;
}

export interface HubPeerRequest {
  method: string;
  /** Path and query. */
  url: string;
  range: string;
  authorization?: string;
  /** Served by the CDN stand-in (another origin), not the hub. */
  cdn: boolean;
}

export interface HubPeer {
  url: string;
  requests: HubPeerRequest[];
  /** The commit a repo is at (derived from its files: changing them makes a new commit). */
  commitOf(repo: string): string;
  close(): Promise<void>;
}

/**
 * A stand-in for the Hugging Face hub on loopback, answering the routes `huggingface_hub` uses:
 * `GET /api/models/{repo}[/revision/{rev}]` (model info: sha, gated, cardData from the README's
 * front matter, siblings, createdAt), `GET /api/models/{repo}/tree/{rev}?recursive=true` (entries
 * `{type, oid, size, path, lfs: {oid, size, pointerSize}}`, paged with `Link: rel="next"`) and
 * `GET /{repo}/resolve/{rev}/{file}`: small files from git directly (`etag` = git blob id), LFS
 * files as a 302 to a CDN on another port with `x-linked-etag` (SHA-256), `x-linked-size` and
 * `x-repo-commit`; both honour `Range`. Errors as the hub writes them: `x-error-code` RepoNotFound
 * (401 anonymous, 404 with a token), RevisionNotFound, EntryNotFound, GatedRepo (401/403).
 * Revisions: `main` and the repo's commit id.
 *
 * @example const hub = await startHubPeer({ repos: { 'Qwen/Qwen2.5-72B-Instruct': { files: { 'config.json': { bytes } } } } });
 */
export async function startHubPeer(options: {
  repos: Record<string, HubPeerRepo>;
  token?: string;
  treePageSize?: number;
}): Promise<HubPeer> {
  const requests: HubPeerRequest[] = [];
  const downloads = new Map<string, number>();
  const pullCounts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let cdnOrigin = '';

  const hub = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hub');
    requests.push(record(request, false));
    const error = (status: number, code: string | undefined, message: string) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        ...(code ? { 'x-error-code': code } : {}),
        'x-error-message': message,
      });
      response.end(JSON.stringify({ error: message }));
    };
    const authorization = request.headers.authorization;
    if (authorization && options.token && authorization !== `Bearer ${options.token}`) {
      return error(401, undefined, 'Invalid credentials in Authorization header');
    }
    const api = /^\/api\/models\/([^/]+\/[^/]+)(?:\/(revision|tree)\/([^/]+)(?:\/(.*))?)?$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoName = api?.[1] ?? resolve?.[1];
    const repo = repoName ? options.repos[repoName] : undefined;
    if (!repoName || !repo) {
      return error(authorization ? 404 : 401, 'RepoNotFound', 'Repository not found');
    }
    const revision = decodeURIComponent((api ? api[3] : resolve?.[2]) ?? 'main');
    const commit = commitId(repoName, repo);
    if (revision !== 'main' && revision !== commit) return error(404, 'RevisionNotFound', `Invalid rev id: ${revision}`);

    if (api && api[2] !== 'tree') {
      if (repo.stallInfo) return; // never answered; closed with the server
      return json(response, modelInfo(repoName, repo, commit));
    }
    if (api) {
      const entries = treeEntries(repo);
      const pageSize = options.treePageSize ?? 1000;
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = entries.slice(cursor, cursor + pageSize);
      const next = cursor + pageSize < entries.length ? `${url.pathname}?recursive=true&cursor=${cursor + pageSize}` : undefined;
      return json(response, page, next ? { link: `<${next}>; rel="next"` } : {});
    }
    const filePath = decodeURIComponent(resolve![3]);
    const file = repo.files[filePath];
    if (!file) return error(404, 'EntryNotFound', `${filePath} does not exist on "${revision}"`);
    if (repo.gated && !authorization) {
      return error(
        401,
        'GatedRepo',
        `Access to model ${repoName} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
      );
    }
    if (repo.gated && authorization !== `Bearer ${options.token}`) {
      return error(403, 'GatedRepo', `Access to model ${repoName} is restricted and you are not in the authorized list.`);
    }
    if (file.stall) return;
    if (!file.bytes) return error(404, 'EntryNotFound', `${filePath} is listed only`);
    if (isLfs(filePath, file)) {
      response.writeHead(302, {
        location: `${cdnOrigin}/cdn/${repoName}/${encodeURIComponent(filePath)}`,
        'x-linked-etag': `"${file.announcedSha256 ?? sha256(file.bytes)}"`,
        'x-linked-size': String(file.bytes.length),
        'x-repo-commit': commit,
        etag: `"${gitBlobId(lfsPointer(file.bytes))}"`,
      });
      return void response.end();
    }
    serveBytes(request, response, file, `${repoName}/${filePath}`, { etag: `"${gitBlobId(file.bytes)}"`, 'x-repo-commit': commit });
  });

  const cdn = http.createServer((request, response) => {
    requests.push(record(request, true));
    const match = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(new URL(request.url ?? '/', 'http://cdn').pathname);
    const file = match ? options.repos[match[1]]?.files[decodeURIComponent(match[2])] : undefined;
    if (!file?.bytes) return void response.writeHead(404).end();
    serveBytes(request, response, file, `${match![1]}/${decodeURIComponent(match![2])}`, {});
  });

  function serveBytes(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    file: HubPeerFile,
    key: string,
    headers: http.OutgoingHttpHeaders,
  ) {
    const bytes = file.bytes!;
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    if (start >= bytes.length) return void response.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
    const body = bytes.subarray(start, end + 1);
    response.writeHead(range ? 206 : 200, {
      ...headers,
      'content-length': String(body.length),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${bytes.length}` } : {}),
    });
    const count = (downloads.get(key) ?? 0) + 1;
    downloads.set(key, count);
    if (count === 1 && file.stallFirstAfter !== undefined && file.stallFirstAfter < body.length) {
      response.write(body.subarray(0, file.stallFirstAfter));
      return;
    }
    // Header reads ask for a closed range; a pull reads to the end.
    const pulls = (pullCounts.get(key) ?? 0) + (range?.[2] ? 0 : 1);
    pullCounts.set(key, pulls);
    const pause = file.pauseFirst;
    if (!range?.[2] && pulls === 1 && pause && pause.bytes < body.length) {
      response.write(body.subarray(0, pause.bytes));
      void pause.until.then(() => response.end(body.subarray(pause.bytes)));
      return;
    }
    if (count === 1 && file.interruptFirstAfter !== undefined && file.interruptFirstAfter < body.length) {
      response.write(body.subarray(0, file.interruptFirstAfter), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    response.end(body);
  }

  for (const server of [hub, cdn])
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  const listen = async (server: http.Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const url = await listen(hub);
  cdnOrigin = await listen(cdn);
  return {
    url,
    requests,
    commitOf: (repo) => commitId(repo, options.repos[repo]),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([hub, cdn].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

/** A gate for `pauseFirst.until`: the peer holds the download until the test opens it. */
export function downloadGate(): { until: Promise<void>; open(): void } {
  let open = () => {};
  const until = new Promise<void>((resolve) => (open = resolve));
  return { until, open };
}

function record(request: http.IncomingMessage, cdn: boolean): HubPeerRequest {
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    range: request.headers.range ?? '',
    authorization: request.headers.authorization,
    cdn,
  };
}

function json(response: http.ServerResponse, body: unknown, headers: http.OutgoingHttpHeaders = {}) {
  response.writeHead(200, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function modelInfo(repoName: string, repo: HubPeerRepo, commit: string) {
  const readme = repo.files['README.md']?.bytes?.toString('utf8');
  let cardData: Record<string, unknown> | undefined;
  try {
    cardData = readme === undefined ? undefined : splitFrontMatter(readme).data;
  } catch {
    cardData = undefined; // the hub shows a card whose YAML it cannot parse without cardData
  }
  return {
    _id: crypto.createHash('md5').update(repoName).digest('hex').slice(0, 24),
    id: repoName,
    modelId: repoName,
    author: repoName.split('/')[0],
    sha: commit,
    private: false,
    gated: repo.gated ? 'manual' : false,
    disabled: false,
    tags: Array.isArray(cardData?.tags) ? cardData.tags : [],
    ...(cardData ? { cardData } : {}),
    siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
    createdAt: repo.createdAt ?? '2024-09-16T11:55:40.000Z',
    lastModified: '2025-01-12T02:10:10.000Z',
  };
}

function treeEntries(repo: HubPeerRepo) {
  return Object.entries(repo.files).map(([path, file]) => {
    const size = file.bytes?.length ?? file.listed!.size;
    if (!isLfs(path, file)) return { type: 'file', oid: gitBlobId(file.bytes!), size, path };
    const content = file.bytes ? sha256(file.bytes) : file.listed!.sha256;
    const pointer = lfsPointerFor(content, size);
    return { type: 'file', oid: gitBlobId(pointer), size, lfs: { oid: content, size, pointerSize: pointer.length }, path };
  });
}

function isLfs(path: string, file: HubPeerFile): boolean {
  return file.lfs ?? (/\.(gguf|safetensors)$/i.test(path) || file.bytes === undefined);
}

function commitId(repo: string, entry: HubPeerRepo): string {
  const hash = crypto.createHash('sha1').update(repo);
  for (const [path, file] of Object.entries(entry.files)) hash.update(path).update(file.bytes ?? Buffer.from(file.listed!.sha256));
  return hash.digest('hex');
}

function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Git's object id of a blob: SHA-1 over "blob <size>\0" and the content. */
function gitBlobId(bytes: Buffer): string {
  return crypto.createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function lfsPointer(bytes: Buffer): Buffer {
  return lfsPointerFor(sha256(bytes), bytes.length);
}

function lfsPointerFor(content: string, size: number): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${content}\nsize ${size}\n`);
}
