import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Adjustment, CounterValue, Counters, LimitCheck, ReserveResult } from './counters.js';

// KEYS[1] is the set's epoch key (absent: the set is lost); KEYS[2..] the counters.

// ARGV: per check, limit, amount, ttl ('' for none). Checks every counter, then adds every amount.
const reserveScript = `
local epoch = redis.call('GET', KEYS[1])
if not epoch then return {'lost'} end
for i = 2, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used >= tonumber(ARGV[3 * i - 5]) then return {'refused', tostring(i - 2), tostring(used)} end
end
for i = 2, #KEYS do
  local amount = ARGV[3 * i - 4]
  if tonumber(amount) ~= 0 then
    redis.call('INCRBYFLOAT', KEYS[i], amount)
    local ttl = ARGV[3 * i - 3]
    if ttl ~= '' and redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
return {'reserved', epoch}`;

// ARGV[1]: the reservation's epoch; then per counter, reserved, actual.
const settleScript = `
local epoch = redis.call('GET', KEYS[1])
if not epoch then return 0 end
local same = epoch == ARGV[1]
for i = 2, #KEYS do
  local actual = tonumber(ARGV[2 * i - 1])
  local delta = same and (actual - tonumber(ARGV[2 * i - 2])) or actual
  if delta ~= 0 and redis.call('EXISTS', KEYS[i]) == 1 then redis.call('INCRBYFLOAT', KEYS[i], tostring(delta)) end
end
return 1`;

// ARGV[1]: the new epoch; then per counter, value, ttl ('' for none). A set already known stays as it is.
const restoreScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #KEYS do
  local ttl = ARGV[2 * i - 1]
  if ttl == '' then redis.call('SET', KEYS[i], ARGV[2 * i - 2]) else redis.call('SET', KEYS[i], ARGV[2 * i - 2], 'PX', ttl) end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

interface ScriptCommands {
  devupReserve(keyCount: number, ...keysAndArgs: string[]): Promise<string[]>;
  devupSettle(keyCount: number, ...keysAndArgs: string[]): Promise<number>;
  devupRestore(keyCount: number, ...keysAndArgs: string[]): Promise<number>;
}

export interface RedisCountersOptions {
  /** A command not answered within this fails (a hung server must not hold requests). */
  commandTimeoutMs: number;
  /** How long `connect` waits for the first connection before returning anyway (it keeps trying). */
  connectTimeoutMs?: number;
}

/**
 * Counters in Redis, shared by every gateway replica that points at the same server; each
 * operation is one Lua script, so one round trip. When Redis is unreachable every call fails at
 * once (no offline queue, no retries, a command timeout) instead of waiting for it to return:
 * what to do then is the caller's policy.
 */
export class RedisCounters implements Counters {
  private readonly redis: Redis & ScriptCommands;

  private constructor(url: string, options: RedisCountersOptions) {
    // Auto-pipelining batches the scripts of concurrent requests into one write.
    this.redis = new Redis(url, {
      enableAutoPipelining: true,
      keyPrefix: 'devup:counter:',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
    }) as Redis & ScriptCommands;
    // Connection errors reach the callers as failed commands; ioredis keeps reconnecting. Without
    // a listener each one would be printed as "[ioredis] Unhandled error event".
    this.redis.on('error', () => {});
    this.redis.defineCommand('devupReserve', { lua: reserveScript });
    this.redis.defineCommand('devupSettle', { lua: settleScript });
    this.redis.defineCommand('devupRestore', { lua: restoreScript });
  }

  /** Connects, waiting for the first connection up to `connectTimeoutMs` (default 5 s). */
  static async connect(url: string, options: RedisCountersOptions): Promise<RedisCounters> {
    const counters = new RedisCounters(url, options);
    const redis = counters.redis;
    if (redis.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.connectTimeoutMs ?? 5_000);
        function done() {
          clearTimeout(timer);
          redis.off('ready', done);
          resolve();
        }
        redis.once('ready', done);
      });
    }
    return counters;
  }

  async reserve(set: string, checks: readonly LimitCheck[]): Promise<ReserveResult> {
    const keysAndArgs = [epochKey(set)];
    for (const check of checks) keysAndArgs.push(check.name);
    for (const check of checks) keysAndArgs.push(String(check.limit), String(check.amount), ttl(check.ttlMs));
    const [outcome, first, second] = await this.redis.devupReserve(checks.length + 1, ...keysAndArgs);
    if (outcome === 'reserved') return { outcome, epoch: first };
    if (outcome === 'refused') return { outcome, index: Number(first), used: Number(second) };
    return { outcome: 'lost' };
  }

  async settle(set: string, epoch: string, adjustments: readonly Adjustment[]): Promise<void> {
    const keysAndArgs = [epochKey(set)];
    for (const adjustment of adjustments) keysAndArgs.push(adjustment.name);
    keysAndArgs.push(epoch);
    for (const adjustment of adjustments) keysAndArgs.push(String(adjustment.reserved), String(adjustment.actual));
    await this.redis.devupSettle(adjustments.length + 1, ...keysAndArgs);
  }

  async restore(set: string, values: readonly CounterValue[]): Promise<void> {
    const keysAndArgs = [epochKey(set)];
    for (const value of values) keysAndArgs.push(value.name);
    keysAndArgs.push(crypto.randomUUID());
    for (const value of values) keysAndArgs.push(String(value.value), ttl(value.ttlMs));
    await this.redis.devupRestore(values.length + 1, ...keysAndArgs);
  }

  async forget(set: string): Promise<void> {
    await this.redis.del(epochKey(set));
  }

  async close(): Promise<void> {
    // quit needs a connection; without one there is nothing to say goodbye to.
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function epochKey(set: string): string {
  return `epoch:${set}`;
}

function ttl(ttlMs: number | undefined): string {
  return ttlMs === undefined ? '' : String(Math.ceil(ttlMs));
}
