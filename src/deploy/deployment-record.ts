import type { DeploymentRow } from '../store/schema.js';
import type { TargetTimeouts } from '../providers/target-timeouts.js';

export type DeploymentState = DeploymentRow['state'];
export type DesiredState = DeploymentRow['desired_state'];

/** USD per million tokens. */
export interface Pricing {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Per-deployment settings, stored as JSON in `deployments.settings`. */
export interface DeploymentSettings {
  /** Overrides the library model's price. */
  pricing?: Pricing;
  /** Defaults for every target of the deployment; a target's own timeouts win. */
  timeouts?: Partial<TargetTimeouts>;
  /** How often every running target's health is checked (default 10 s). */
  healthIntervalMs?: number;
}

export interface TargetRecord {
  id: string;
  kind: string;
  weight: number;
  position: number;
  /** The target's parsed spec, with placeholders (`***`) where its secret-bearing values were. */
  spec: unknown;
  /** The upstream secret encrypted by SecretBox, or null. */
  encryptedSecret: string | null;
  /** The spec's secret-bearing values (`SplitSpec.secrets`) as JSON encrypted by SecretBox, or null. */
  encryptedSpecSecrets: string | null;
}

/** A deployment as persisted: what the operator asked for and where it stands. */
export interface DeploymentRecord {
  id: string;
  name: string;
  modelId: string | null;
  desiredState: DesiredState;
  state: DeploymentState;
  reason: string | null;
  fallbacks: string[];
  settings: DeploymentSettings;
  targets: TargetRecord[];
  createdAt: number;
  updatedAt: number;
}

export interface DeploymentEvent {
  at: number;
  /** `created`, `state`, `log`, `health`, `target`, `restart`, … */
  type: string;
  message: string;
}
