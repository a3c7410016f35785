import type { Provider } from '../providers/provider.js';

/**
 * Seam 2: how a deployment's target comes to exist (embedded GGUF, existing endpoint,
 * Anthropic, managed process, Kubernetes). The lifecycle (pending → provisioning → loading →
 * ready / degraded / failed / stopped) lives once, above the targets, in the deployment manager.
 */
export interface DeploymentTarget<Spec = unknown> {
  readonly kind: string;
  /** Validates a spec from the API or CLI; throws DevupError('invalid_request') listing every bad field. */
  parseSpec(input: unknown): Spec;
  /** Brings the target up and resolves when it can serve; rejects with the reason when it cannot. */
  start(spec: Spec, context: TargetContext): Promise<RunningTarget>;
}

export interface TargetContext {
  deploymentName: string;
  targetId: string;
  /** Decrypted upstream secret (API key), if the target has one. */
  secret?: string;
  dataDir: string;
  /** Progress and log lines for the deployment's event log ("loading weights 40%", "process exited 137"). */
  emit(event: TargetEvent): void;
  /** Aborted when the deployment is stopped or deleted while starting. */
  signal: AbortSignal;
}

export type TargetEvent =
  | { type: 'state'; state: 'provisioning' | 'loading'; message: string }
  | { type: 'log'; message: string }
  /** The running target failed after it was ready (process died, pod lost); the manager decides what next. */
  | { type: 'failed'; message: string }
  /** The target recovered by itself (process restarted). */
  | { type: 'recovered'; message: string };

export interface RunningTarget {
  provider: Provider;
  /** Where the target serves, for display (URL, file, pod). */
  address?: string;
  /** Bytes of memory the target holds in this process or on this host, when known. */
  memoryBytes?(): number | undefined;
  stop(): Promise<void>;
}
