import type { Logger } from 'pino';
import type { ChangeBus, ChangeHandler } from '../store/change-bus/change-bus.js';
import { changeTopics } from '../store/change-bus/change-topics.js';
import type { DeploymentOwners } from './deployment-owners.js';
import type { DeploymentStore } from './deployment-store.js';
import type { ManagedDeployment } from './managed-deployment.js';

/** Scale-out (several replicas on one database): this replica's name and the bus that tells the others about changes. */
export interface ReplicaOptions {
  id: string;
  changes: ChangeBus;
}

/**
 * This replica's link to the others: who owns a deployment, and telling them what changed.
 * Without `replica` (a single gateway) it owns everything and tells nobody.
 *
 * @example
 *   await channel.claim(managed);   // an operator acted here: this replica runs it now
 *   channel.announce('qwen');       // once the writes land, the others reload 'qwen'
 */
export class ReplicaChannel {
  private closed = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly replica: ReplicaOptions | undefined,
    private readonly owners: DeploymentOwners,
    private readonly persistence: DeploymentStore,
    private readonly logger: Logger,
  ) {}

  /** Whether another replica owns the deployment (one nobody owns yet is claimed now). */
  async isFollower(deploymentId: string): Promise<boolean> {
    const replica = this.replica;
    return replica !== undefined && (await this.owners.claimIfUnowned(deploymentId, replica.id)) !== replica.id;
  }

  /** An operator acted on the deployment through this replica, which owns it from now on. */
  async claim(managed: ManagedDeployment): Promise<void> {
    if (!this.replica) return;
    await this.owners.claim(managed.record.id, this.replica.id);
    managed.follower = false;
  }

  /** Tells the other replicas, once this replica's writes have landed, that a deployment changed. */
  announce(name: string): void {
    const changes = this.replica?.changes;
    if (!changes || this.closed) return;
    this.persistence
      .flush()
      .then(() => changes.publish(changeTopics.deployments, { name }))
      .catch((error) => this.logger.warn({ err: error, deployment: name }, 'announcing a deployment change failed'));
  }

  /** Hears the other replicas' changes (`null`: some may have been missed). Resolves to whether there are others to hear. */
  async listen(handler: ChangeHandler): Promise<boolean> {
    if (!this.replica) return false;
    this.unsubscribe = await this.replica.changes.subscribe(changeTopics.deployments, handler);
    return true;
  }

  /** Gateway shutdown: hears and tells nothing more. */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
  }
}
