import type { Config } from '../../config.js';
import type { Counters } from './counters.js';
import { MemoryCounters } from './memory-counters.js';
import { RedisCounters } from './redis-counters.js';

/** In this process by default; in Redis when `config.redisUrl` is set, shared by every replica. */
export function createCounters(config: Pick<Config, 'redisUrl'>): Counters {
  return config.redisUrl ? new RedisCounters(config.redisUrl) : new MemoryCounters();
}
