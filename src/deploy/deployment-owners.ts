import type { Store } from '../store/database.js';
import type { TargetRecord } from './deployment-record.js';

/**
 * Target kinds any replica can serve on its own: stateless HTTP to an upstream every replica
 * reaches. The others are host-bound — an embedded engine or a managed process lives on one
 * host, a kubernetes target's manifests are applied by one replica — and only their owner runs them.
 */
const shareableKinds = new Set(['endpoint', 'anthropic']);

export function isShareable(target: Pick<TargetRecord, 'kind'>): boolean {
  return shareableKinds.has(target.kind);
}

/**
 * Scale-out ownership, in the shared database: the replica whose API last created, started or
 * stopped a deployment owns it and runs all its targets; every other replica follows it, serving
 * only its shareable targets. A deployment nobody owns yet is claimed by the first replica to load it.
 *
 * @example
 *   await owners.claim(record.id, 'gateway-0');
 *   (await owners.load()).get(record.id); // 'gateway-0'
 */
export class DeploymentOwners {
  constructor(private readonly store: Store) {}

  /** Owner replica by deployment id. */
  async load(): Promise<Map<string, string>> {
    const rows = await this.store.db.selectFrom('deployment_owners').select(['deployment_id', 'replica_id']).execute();
    return new Map(rows.map((row) => [row.deployment_id, row.replica_id]));
  }

  /** Makes `replicaId` the owner, replacing any other. */
  async claim(deploymentId: string, replicaId: string): Promise<void> {
    await this.store.db
      .insertInto('deployment_owners')
      .values({ deployment_id: deploymentId, replica_id: replicaId, claimed_at: Date.now() })
      .onConflict((conflict) => conflict.column('deployment_id').doUpdateSet({ replica_id: replicaId, claimed_at: Date.now() }))
      .execute();
  }

  /** Claims an unowned deployment; returns the owner, whoever won. */
  async claimIfUnowned(deploymentId: string, replicaId: string): Promise<string> {
    await this.store.db
      .insertInto('deployment_owners')
      .values({ deployment_id: deploymentId, replica_id: replicaId, claimed_at: Date.now() })
      .onConflict((conflict) => conflict.column('deployment_id').doNothing())
      .execute();
    const row = await this.store.db
      .selectFrom('deployment_owners')
      .select('replica_id')
      .where('deployment_id', '=', deploymentId)
      .executeTakeFirstOrThrow();
    return row.replica_id;
  }
}
