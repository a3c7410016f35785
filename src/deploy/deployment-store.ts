import type { Logger } from 'pino';
import type { Store } from '../store/database.js';
import type { DeploymentEvent, DeploymentRecord, DeploymentState, DesiredState, TargetRecord } from './deployment-record.js';

/**
 * Persists deployments, their targets and their event log. Writes are queued in order (a
 * deployment's events must read in the order they happened) and never block the caller's hot
 * path; `flush()` waits for them.
 */
export class DeploymentStore {
  private queue: Promise<void> = Promise.resolve();
  private eventsSincePrune = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    /** Events kept per deployment; older ones are pruned (a flapping health check must not fill the disk). */
    private readonly keepEvents = 2_000,
  ) {}

  /** Inserts a deployment with its targets and first event in one transaction. */
  async insert(record: DeploymentRecord, event: DeploymentEvent): Promise<void> {
    await this.store.db.transaction().execute(async (transaction) => {
      await transaction
        .insertInto('deployments')
        .values({
          id: record.id,
          name: record.name,
          model_id: record.modelId,
          desired_state: record.desiredState,
          state: record.state,
          state_reason: record.reason,
          fallbacks: JSON.stringify(record.fallbacks),
          settings: JSON.stringify(record.settings),
          created_at: record.createdAt,
          updated_at: record.updatedAt,
        })
        .execute();
      await transaction
        .insertInto('deployment_targets')
        .values(
          record.targets.map((target) => ({
            id: target.id,
            deployment_id: record.id,
            kind: target.kind,
            weight: target.weight,
            position: target.position,
            spec: JSON.stringify(target.spec),
            secret: target.encryptedSecret,
            spec_secrets: target.encryptedSpecSecrets,
          })),
        )
        .execute();
      await transaction
        .insertInto('deployment_events')
        .values({ deployment_id: record.id, ...event })
        .execute();
    });
  }

  /** Queues a state change and its event. */
  saveState(
    id: string,
    change: { state: DeploymentState; reason: string | null; desiredState: DesiredState; at: number },
    event: DeploymentEvent,
  ): void {
    this.enqueue(async () => {
      await this.store.db.transaction().execute(async (transaction) => {
        await transaction
          .updateTable('deployments')
          .set({ state: change.state, state_reason: change.reason, desired_state: change.desiredState, updated_at: change.at })
          .where('id', '=', id)
          .execute();
        await transaction
          .insertInto('deployment_events')
          .values({ deployment_id: id, ...event })
          .execute();
      });
    });
    this.pruneNow(id);
  }

  /** Queues one event. */
  appendEvent(id: string, event: DeploymentEvent): void {
    this.enqueue(() =>
      this.store.db
        .insertInto('deployment_events')
        .values({ deployment_id: id, ...event })
        .execute(),
    );
    this.pruneNow(id);
  }

  /** Every 100 events, drops the deployment's events beyond the newest `keepEvents`. */
  private pruneNow(id: string): void {
    this.eventsSincePrune += 1;
    if (this.eventsSincePrune < 100) return;
    this.eventsSincePrune = 0;
    this.enqueue(async () => {
      const newest = this.store.db
        .selectFrom('deployment_events')
        .select('id')
        .where('deployment_id', '=', id)
        .orderBy('id', 'desc')
        .limit(this.keepEvents);
      const kept = await newest.execute();
      if (kept.length < this.keepEvents) return;
      await this.store.db
        .deleteFrom('deployment_events')
        .where('deployment_id', '=', id)
        .where('id', '<', kept[kept.length - 1].id)
        .execute();
    });
  }

  /** Rewrites a target's spec and its encrypted spec secrets (sealing what an older version stored in the clear). */
  async saveTargetSpec(target: TargetRecord): Promise<void> {
    await this.store.db
      .updateTable('deployment_targets')
      .set({ spec: JSON.stringify(target.spec), spec_secrets: target.encryptedSpecSecrets })
      .where('id', '=', target.id)
      .execute();
  }

  /** Deletes a deployment; its targets and events go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.flush();
    await this.store.db.transaction().execute(async (transaction) => {
      // SQLite enforces cascades only with foreign_keys=ON; delete children explicitly to be sure.
      await transaction.deleteFrom('deployment_events').where('deployment_id', '=', id).execute();
      await transaction.deleteFrom('deployment_targets').where('deployment_id', '=', id).execute();
      await transaction.deleteFrom('deployments').where('id', '=', id).execute();
    });
  }

  async loadAll(): Promise<DeploymentRecord[]> {
    const rows = await this.store.db.selectFrom('deployments').selectAll().orderBy('created_at').execute();
    const targets = await this.store.db.selectFrom('deployment_targets').selectAll().orderBy('position').execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      modelId: row.model_id,
      desiredState: row.desired_state,
      state: row.state,
      reason: row.state_reason,
      fallbacks: JSON.parse(row.fallbacks) as string[],
      settings: JSON.parse(row.settings),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      targets: targets
        .filter((target) => target.deployment_id === row.id)
        .map((target) => ({
          id: target.id,
          kind: target.kind,
          weight: target.weight,
          position: target.position,
          spec: JSON.parse(target.spec),
          encryptedSecret: target.secret,
          encryptedSpecSecrets: target.spec_secrets,
        })),
    }));
  }

  /** The latest `limit` events, oldest first. */
  async events(id: string, limit: number): Promise<DeploymentEvent[]> {
    await this.flush();
    const rows = await this.store.db
      .selectFrom('deployment_events')
      .select(['at', 'type', 'message'])
      .where('deployment_id', '=', id)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  }

  /** Resolves when every queued write has been attempted. */
  flush(): Promise<void> {
    return this.queue;
  }

  private enqueue(write: () => Promise<unknown>): void {
    this.queue = this.queue.then(write).then(
      () => undefined,
      (error) => this.logger.error({ err: error }, 'writing deployment state failed'),
    );
  }
}
