import type { Config } from '../../config.js';
import type { Counters } from './counters.js';
import { MemoryCounters } from './memory-counters.js';
import { RedisCounters } from './redis-counters.js';

/** In this process by default; in Redis when `config.redisUrl` is set, shared by every replica. */
export async function createCounters(config: Pick<Config, 'redisUrl' | 'redisTimeoutMs'>): Promise<Counters> {
  return config.redisUrl ? RedisCounters.connect(config.redisUrl, { commandTimeoutMs: config.redisTimeoutMs }) : new MemoryCounters();
}
