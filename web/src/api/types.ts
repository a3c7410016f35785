/** Shapes of the `/api` answers the UI reads (camelCase, as the server writes them). */

export interface ModelResult {
  benchmark: string;
  benchmarkId: string;
  category: string;
  metric: string;
  shots: number | null;
  suite: 'base' | 'chat' | 'open-ended' | string;
  direction: 'higher' | 'lower';
  setting?: string;
  value: number;
}

export interface ModelLink {
  label: string;
  url: string;
}

export interface ModelSummary {
  id: string;
  name: string;
  publisher: string;
  family?: string | null;
  variant?: string | null;
  description?: string;
  architecture: 'MoE' | 'Dense' | 'unknown' | string;
  totalParams: number | null;
  activatedParams: number | null;
  contextLength: number | null;
  license?: string | null;
  openWeights: boolean;
  releaseDate?: string | null;
  tags?: string[];
  /** Value of the sort benchmark, when the list is sorted by one. */
  score?: number | null;
}

/** A download variant of a hub repo: one GGUF quantization (a file or a split set) or the safetensors checkpoint. */
export interface ModelDownload {
  repo: string;
  /** The commit the file list was read at. */
  revision: string;
  /** `Q4_K_M`, `Q8_0`…, or the checkpoint's dtype. */
  label: string;
  format: 'gguf' | 'safetensors';
  bytes: number;
  files: Array<{ path: string; bytes: number; sha256?: string }>;
  /** The planner's estimate for one sequence of `context` tokens; RAM is null where the engine needs a GPU. */
  memory: { context: number; ramBytes: number | null; vramBytes: number } | null;
}

export interface Model extends ModelSummary {
  description: string;
  links: ModelLink[];
  notes: string[];
  results: ModelResult[];
  variants?: ModelSummary[];
  downloads: ModelDownload[];
  spec?: Record<string, unknown> | null;
  niah: Array<{ contextLength: number; depthPercent: number; score: number }>;
}

export interface FacetValue {
  value: string;
  count: number;
  label?: string;
}

export interface ModelPage {
  items: ModelSummary[];
  total: number;
  page: number;
  pageSize: number;
  facets: Record<string, FacetValue[]>;
}

export interface Benchmark {
  id: string;
  name: string;
  category: string;
  metric: string;
  shots: number | null;
  direction: 'higher' | 'lower';
  suite: string;
}

export interface DeploymentEvent {
  at: number | string;
  type: string;
  message: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix?: string;
  keyPrefix?: string;
  deployments?: string[] | null;
  createdAt?: number | string;
  expiresAt?: number | string | null;
  revokedAt?: number | string | null;
}

export interface CreatedKey extends ApiKey {
  key: string;
}
