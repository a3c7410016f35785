import type { Logger } from 'pino';
import type { DeploymentLifecycle } from './deployment-lifecycle.js';
import type { PricingOf } from './deployment-pricing.js';
import type { DeploymentRecord } from './deployment-record.js';
import type { DeploymentStore } from './deployment-store.js';
import type { KeyedQueue } from './keyed-queue.js';
import { definitionFingerprint, type DeploymentTable, type ManagedDeployment } from './managed-deployment.js';
import type { ReplicaChannel } from './replica-channel.js';
import type { RoutableRegistry } from './routable-registry.js';

export interface FollowerOptions {
  table: DeploymentTable;
  queue: KeyedQueue;
  lifecycle: DeploymentLifecycle;
  channel: ReplicaChannel;
  persistence: DeploymentStore;
  routes: RoutableRegistry;
  pricingOf: PricingOf;
  logger: Logger;
}

/**
 * Scale-out: brings this replica's deployments in line with the shared store when another
 * replica announces a change (`{ name }`: that deployment, in its turn of the queue) or when
 * changes may have been missed (`null`, after the bus reconnected: every deployment, alone).
 * Everything is read first and applied in one step: a deployment whose definition, desired state
 * and owner did not change keeps its run and its routable view; the others are started again.
 *
 * @example await channel.listen((change) => follower.follow(change));
 */
export class ReplicaFollower {
  constructor(private readonly options: FollowerOptions) {}

  follow(change: unknown): void {
    const { queue, logger } = this.options;
    const name = (change as { name?: unknown } | null)?.name;
    const synced = typeof name === 'string' ? queue.run(name, () => this.sync([name])) : queue.runAlone(() => this.sync());
    synced.catch((error) => logger.warn({ err: error }, 'following a deployment change failed'));
  }

  /** Reloads `names` (default: every deployment, here or stored) from the store. */
  private async sync(names?: string[]): Promise<void> {
    const { table, persistence, channel, pricingOf, lifecycle, routes } = this.options;
    const records = new Map((await persistence.loadAll()).map((record) => [record.name, record]));
    const wanted = await Promise.all(
      (names ?? [...new Set([...table.keys(), ...records.keys()])]).map(async (name) => {
        const record = records.get(name);
        if (!record) return { name };
        const managed: ManagedDeployment = { record, pricing: await pricingOf(record), follower: await channel.isFollower(record.id) };
        return { name, managed };
      }),
    );
    if (lifecycle.isClosed) return;
    const replaced: ManagedDeployment[] = [];
    const ending: Array<Promise<void>> = [];
    for (const { name, managed } of wanted) {
      const current = table.get(name);
      if (current && managed && unchanged(current, managed)) {
        keep(current, managed);
        continue;
      }
      if (current) ending.push(lifecycle.end(current));
      if (managed) {
        table.set(name, managed);
        if (managed.record.desiredState === 'running') replaced.push(managed);
      } else {
        table.delete(name);
      }
    }
    routes.publishAll(table.values());
    // A replaced run ends before its successor starts: a host-bound target never runs twice.
    await Promise.all(ending);
    for (const managed of replaced) if (table.get(managed.record.name) === managed) lifecycle.launch(managed);
  }
}

/** The same deployment, owned by the same replica, to run as before: nothing to restart. */
function unchanged(current: ManagedDeployment, stored: ManagedDeployment): boolean {
  return (
    current.follower === stored.follower &&
    current.record.desiredState === stored.record.desiredState &&
    definitionFingerprint(current.record) === definitionFingerprint(stored.record)
  );
}

/** Keeps the running deployment; takes the stored price, and the owner's state where this replica runs nothing itself. */
function keep(current: ManagedDeployment, stored: ManagedDeployment): void {
  current.pricing = stored.pricing;
  if (current.follower && !current.run) {
    const { state, reason, updatedAt }: DeploymentRecord = stored.record;
    Object.assign(current.record, { state, reason, updatedAt });
  }
}
