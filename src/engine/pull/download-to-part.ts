import fs from 'node:fs';
import { DevupError } from '../../errors.js';

export interface DownloadProgress {
  receivedBytes: number;
  /** Undefined when the server does not say. */
  totalBytes?: number;
}

export interface DownloadResult {
  totalBytes?: number;
  /** The hub's SHA-256 of the file (`x-linked-etag` of an LFS file), when it gave one. */
  hubSha256?: string;
}

const maxRedirects = 5;

/**
 * Downloads `url` into `partPath`, continuing from the bytes already there (HTTP Range). Follows
 * redirects by hand to read the hub's `x-linked-etag`/`x-linked-size` on the first answer (the
 * CDN's answer lacks them). A connection lost mid-body throws with the bytes kept for a resume.
 */
export async function downloadToPart(
  url: string,
  partPath: string,
  options: {
    signal?: AbortSignal;
    onProgress?(progress: DownloadProgress): void;
    /** Sent to `url`'s own origin only, never to where it redirects (the CDN): the hub token for gated repos. */
    authorization?: string;
    /** A server that sends nothing this long (before the answer or between body bytes) counts as a dropped connection. */
    idleTimeoutMs?: number;
  } = {},
): Promise<DownloadResult> {
  const idle = new IdleTimer(options.idleTimeoutMs ?? 60_000);
  try {
    return await download(url, partPath, options, idle);
  } finally {
    idle.stop();
  }
}

async function download(
  url: string,
  partPath: string,
  options: { signal?: AbortSignal; onProgress?(progress: DownloadProgress): void; authorization?: string },
  idle: IdleTimer,
): Promise<DownloadResult> {
  const start = fs.existsSync(partPath) ? fs.statSync(partPath).size : 0;
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  let hubSha256: string | undefined;
  let linkedSize: number | undefined;
  let location = url;
  let response: Response | undefined;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    response = await fetch(location, {
      redirect: 'manual',
      signal,
      headers: {
        ...(start > 0 ? { range: `bytes=${start}-` } : {}),
        ...(options.authorization && new URL(location).origin === new URL(url).origin ? { authorization: options.authorization } : {}),
      },
    }).catch((error: unknown) => {
      throw idle.fired ? interrupted(start, idle.reason, error) : error;
    });
    idle.restart();
    hubSha256 ??= sha256From(response.headers.get('x-linked-etag'));
    linkedSize ??= numberFrom(response.headers.get('x-linked-size'));
    const next = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !next) break;
    await response.body?.cancel();
    location = new URL(next, location).toString();
  }
  if (!response) throw new Error('unreachable');
  if (response.status === 416 && linkedSize !== undefined && start === linkedSize) {
    return { totalBytes: start, hubSha256 }; // already complete
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    const gated = response.headers.get('x-error-code') === 'GatedRepo';
    throw new DevupError(
      gated ? 'permission_denied' : 'upstream_error',
      `download of ${url} failed: HTTP ${response.status} ${response.statusText}${gated ? `: the repo is gated; set HF_TOKEN to a token of an account that accepted its terms` : ''}`,
    );
  }
  // 200 means the server ignored the range: start over.
  const offset = response.status === 206 ? rangeStart(response.headers.get('content-range')) : 0;
  if (offset !== start && response.status === 206)
    throw new DevupError('upstream_error', `the server resumed at byte ${offset}, not ${start}`);
  const length = numberFrom(response.headers.get('content-length'));
  const totalBytes = totalFrom(response.headers.get('content-range')) ?? (length !== undefined ? offset + length : linkedSize);

  const output = fs.createWriteStream(partPath, { flags: offset > 0 ? 'a' : 'w' });
  let receivedBytes = offset;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      idle.restart();
      receivedBytes += chunk.length;
      if (!output.write(chunk)) await new Promise<void>((resolve) => output.once('drain', () => resolve()));
      options.onProgress?.({ receivedBytes, totalBytes });
    }
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw interrupted(receivedBytes, idle.fired ? idle.reason : (error as Error).message, error);
  } finally {
    await new Promise((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve(undefined))));
  }
  return { totalBytes, hubSha256 };
}

function interrupted(receivedBytes: number, reason: string, cause: unknown): DevupError {
  return new DevupError(
    'upstream_error',
    `download interrupted after ${receivedBytes} bytes (${reason}); the bytes are kept and the next attempt resumes`,
    { cause },
  );
}

/** Aborts its signal when `restart` has not been called for `timeoutMs`. */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(private readonly timeoutMs: number) {
    this.timer = this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get fired(): boolean {
    return this.controller.signal.aborted;
  }

  get reason(): string {
    return `no data for ${this.timeoutMs / 1000} s`;
  }

  restart(): void {
    clearTimeout(this.timer);
    this.timer = this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): NodeJS.Timeout {
    return setTimeout(() => this.controller.abort(new Error(this.reason)), this.timeoutMs);
  }
}

function sha256From(etag: string | null): string | undefined {
  const value = etag?.replace(/^W\//, '').replaceAll('"', '').toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}

function numberFrom(header: string | null): number | undefined {
  const value = header === null ? Number.NaN : Number(header);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function rangeStart(contentRange: string | null): number {
  return Number(/bytes (\d+)-/.exec(contentRange ?? '')?.[1] ?? 0);
}

function totalFrom(contentRange: string | null): number | undefined {
  return numberFrom(/\/(\d+)$/.exec(contentRange ?? '')?.[1] ?? null);
}
