import type { Config } from '../config.js';
import { readAdminKey } from '../server/admin-key.js';
import { CliError } from './cli-error.js';

/**
 * Talks to a running gateway's `/api` for verbs that change it (deploy, keys, admin edits).
 * Server from --server or DEVUP_SERVER (default http://127.0.0.1:8080); admin key from
 * DEVUP_ADMIN_KEY or the data dir.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly adminKey: string | undefined,
  ) {}

  static fromConfig(config: Config, server: string | undefined, environment: NodeJS.ProcessEnv = process.env): ApiClient {
    const baseUrl = (server ?? environment.DEVUP_SERVER ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    return new ApiClient(baseUrl, readAdminKey(config.dataDir, config.adminKey));
  }

  /** A GET that answers undefined for a 404 instead of failing (does the library have this model?). */
  async find<T>(path: string): Promise<T | undefined> {
    return this.send<T>('GET', path, undefined, true);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.send<T>(method, path, body, false)) as T;
  }

  private async send<T>(method: string, path: string, body: unknown, notFoundAsUndefined: boolean): Promise<T | undefined> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(this.adminKey ? { authorization: `Bearer ${this.adminKey}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach the gateway at ${this.baseUrl} (${(error as Error).message}); start it with \`devup serve\` or pass --server URL`,
        1,
      );
    }
    const text = await response.text();
    if (response.status === 404 && notFoundAsUndefined) return undefined;
    const payload = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const error = payload?.error;
      const details = Array.isArray(error?.details)
        ? `\n${error.details.map((detail: { path: string; message: string }) => `  - ${detail.path}: ${detail.message}`).join('\n')}`
        : '';
      throw new CliError(`${response.status} ${error?.code ?? ''}: ${error?.message ?? text}${details}`, 1);
    }
    return payload as T;
  }
}
