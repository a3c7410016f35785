import type { Logger } from 'pino';
import type { DeploymentRegistry, RoutableDeployment } from '../gateway/deployment-registry.js';
import type { Store } from '../store/database.js';
import { parseOrThrow } from '../validation.js';
import { DeploymentCommands } from './deployment-commands.js';
import { deploymentInputSchema, type DeploymentInput, type TargetKinds } from './deployment-input.js';
import { DeploymentLifecycle } from './deployment-lifecycle.js';
import { DeploymentOwners } from './deployment-owners.js';
import { deploymentPricing, type PricingOf } from './deployment-pricing.js';
import type { DeploymentEvent } from './deployment-record.js';
import { DeploymentStore } from './deployment-store.js';
import { toDeploymentView, type DeploymentView } from './deployment-view.js';
import { KeyedQueue } from './keyed-queue.js';
import { requireDeployment, type DeploymentTable } from './managed-deployment.js';
import type { ModelCatalog } from './model-catalog.js';
import { ReplicaChannel, type ReplicaOptions } from './replica-channel.js';
import { ReplicaFollower } from './replica-follower.js';
import { RoutableRegistry } from './routable-registry.js';
import type { SecretBox } from './secrets.js';
import { sealStoredTargets } from './target-secrets.js';

export interface DeploymentManagerOptions {
  store: Store;
  kinds: TargetKinds;
  secrets: SecretBox;
  dataDir: string;
  logger: Logger;
  /** The library, for model checks and default pricing. */
  models?: ModelCatalog;
  /** Default interval of target health checks (a deployment's settings may override it). */
  healthIntervalMs?: number;
  /** Scale-out: this replica's name and the bus shared with the others. Unset: a single gateway that runs every deployment itself. */
  replica?: ReplicaOptions;
}

/**
 * The deployments' façade: the gateway reads it as its `DeploymentRegistry` (`get`/`list` return
 * ready and degraded deployments from memory), the `/api/deployments` routes drive it. Its parts:
 * `DeploymentCommands` (create, start, stop, delete), `DeploymentLifecycle` (states), `ReplicaFollower`
 * (changes of other replicas), `RoutableRegistry` (the gateway's view).
 *
 * @example
 *   const manager = await DeploymentManager.open({ store, kinds, secrets, dataDir, logger });
 *   await manager.create(manager.parseInput({ name: 'local', targets: [{ kind: 'endpoint', spec: { url: 'http://127.0.0.1:8000/v1' } }] }));
 *   manager.get('local'); // RoutableDeployment once ready
 */
export class DeploymentManager implements DeploymentRegistry {
  /** Validates a create request; `POST /api/deployments` documents and checks its body with it, each target's spec by its kind. */
  readonly inputSchema;
  private readonly table: DeploymentTable = new Map();
  private readonly routes = new RoutableRegistry();
  private readonly queue = new KeyedQueue();
  private readonly persistence: DeploymentStore;
  private readonly pricingOf: PricingOf;
  private readonly channel: ReplicaChannel;
  private readonly lifecycle: DeploymentLifecycle;
  private readonly commands: DeploymentCommands;
  private readonly follower: ReplicaFollower;

  private constructor(options: DeploymentManagerOptions) {
    const { table, routes, queue } = this;
    const { store, kinds, secrets, logger, models } = options;
    this.inputSchema = deploymentInputSchema(kinds);
    this.persistence = new DeploymentStore(store, logger);
    const persistence = this.persistence;
    this.pricingOf = deploymentPricing(models, logger);
    this.channel = new ReplicaChannel(options.replica, new DeploymentOwners(store), persistence, logger);
    const channel = this.channel;
    this.lifecycle = new DeploymentLifecycle({ ...options, table, persistence, routes, channel });
    const { lifecycle, pricingOf } = this;
    this.commands = new DeploymentCommands({ table, queue, lifecycle, channel, persistence, kinds, secrets, models, pricingOf });
    this.follower = new ReplicaFollower({ table, queue, lifecycle, channel, persistence, routes, pricingOf, logger });
  }

  /** Loads every deployment and brings back those that should run (re-attaching where a target can). */
  static async open(options: DeploymentManagerOptions): Promise<DeploymentManager> {
    const manager = new DeploymentManager(options);
    const records = await manager.persistence.loadAll();
    await sealStoredTargets(records, options.kinds, options.secrets, (target) => manager.persistence.saveTargetSpec(target));
    for (const record of records) {
      const managed = { record, pricing: await manager.pricingOf(record), follower: await manager.channel.isFollower(record.id) };
      manager.table.set(record.name, managed);
      if (record.desiredState !== 'running') continue;
      if (!managed.follower) manager.lifecycle.setState(managed, 'pending', null, 'gateway started: bringing the deployment back');
      manager.lifecycle.launch(managed);
    }
    // Then what other replicas changed while this one was loading.
    if (await manager.channel.listen((change) => manager.follower.follow(change))) manager.follower.follow(null);
    return manager;
  }

  get(name: string): RoutableDeployment | undefined {
    return this.routes.get(name);
  }

  list(): RoutableDeployment[] {
    return this.routes.list();
  }

  /** Checks a create request in process (tests, benchmarks) with the route's schema; throws one invalid_request listing every bad field. */
  parseInput(body: unknown): DeploymentInput {
    return parseOrThrow(this.inputSchema, body, 'deployment');
  }

  /** Records a parsed deployment and starts it (unless `start: false`); resolves before it is ready. */
  create(input: DeploymentInput): Promise<DeploymentView> {
    return this.commands.create(input);
  }

  /** Starts a stopped or failed deployment; a running one is left as it is. */
  start(name: string): Promise<DeploymentView> {
    return this.commands.start(name);
  }

  /** Stops every target and keeps the deployment stopped across gateway restarts. */
  stop(name: string): Promise<DeploymentView> {
    return this.commands.stop(name);
  }

  delete(name: string): Promise<void> {
    return this.commands.delete(name);
  }

  describe(name: string): DeploymentView {
    const managed = requireDeployment(this.table, name);
    return toDeploymentView(managed.record, managed.pricing, managed.run);
  }

  describeAll(): DeploymentView[] {
    return [...this.table.values()].map((managed) => toDeploymentView(managed.record, managed.pricing, managed.run));
  }

  async events(name: string, limit = 200): Promise<DeploymentEvent[]> {
    return this.persistence.events(requireDeployment(this.table, name).record.id, limit);
  }

  /** The last output lines of the deployment's targets (managed processes). */
  logs(name: string, limit = 200): Array<{ target: string; line: string }> {
    return requireDeployment(this.table, name).run?.logs(limit) ?? [];
  }

  /** Gateway shutdown: detaches targets that can keep running (re-attached on the next start), stops the rest. */
  async close(): Promise<void> {
    this.channel.close();
    this.lifecycle.close();
    await this.queue.idle();
    await Promise.all([...this.table.values()].map((managed) => this.lifecycle.end(managed, 'detach')));
    await this.persistence.flush();
  }
}
