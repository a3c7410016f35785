import type { Config } from '../../config.js';
import { DevupError } from '../../errors.js';
import { describeTarget, hubResponseError, hubTransportError, type HubTarget } from './hub-errors.js';
import type { HubReference } from './hub-reference.js';
import { hubModelInfoSchema, hubTreeEntrySchema, toHubFile, type HubFile, type HubModelInfo } from './hub-shapes.js';

export interface HubClientOptions {
  /** `https://huggingface.co`, a mirror, or a test peer. */
  baseUrl: string;
  /** `HF_TOKEN`: sent as `Authorization: Bearer` to the hub (fetch drops it on the redirect to the CDN). */
  token?: string;
  /** Each request, body included, must finish within this. */
  timeoutMs?: number;
}

const maxTreePages = 200;

/**
 * Reads a model repository from the Hugging Face hub's API: the model info
 * (`/api/models/{repo}`), the recursive file list with sizes and LFS SHA-256s
 * (`/api/models/{repo}/tree/{revision}`, following `Link: rel="next"` pages) and single files
 * (`/{repo}/resolve/{revision}/{file}`, whole or a byte range). Every failure is a DevupError
 * naming the repo and file (see hub-errors.ts).
 *
 * @example
 *   const hub = new HubClient({ baseUrl: config.hubUrl, token: config.hubToken });
 *   const config = JSON.parse(await hub.readText({ repo: 'Qwen/Qwen2.5-7B-Instruct', revision: 'main' }, 'config.json'));
 */
export class HubClient {
  readonly baseUrl: string;
  /** Each request's limit, and how long a download may go without data. */
  readonly timeoutMs: number;

  constructor(private readonly options: HubClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The hub of the configuration: DEVUP_HUB_URL, HF_TOKEN, DEVUP_HUB_TIMEOUT_MS. */
  static fromConfig(config: Pick<Config, 'hubUrl' | 'hubToken' | 'hubTimeoutMs'>): HubClient {
    return new HubClient({ baseUrl: config.hubUrl, token: config.hubToken, timeoutMs: config.hubTimeoutMs });
  }

  /** `Bearer <HF_TOKEN>` for downloads from this hub, when a token is set. */
  get authorization(): string | undefined {
    return this.options.token ? `Bearer ${this.options.token}` : undefined;
  }

  async modelInfo(reference: HubReference): Promise<HubModelInfo> {
    const path = reference.revision === 'main' ? '' : `/revision/${encodeURIComponent(reference.revision)}`;
    const answer = await this.json(`${this.baseUrl}/api/models/${reference.repo}${path}`, { ...reference });
    return this.validated(hubModelInfoSchema, answer, { ...reference }, 'model info');
  }

  /** Every file of the repository at the revision, in the hub's order (directories left out). */
  async listFiles(reference: HubReference): Promise<HubFile[]> {
    const target = { ...reference };
    const files: HubFile[] = [];
    let url: string | undefined =
      `${this.baseUrl}/api/models/${reference.repo}/tree/${encodeURIComponent(reference.revision)}?recursive=true&expand=false`;
    for (let page = 0; url; page++) {
      if (page >= maxTreePages)
        throw new DevupError('upstream_error', `the file list of ${describeTarget(target)} has over ${maxTreePages} pages`);
      const current: string = url;
      const { body, next } = await this.request<{ body: unknown; next: string | undefined }>(current, target, async (response) => ({
        body: await response.json().catch(() => undefined),
        next: nextPage(response.headers.get('link'), current),
      }));
      const entries = this.validated(hubTreeEntrySchema.array(), body, target, 'file list');
      files.push(...entries.filter((entry) => entry.type === 'file').map(toHubFile));
      url = next;
    }
    return files;
  }

  /** A small file as text (a model card, config.json); larger than `maxBytes` is refused. */
  async readText(reference: HubReference, file: string, maxBytes = 4_000_000): Promise<string> {
    const target = { ...reference, file };
    return this.request(this.fileUrl(reference, file), target, async (response) => {
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (declared > maxBytes) {
        await response.body?.cancel();
        throw new DevupError('invalid_request', `${describeTarget(target)} is ${declared} bytes; at most ${maxBytes} are read`);
      }
      const bytes = Buffer.from(await response.arrayBuffer());
      if (bytes.length > maxBytes) {
        throw new DevupError('invalid_request', `${describeTarget(target)} is over ${maxBytes} bytes; at most ${maxBytes} are read`);
      }
      return bytes.toString('utf8');
    });
  }

  /** Bytes `start` to `end` (inclusive) of a file, through an HTTP Range request. */
  async readRange(reference: HubReference, file: string, start: number, end: number): Promise<Buffer> {
    const target = { ...reference, file };
    return this.request(
      this.fileUrl(reference, file),
      target,
      async (response) => {
        const bytes = Buffer.from(await response.arrayBuffer());
        // A server that ignores Range answers 200 with the whole file.
        return response.status === 206 ? bytes : bytes.subarray(start, end + 1);
      },
      { range: `bytes=${start}-${end}` },
    );
  }

  /** Where a file downloads from: `{hub}/{repo}/resolve/{revision}/{file}`. */
  fileUrl(reference: HubReference, file: string): string {
    const encoded = file.split('/').map(encodeURIComponent).join('/');
    return `${this.baseUrl}/${reference.repo}/resolve/${encodeURIComponent(reference.revision)}/${encoded}`;
  }

  private async json(url: string, target: HubTarget): Promise<unknown> {
    return this.request(url, target, (response) => response.json().catch(() => undefined));
  }

  private async request<T>(
    url: string,
    target: HubTarget,
    read: (response: Response) => Promise<T>,
    headers: Record<string, string> = {},
  ): Promise<T> {
    try {
      const response = await fetch(url, {
        headers: { ...headers, ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw hubResponseError(response, target, this.options.token !== undefined);
      }
      return await read(response);
    } catch (error) {
      throw hubTransportError(error, target, this.timeoutMs);
    }
  }

  private validated<T>(
    schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Error } },
    value: unknown,
    target: HubTarget,
    what: string,
  ): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new DevupError('upstream_error', `the hub's ${what} for ${describeTarget(target)} is not what the hub API returns`);
  }
}

/** The `rel="next"` URL of a `Link` header, resolved against the current page. */
function nextPage(link: string | null, current: string): string | undefined {
  const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link ?? '');
  return match ? new URL(match[1], current).toString() : undefined;
}
