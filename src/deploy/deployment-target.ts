import type { Provider } from '../providers/provider.js';
import type { TargetTimeouts } from '../providers/target-timeouts.js';
import type { SplitSpec } from './spec-secrets.js';

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
  /**
   * Optional: names the library model a spec serves, called when a deployment is created without
   * a model (e.g. a GGUF file whose header created a library entry). Undefined when unknown.
   */
  resolveModel?(spec: Spec): Promise<string | undefined>;
  /**
   * Optional: the spec's secret-bearing values (header values, an engine's environment, URL
   * credentials) apart from the rest, so they are encrypted at rest and never returned by the API.
   * Kinds without it have nothing secret in their spec.
   */
  splitSecrets?(spec: Spec): SplitSpec<Spec>;
  /**
   * Optional: checks at create what needs I/O beyond the spec itself (a hub variant exists, the
   * context it asks for is within the model's trained length), so a bad request is refused before
   * it is recorded. Throws DevupError; an `invalid_request` names the spec field in `param`.
   */
  checkSpec?(spec: Spec): Promise<void>;
}

export interface TargetContext {
  deploymentName: string;
  /** The library model the deployment serves, when it names one (the kubernetes target plans from it). */
  modelId?: string;
  targetId: string;
  /** Decrypted upstream secret (API key), if the target has one. */
  secret?: string;
  dataDir: string;
  /** The deployment's timeouts (its settings over the defaults); a target's own spec may narrow them. */
  timeouts: TargetTimeouts;
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
  | { type: 'recovered'; message: string }
  /** How far a download the target needs before it can load has come: shown live on the deployment, not logged. */
  | { type: 'progress'; progress: TargetProgress };

/** A download under way while a target starts (the embedded target pulling a hub variant). */
export interface TargetProgress {
  phase: 'pulling';
  /** What is downloaded: `hf:ggml-org/stories260K-GGUF@main Q8_0 (2 files)`. */
  label: string;
  receivedBytes: number;
  /** Null when the server does not say. */
  totalBytes: number | null;
  /** Average since the download (re)started. */
  bytesPerSecond: number;
}

export interface RunningTarget {
  provider: Provider;
  /** Where the target serves, for display (URL, file, pod). */
  address?: string;
  /** Bytes of memory the target holds in this process or on this host, when known. */
  memoryBytes?(): number | undefined;
  /** The model name the upstream expects, when the target knows it (else the deployment's model or name). */
  upstreamModel?: string;
  /** This target's timeouts; unset fields fall back to the deployment's settings, then the defaults. */
  timeouts?: Partial<TargetTimeouts>;
  /** The last lines of the target's own output (a managed process's stdout and stderr), oldest first. */
  logs?(limit: number): string[];
  /**
   * Optional: lets go of the target without stopping it, when the gateway shuts down; the next
   * start re-attaches (a managed engine keeps its loaded weights across a gateway restart).
   * Targets without it are stopped on shutdown.
   */
  detach?(): Promise<void>;
  stop(): Promise<void>;
}
