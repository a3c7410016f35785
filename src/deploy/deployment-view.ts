import type { DeploymentRecord, DeploymentSettings, DeploymentState, DesiredState, Pricing } from './deployment-record.js';
import { label, type DeploymentRun, type TargetStatus } from './deployment-run.js';
import type { TargetProgress } from './deployment-target.js';

/** A deployment as the admin API and CLI show it; secrets never appear: `hasSecret`, and `***` in the spec. */
export interface DeploymentView {
  id: string;
  name: string;
  model: string | null;
  desiredState: DesiredState;
  state: DeploymentState;
  reason: string | null;
  fallbacks: string[];
  settings: DeploymentSettings;
  /** The effective price (settings, else the library model's); null when unpriced. */
  pricing: Pricing | null;
  targets: TargetView[];
  createdAt: string;
  updatedAt: string;
}

export interface TargetView {
  id: string;
  label: string;
  kind: string;
  weight: number;
  spec: unknown;
  hasSecret: boolean;
  status: TargetStatus;
  address: string | null;
  detail: string | null;
  /** Bytes the running target holds (an embedded model's weights and KV cache); null when unknown or not running. */
  memoryBytes: number | null;
  /** A download under way while the target starts (a hub variant being pulled), else null. */
  progress: TargetProgress | null;
}

export function toDeploymentView(record: DeploymentRecord, pricing: Pricing | undefined, run: DeploymentRun | undefined): DeploymentView {
  return {
    id: record.id,
    name: record.name,
    model: record.modelId,
    desiredState: record.desiredState,
    state: record.state,
    reason: record.reason,
    fallbacks: record.fallbacks,
    settings: record.settings,
    pricing: pricing ?? null,
    targets: record.targets.map((target) => {
      const entry = run?.entries.find((candidate) => candidate.record.id === target.id);
      return {
        id: target.id,
        label: label(target),
        kind: target.kind,
        weight: target.weight,
        // Stored with placeholders (`***`) where header values, engine env and URL credentials were.
        spec: target.spec,
        hasSecret: target.encryptedSecret !== null,
        status: entry?.status ?? 'stopped',
        address: entry?.running?.address ?? null,
        detail: entry?.detail ?? null,
        memoryBytes: entry?.running?.memoryBytes?.() ?? null,
        progress: entry?.progress ?? null,
      };
    }),
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}
