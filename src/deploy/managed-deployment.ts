import { notFound } from '../errors.js';
import type { DeploymentRecord, Pricing } from './deployment-record.js';
import type { DeploymentRun } from './deployment-run.js';

/** One deployment as this replica holds it: the stored record, its price, and its run while it runs here. */
export interface ManagedDeployment {
  record: DeploymentRecord;
  pricing?: Pricing;
  run?: DeploymentRun;
  /** Owned by another replica: this one serves only its shareable targets and writes no state. */
  follower: boolean;
}

/** This replica's deployments by name; the commands, the follower and the lifecycle share it. */
export type DeploymentTable = Map<string, ManagedDeployment>;

export function requireDeployment(table: DeploymentTable, name: string): ManagedDeployment {
  const managed = table.get(name);
  if (!managed) throw notFound('deployment', name);
  return managed;
}

/**
 * What a run is started from: the deployment's identity, model, targets (kind, weight, spec,
 * secret), fallbacks and settings (pricing and timeouts among them). Equal fingerprints mean a
 * running deployment can be left as it is; its state, reason and times are not part of it.
 */
export function definitionFingerprint(record: DeploymentRecord): string {
  const { id, name, modelId, fallbacks, settings, targets } = record;
  return canonicalJson({ id, name, modelId, fallbacks, settings, targets });
}

/** JSON with object keys sorted: a record read back from the store (PostgreSQL's jsonb reorders keys) fingerprints as written. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
}
