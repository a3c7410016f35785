import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { childEnvironment } from './child-environment.js';

/** Typed configuration, read and validated once at start and passed down. Nothing else reads process.env. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` switches the store to PostgreSQL; unset means SQLite in the data dir. */
  databaseUrl?: string;
  /** `redis://…` shares counters (rate limits, budgets) and change notifications across gateway replicas. */
  redisUrl?: string;
  /** A limit-counter command Redis has not answered within this fails (the outage policies below then apply). */
  redisTimeoutMs: number;
  /** While Redis is unreachable, keys with requests or tokens per minute are admitted on this replica's own counters (`open`) or answered 503 (`closed`). */
  rateLimitsOnRedisDown: LimitOutagePolicy;
  /** The same for keys with a USD budget. */
  budgetsOnRedisDown: LimitOutagePolicy;
  /** Completion tokens reserved against a key's limits for a request that sets no `max_tokens` (or `max_completion_tokens`, `max_output_tokens`). */
  completionTokensEstimate: number;
  /** Usage records are written to the store this often (or at once when 1,000 wait); the journal holds them meanwhile. */
  usageFlushMs: number;
  /**
   * This replica's stable name (default: the host name). Host-bound deployment targets (embedded,
   * process, kubernetes) are run by the replica that created or last started them, found by this name.
   */
  replicaId: string;
  adminKey?: string;
  /** Key that encrypts upstream secrets at rest; derived from a file in the data dir when unset. */
  secretKey?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Log request prompts and completions (off by default: they may hold personal data). */
  logPrompts: boolean;
  /** llama.cpp decode threads for the embedded engine (1 measured fastest on a 2-core host). */
  engineThreads: number;
  /** Hugging Face hub base URL that imports read from and `devup pull` downloads from (a mirror, or a local server in tests). */
  hubUrl: string;
  /** Hugging Face access token (`HF_TOKEN`), sent as a Bearer token to the hub for gated repos; never logged. */
  hubToken?: string;
  /** How long one hub request of an import may take, answer included, and how long a download may go without data. */
  hubTimeoutMs: number;
  /** Seed the library from data/ when the store is empty. */
  seedLibrary: boolean;
  /** Largest request body accepted (413 beyond it). */
  maxBodyBytes: number;
  /** Time a client has to send its whole request, headers and body (a stalled body is cut off). */
  requestTimeoutMs: number;
  /** Browser origins allowed to call `/v1` (CORS); empty: none, `*`: any. */
  corsOrigins: string[];
  /** Who may read `GET /metrics`: the admin key, anyone, or nobody. */
  metrics: 'admin' | 'public' | 'off';
  /**
   * What managed engine processes inherit from the gateway's environment: an allow-list (PATH,
   * HOME, locale, CUDA/GPU variables), never DEVUP_* or other secrets. See child-environment.ts.
   */
  childEnvironment: Record<string, string>;
}

export type LimitOutagePolicy = 'open' | 'closed';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const flag = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((value) => value === '1' || value === 'true' || value === 'yes');

const environmentSchema = z.object({
  DEVUP_HOST: z.string().min(1).default('0.0.0.0'),
  DEVUP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DEVUP_DATA_DIR: z.string().min(1).optional(),
  DEVUP_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DEVUP_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  DEVUP_REDIS_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(1_000),
  DEVUP_RATE_LIMITS_ON_REDIS_DOWN: z.enum(['open', 'closed']).default('open'),
  DEVUP_BUDGETS_ON_REDIS_DOWN: z.enum(['open', 'closed']).default('closed'),
  DEVUP_COMPLETION_TOKENS_ESTIMATE: z.coerce.number().int().min(0).max(10_000_000).default(256),
  DEVUP_USAGE_FLUSH_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
  DEVUP_REPLICA_ID: z.string().min(1).max(200).optional(),
  DEVUP_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  DEVUP_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  DEVUP_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEVUP_LOG_PROMPTS: flag.default(false),
  DEVUP_ENGINE_THREADS: z.coerce.number().int().min(1).max(256).default(1),
  DEVUP_HUB_URL: z.url({ protocol: /^https?$/ }).default('https://huggingface.co'),
  DEVUP_HUB_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  HF_TOKEN: z.string().min(1).optional(),
  DEVUP_SEED: flag.default(true),
  DEVUP_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  DEVUP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  DEVUP_CORS_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)])))
    .default([]),
  DEVUP_METRICS: z.enum(['admin', 'public', 'off']).default('admin'),
});

export type ConfigOverrides = Partial<Config>;

/** Reads the environment once, listing every bad key; `overrides` come from CLI flags and tests. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const devupKeys = Object.fromEntries(
    Object.entries(environment).filter(([key, value]) => (key.startsWith('DEVUP_') || key === 'HF_TOKEN') && value !== ''),
  );
  const parsed = environmentSchema.safeParse(devupKeys);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const config: Config = {
    host: env.DEVUP_HOST,
    port: env.DEVUP_PORT,
    dataDir: path.resolve(env.DEVUP_DATA_DIR ?? path.join(os.homedir(), '.devup')),
    databaseUrl: env.DEVUP_DATABASE_URL,
    redisUrl: env.DEVUP_REDIS_URL,
    redisTimeoutMs: env.DEVUP_REDIS_TIMEOUT_MS,
    rateLimitsOnRedisDown: env.DEVUP_RATE_LIMITS_ON_REDIS_DOWN,
    budgetsOnRedisDown: env.DEVUP_BUDGETS_ON_REDIS_DOWN,
    completionTokensEstimate: env.DEVUP_COMPLETION_TOKENS_ESTIMATE,
    usageFlushMs: env.DEVUP_USAGE_FLUSH_MS,
    replicaId: env.DEVUP_REPLICA_ID ?? os.hostname(),
    adminKey: env.DEVUP_ADMIN_KEY,
    secretKey: env.DEVUP_SECRET_KEY,
    logLevel: env.DEVUP_LOG_LEVEL,
    logPrompts: env.DEVUP_LOG_PROMPTS,
    engineThreads: env.DEVUP_ENGINE_THREADS,
    hubUrl: env.DEVUP_HUB_URL.replace(/\/+$/, ''),
    hubToken: env.HF_TOKEN,
    hubTimeoutMs: env.DEVUP_HUB_TIMEOUT_MS,
    seedLibrary: env.DEVUP_SEED,
    maxBodyBytes: env.DEVUP_MAX_BODY_BYTES,
    requestTimeoutMs: env.DEVUP_REQUEST_TIMEOUT_MS,
    corsOrigins: env.DEVUP_CORS_ORIGINS,
    metrics: env.DEVUP_METRICS,
    childEnvironment: childEnvironment(environment),
  };
  return { ...config, ...stripUndefined(overrides) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
