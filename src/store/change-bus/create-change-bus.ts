import type { Config } from '../../config.js';
import type { ChangeBus } from './change-bus.js';
import { MemoryChangeBus } from './memory-change-bus.js';
import { RedisChangeBus } from './redis-change-bus.js';

/** In this process by default (one replica: nobody else to tell); Redis pub/sub when `config.redisUrl` is set. */
export function createChangeBus(config: Pick<Config, 'redisUrl'>): ChangeBus {
  return config.redisUrl ? new RedisChangeBus(config.redisUrl) : new MemoryChangeBus();
}
