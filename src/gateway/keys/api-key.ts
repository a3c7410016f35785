/** Per-key limits; every field optional. Budgets are lifetime USD totals. */
export interface KeyLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  budgetUsd?: number;
}

/** A user key as the hot path holds it in memory: no database read per request. */
export interface ApiKey {
  /** Null for the admin key, which may use every deployment. */
  id: string | null;
  name: string;
  /** Deployment names the key may use; null means every deployment. */
  deployments: ReadonlySet<string> | null;
  limits: KeyLimits | null;
  /** Epoch ms; null for keys that never expire. */
  expiresAt: number | null;
}

/** A key as listed by `/api/keys` (never the key itself). */
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  deployments: string[] | null;
  limits: KeyLimits | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function mayUse(key: ApiKey, deployment: string): boolean {
  return key.deployments === null || key.deployments.has(deployment);
}
