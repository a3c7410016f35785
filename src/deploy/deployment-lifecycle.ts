import type { Logger } from 'pino';
import type { TargetKinds } from './deployment-input.js';
import type { DeploymentState } from './deployment-record.js';
import { DeploymentRun } from './deployment-run.js';
import type { DeploymentStore } from './deployment-store.js';
import { isShareable } from './deployment-owners.js';
import type { DeploymentTable, ManagedDeployment } from './managed-deployment.js';
import type { ReplicaChannel } from './replica-channel.js';
import type { RoutableRegistry } from './routable-registry.js';
import type { SecretBox } from './secrets.js';

export interface LifecycleOptions {
  table: DeploymentTable;
  kinds: TargetKinds;
  secrets: SecretBox;
  dataDir: string;
  logger: Logger;
  /** Default interval of target health checks (a deployment's settings may override it). */
  healthIntervalMs?: number;
  persistence: DeploymentStore;
  routes: RoutableRegistry;
  channel: ReplicaChannel;
}

/**
 * The state machine above the targets (pending → provisioning → loading → ready / degraded /
 * failed / stopped): starts a `DeploymentRun` for a deployment, turns what the run reports into
 * the deployment's state — persisted, logged and announced by the owner, kept in memory by a
 * follower — and keeps the deployment's routable view current.
 *
 * @example
 *   lifecycle.setState(managed, 'pending', null, 'start requested');
 *   lifecycle.launch(managed);   // provisioning …, then ready (routable) or failed
 *   await lifecycle.end(managed); // withdrawn from the gateway, targets stopped
 */
export class DeploymentLifecycle {
  private closed = false;

  constructor(private readonly options: LifecycleOptions) {}

  /** Starts the deployment's targets (a follower: only the shareable ones); `specsParsed`: its specs come from this process's parse of a create. */
  launch(managed: ManagedDeployment, { specsParsed = false } = {}): void {
    const { kinds, secrets, dataDir, logger } = this.options;
    const record = managed.follower ? { ...managed.record, targets: managed.record.targets.filter(isShareable) } : managed.record;
    // Host-bound targets only: the owner replica serves them, this one does not route to them.
    if (record.targets.length === 0) return;
    const run = new DeploymentRun({
      record,
      kinds,
      secrets,
      dataDir,
      specsParsed,
      healthIntervalMs: record.settings.healthIntervalMs ?? this.options.healthIntervalMs ?? 10_000,
      reporter: {
        state: (state, reason, message) => {
          if (managed.run === run) this.setState(managed, state, reason, message);
        },
        event: (type, message) => {
          if (managed.run === run || type === 'target') this.event(managed, type, message);
        },
        targetsChanged: () => {
          if (managed.run === run) this.options.routes.publish(managed);
        },
      },
    });
    managed.run = run;
    run.start().catch((error) => {
      logger.error({ err: error, deployment: record.name }, 'deployment start crashed');
      if (managed.run === run) this.setState(managed, 'failed', (error as Error).message, 'start crashed');
    });
  }

  /** Takes the run off the deployment and out of the gateway's view; resolves once its targets stopped (or detached). */
  end(managed: ManagedDeployment, mode: 'stop' | 'detach' = 'stop'): Promise<void> {
    const run = managed.run;
    managed.run = undefined;
    this.options.routes.withdraw(managed.record.name);
    return run ? run.end(mode) : Promise.resolve();
  }

  setState(managed: ManagedDeployment, state: DeploymentState, reason: string | null, message: string): void {
    if (this.closed) return;
    const record = managed.record;
    if (record.state === state && record.reason === reason) return;
    const at = Date.now();
    record.state = state;
    record.reason = reason;
    record.updatedAt = at;
    if (!this.options.table.has(record.name)) return; // Deleted: nothing to persist or publish.
    if (managed.follower) return this.options.routes.publish(managed);
    this.options.persistence.saveState(
      record.id,
      { state, reason, desiredState: record.desiredState, at },
      { at, type: 'state', message: `${state}: ${message}` },
    );
    this.options.logger.info({ deployment: record.name, state }, message);
    this.options.routes.publish(managed);
    this.options.channel.announce(record.name);
  }

  /** Gateway shutdown: states and events are no longer written. */
  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private event(managed: ManagedDeployment, type: string, message: string): void {
    if (this.closed || managed.follower || !this.options.table.has(managed.record.name)) return;
    this.options.persistence.appendEvent(managed.record.id, { at: Date.now(), type, message });
  }
}
