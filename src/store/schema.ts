import type { Generated } from 'kysely';

/**
 * Row types of every table. JSON columns are stored as text in both dialects (parsed by the
 * module that owns the table); booleans as 0/1; times as epoch milliseconds.
 */
export interface Database {
  models: ModelRow;
  benchmarks: BenchmarkRow;
  results: ResultRow;
  niah_results: NiahResultRow;
  model_fields: ModelFieldRow;
  model_history: ModelHistoryRow;
  model_variants: ModelVariantRow;
  api_keys: ApiKeyRow;
  usage_records: UsageRecordRow;
  deployments: DeploymentRow;
  deployment_targets: DeploymentTargetRow;
  deployment_events: DeploymentEventRow;
  deployment_owners: DeploymentOwnerRow;
}

export interface ModelRow {
  /** Stable integer key (the FTS5 rowid on SQLite); `id` is the public slug. */
  seq: Generated<number>;
  id: string;
  name: string;
  publisher: string;
  family: string | null;
  /** Label within the family, e.g. "Base" or "Chat". */
  variant: string | null;
  /** Markdown; rendered sanitized. */
  description: string;
  architecture: 'MoE' | 'Dense' | 'unknown';
  total_params: number | null;
  activated_params: number | null;
  context_length: number | null;
  license: string | null;
  open_weights: number;
  release_date: string | null;
  /** JSON string[] */
  tags: string;
  /** JSON {label, url}[] */
  links: string;
  /** JSON string[] */
  notes: string;
  /** JSON architecture parameters for the planner (layers, heads, MLA ranks, experts, dtype), or null. */
  spec: string | null;
  /** JSON {inputPerMillion, outputPerMillion} in USD, or null when unpriced. */
  pricing: string | null;
  source: string | null;
  created_at: number;
  updated_at: number;
}

export interface BenchmarkRow {
  id: string;
  name: string;
  category: string;
  metric: string;
  /** Few-shot count; null when the source gives none ("-"). */
  shots: number | null;
  direction: 'higher' | 'lower';
  suite: 'base' | 'chat' | 'open-ended';
  description: string | null;
}

export interface ResultRow {
  id: Generated<number>;
  model_id: string;
  benchmark_id: string;
  /** Evaluation setting beyond the benchmark's own shots (e.g. "CoT"); '' when none. */
  setting: string;
  value: number;
  source: string | null;
}

export interface NiahResultRow {
  id: Generated<number>;
  model_id: string;
  context_length: number;
  depth_percent: number;
  score: number;
  source: string | null;
}

/** Where a model field's current value came from; `manual` (1) when entered through the admin API, which imports keep. */
export interface ModelFieldRow {
  model_id: string;
  field: string;
  source: string;
  written_at: number;
  manual: number;
}

/** An earlier value of a model field, kept when an import or edit replaced it. */
export interface ModelHistoryRow {
  id: Generated<number>;
  model_id: string;
  field: string;
  /** JSON of the earlier value. */
  value: string;
  /** Where the earlier value came from, when known. */
  source: string | null;
  written_at: number | null;
  replaced_at: number;
  /** Source of the value that replaced it. */
  replaced_by: string;
}

/** One download variant of a model: a GGUF quantization (file or split set) or a safetensors checkpoint. */
export interface ModelVariantRow {
  id: Generated<number>;
  model_id: string;
  /** Hub repository the files are in. */
  repo: string;
  /** Commit the file list was read at. */
  revision: string;
  /** `Q4_K_M`, `BF16`… */
  label: string;
  format: 'gguf' | 'safetensors';
  bytes: number;
  /** JSON {path, bytes, sha256?}[] */
  files: string;
  /** JSON {context, ramBytes, vramBytes}, or null when the architecture could not be sized. */
  memory: string | null;
  position: number;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  /** SHA-256 hex of the key; the key itself is shown once and never stored. */
  key_hash: string;
  /** First characters of the key, to recognise it in lists. */
  key_prefix: string;
  /** JSON string[] of deployment names, or null for every deployment. */
  deployments: string | null;
  /** JSON limits: {requestsPerMinute?, tokensPerMinute?, budgetUsd?}, or null. */
  limits: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface UsageRecordRow {
  id: Generated<number>;
  request_id: string;
  at: number;
  key_id: string | null;
  deployment: string;
  target_id: string | null;
  upstream_model: string | null;
  operation: string;
  stream: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** USD; null when the deployment has no price (unpriced, never a silent $0). */
  cost_usd: number | null;
  status: number;
  error_code: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  overhead_ms: number;
  /** 1 when the upstream never reported the tokens (a stream cut mid-way) and they were counted from the delivered text. */
  usage_estimated: number;
}

export interface DeploymentRow {
  id: string;
  name: string;
  model_id: string | null;
  /** What the operator asked for; on start the gateway brings running deployments back. */
  desired_state: 'running' | 'stopped';
  state: 'pending' | 'provisioning' | 'loading' | 'ready' | 'degraded' | 'failed' | 'stopped';
  state_reason: string | null;
  /** JSON string[] of backup deployment names. */
  fallbacks: string;
  /** JSON deployment settings (pricing override, timeouts, retries). */
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface DeploymentTargetRow {
  id: string;
  deployment_id: string;
  kind: string;
  weight: number;
  position: number;
  /** JSON target spec (kind-specific), with placeholders where its secret-bearing values were. */
  spec: string;
  /** Upstream API key, encrypted (AES-256-GCM), or null. */
  secret: string | null;
  /** The spec's secret-bearing values (header values, engine env, URL credentials) as JSON, encrypted, or null. */
  spec_secrets: string | null;
}

export interface DeploymentEventRow {
  id: Generated<number>;
  deployment_id: string;
  at: number;
  type: string;
  message: string;
}

/** Which gateway replica runs a deployment's host-bound targets (scale-out; see src/deploy/deployment-owners.ts). */
export interface DeploymentOwnerRow {
  deployment_id: string;
  replica_id: string;
  claimed_at: number;
}
