import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { DevupError, notFound } from '../../errors.js';
import type { ChangeBus } from '../../store/change-bus/change-bus.js';
import { changeTopics } from '../../store/change-bus/change-topics.js';
import type { Store } from '../../store/database.js';
import type { ApiKeyRow } from '../../store/schema.js';
import type { ApiKey, ApiKeyInfo, KeyLimits } from './api-key.js';

export interface CreateKeyInput {
  name: string;
  deployments?: string[] | null;
  expiresAt?: number | null;
  limits?: KeyLimits | null;
}

const adminApiKey: ApiKey = { id: null, name: 'admin', deployments: null, limits: null, expiresAt: null };

/**
 * User keys: stored as SHA-256 hashes, held in memory by hash so that authenticating a request
 * is one hash and one map lookup. Changes made here apply at once and are announced on the
 * change bus; other replicas reload when they hear of them, and on a periodic timer as a safety net.
 *
 * @example
 *   const { key } = await keys.create({ name: 'ci', deployments: ['qwen'] }); // shown once
 *   keys.authenticate(`${key}`); // → ApiKey, or throws invalid_api_key
 */
export class KeyStore {
  private byHash = new Map<string, ApiKey>();
  private reloadTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: Store,
    private readonly adminKeyHash: Buffer,
    private readonly logger: Logger,
    /** Where key changes are announced to, and heard from, other replicas. */
    private readonly changes?: ChangeBus,
  ) {}

  /** Loads every live key and reloads every `reloadMs` (0: never) for changes from other replicas. */
  async start(reloadMs: number): Promise<void> {
    this.unsubscribe = await this.changes?.subscribe(changeTopics.keys, () => this.reloadInBackground());
    await this.reload();
    if (reloadMs > 0) this.reloadTimer = setInterval(() => this.reloadInBackground(), reloadMs).unref();
  }

  stop(): void {
    clearInterval(this.reloadTimer);
    this.unsubscribe?.();
  }

  async reload(): Promise<void> {
    const rows = await this.store.db.selectFrom('api_keys').selectAll().where('revoked_at', 'is', null).execute();
    this.byHash = new Map(rows.map((row) => [row.key_hash, toApiKey(row)]));
  }

  /** The key behind a bearer token; throws `invalid_api_key` for a missing, unknown, revoked or expired key. */
  authenticate(token: string | undefined): ApiKey {
    if (!token) throw new DevupError('invalid_api_key', 'Missing API key: send Authorization: Bearer YOUR_KEY');
    const digest = crypto.createHash('sha256').update(token).digest();
    const key = this.byHash.get(digest.toString('hex'));
    if (key) {
      if (key.expiresAt !== null && key.expiresAt <= Date.now()) throw new DevupError('invalid_api_key', 'This API key has expired');
      return key;
    }
    if (crypto.timingSafeEqual(digest, this.adminKeyHash)) return adminApiKey;
    throw new DevupError('invalid_api_key', 'Incorrect API key provided');
  }

  /** Creates a key and returns it in clear; this is the only time it is ever seen. */
  async create(input: CreateKeyInput): Promise<ApiKeyInfo & { key: string }> {
    const key = `devup-${crypto.randomBytes(24).toString('base64url')}`;
    const row: ApiKeyRow = {
      id: `key_${crypto.randomBytes(8).toString('hex')}`,
      name: input.name,
      key_hash: crypto.createHash('sha256').update(key).digest('hex'),
      key_prefix: key.slice(0, 12),
      deployments: input.deployments ? JSON.stringify(input.deployments) : null,
      limits: input.limits && Object.keys(input.limits).length > 0 ? JSON.stringify(input.limits) : null,
      created_at: Date.now(),
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
    };
    await this.store.db.insertInto('api_keys').values(row).execute();
    this.byHash.set(row.key_hash, toApiKey(row));
    this.announce(row.id);
    return { ...toInfo(row), key };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const rows = await this.store.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map(toInfo);
  }

  /** Revokes a key; requests with it fail from now on. Revoking twice is harmless. */
  async revoke(id: string): Promise<ApiKeyInfo> {
    const row = await this.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('API key', id);
    if (row.revoked_at === null) {
      row.revoked_at = Date.now();
      await this.store.db.updateTable('api_keys').set({ revoked_at: row.revoked_at }).where('id', '=', id).execute();
    }
    this.byHash.delete(row.key_hash);
    this.announce(row.id);
    return toInfo(row);
  }

  private reloadInBackground(): void {
    this.reload().catch((error) => this.logger.warn({ err: error }, 'reloading API keys failed'));
  }

  /** Tells the other replicas; a lost notification is caught up by their periodic reload. */
  private announce(id: string): void {
    this.changes?.publish(changeTopics.keys, { id }).catch((error) => this.logger.warn({ err: error }, 'announcing a key change failed'));
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    deployments: row.deployments ? new Set(JSON.parse(row.deployments) as string[]) : null,
    limits: row.limits ? (JSON.parse(row.limits) as KeyLimits) : null,
    expiresAt: row.expires_at,
  };
}

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  const iso = (value: number | null) => (value === null ? null : new Date(value).toISOString());
  return {
    id: row.id,
    name: row.name,
    prefix: row.key_prefix,
    deployments: row.deployments ? (JSON.parse(row.deployments) as string[]) : null,
    limits: row.limits ? (JSON.parse(row.limits) as KeyLimits) : null,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
  };
}
