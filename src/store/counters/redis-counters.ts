import { Redis } from 'ioredis';
import type { Counters } from './counters.js';

// INCRBYFLOAT, and set the expiry only when the window starts, in one round trip.
const addScript = `
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/** Counters in Redis, shared by every gateway replica that points at the same server. */
export class RedisCounters implements Counters {
  private readonly redis: Redis;

  constructor(url: string) {
    // Auto-pipelining batches the counter calls of concurrent requests into one write.
    this.redis = new Redis(url, { enableAutoPipelining: true, keyPrefix: 'devup:counter:', maxRetriesPerRequest: 2 });
    this.redis.defineCommand('devupAdd', { numberOfKeys: 1, lua: addScript });
  }

  async add(name: string, amount: number, ttlMs?: number): Promise<number> {
    const client = this.redis as Redis & { devupAdd(key: string, amount: string, ttl: string): Promise<string> };
    return Number(await client.devupAdd(name, String(amount), ttlMs === undefined ? '' : String(ttlMs)));
  }

  async get(name: string): Promise<number> {
    const value = await this.redis.get(name);
    return value === null ? 0 : Number(value);
  }

  async setIfAbsent(name: string, value: number): Promise<void> {
    await this.redis.set(name, String(value), 'NX');
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
