import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { DevupError, notFound } from '../errors.js';
import type { ChangeBus } from '../store/change-bus/change-bus.js';
import { changeTopics } from '../store/change-bus/change-topics.js';
import type { Store } from '../store/database.js';
import { deploymentInputSchema, type DeploymentInput, type TargetKinds } from './deployment-input.js';
import { invalidRequest, parseOrThrow } from '../validation.js';
import type { DeploymentEvent, DeploymentRecord, DeploymentState, Pricing } from './deployment-record.js';
import { DeploymentRun } from './deployment-run.js';
import { DeploymentStore } from './deployment-store.js';
import { toDeploymentView, type DeploymentView } from './deployment-view.js';
import type { ModelCatalog } from './model-catalog.js';
import { DeploymentOwners, isShareable } from './deployment-owners.js';
import type { DeploymentRegistry, RoutableDeployment } from '../gateway/deployment-registry.js';
import { RoutableRegistry } from './routable-registry.js';
import type { SecretBox } from './secrets.js';

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
  /**
   * Scale-out (several replicas on one database): this replica's name and the bus that tells the
   * others about changes. Unset: a single gateway that runs every deployment itself.
   */
  replica?: { id: string; changes: ChangeBus };
}

interface Managed {
  record: DeploymentRecord;
  pricing?: Pricing;
  run?: DeploymentRun;
  /** Owned by another replica: this one serves only its shareable targets and writes no state. */
  follower: boolean;
}

/**
 * Owns every deployment's lifecycle (pending → provisioning → loading → ready / degraded /
 * failed / stopped), persists states and events, and serves the gateway's hot path from memory:
 * `get`/`list` return ready (and degraded) deployments, each object replaced whole on change.
 *
 * @example
 *   const manager = await DeploymentManager.open({ store, kinds, secrets, dataDir, logger });
 *   await manager.create({ name: 'local', targets: [{ kind: 'endpoint', spec: { url: 'http://127.0.0.1:8000/v1' } }] });
 *   manager.get('local'); // RoutableDeployment once ready
 */
export class DeploymentManager implements DeploymentRegistry {
  private readonly deployments = new Map<string, Managed>();
  private readonly routable = new RoutableRegistry();
  private readonly persistence: DeploymentStore;
  private readonly owners: DeploymentOwners;
  /** Operator actions and changes heard from other replicas, applied one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe?: () => void;
  /** Validates a create request (`POST /api/deployments` documents and checks its body with it). */
  readonly inputSchema;
  private closed = false;

  private constructor(private readonly options: DeploymentManagerOptions) {
    this.persistence = new DeploymentStore(options.store, options.logger);
    this.owners = new DeploymentOwners(options.store);
    this.inputSchema = deploymentInputSchema(options.kinds);
  }

  /** Loads every deployment and brings back those that should run (re-attaching where a target can). */
  static async open(options: DeploymentManagerOptions): Promise<DeploymentManager> {
    const manager = new DeploymentManager(options);
    for (const record of await manager.persistence.loadAll()) {
      const managed: Managed = { record, pricing: await manager.pricingFor(record), follower: await manager.isFollower(record.id) };
      manager.deployments.set(record.name, managed);
      if (record.desiredState === 'running') {
        if (!managed.follower) manager.setState(managed, 'pending', null, 'gateway started: bringing the deployment back');
        manager.launch(managed);
      }
    }
    if (options.replica) {
      manager.unsubscribe = await options.replica.changes.subscribe(changeTopics.deployments, (change) => manager.follow(change));
      manager.follow(null); // What other replicas changed while this one was loading.
    }
    return manager;
  }

  get(name: string): RoutableDeployment | undefined {
    return this.routable.get(name);
  }

  list(): RoutableDeployment[] {
    return this.routable.list();
  }

  /** Checks a create request in process (tests, benchmarks) with the route's schema; throws one invalid_request listing every bad field. */
  parseInput(body: unknown): DeploymentInput {
    return parseOrThrow(this.inputSchema, body, 'deployment');
  }

  /** Records a parsed deployment and starts it (unless `start: false`); resolves before it is ready. */
  create(input: DeploymentInput): Promise<DeploymentView> {
    return this.exclusive(async () => {
      await this.checkReferences(input);
      const modelId = input.model ?? (await this.resolveModel(input));
      const now = Date.now();
      const id = crypto.randomUUID();
      const record: DeploymentRecord = {
        id,
        name: input.name,
        modelId: modelId ?? null,
        desiredState: input.start ? 'running' : 'stopped',
        state: input.start ? 'pending' : 'stopped',
        reason: null,
        fallbacks: input.fallbacks,
        settings: input.settings,
        createdAt: now,
        updatedAt: now,
        targets: input.targets.map((target, position) => ({
          id: crypto.randomUUID(),
          kind: target.kind,
          weight: target.weight,
          position,
          spec: target.spec,
          encryptedSecret: target.secret ? this.options.secrets.encrypt(target.secret) : null,
        })),
      };
      try {
        await this.persistence.insert(record, {
          at: now,
          type: 'created',
          message: `created with ${record.targets.length} target(s)${modelId ? ` for model ${modelId}` : ''}`,
        });
      } catch (error) {
        // Another request created the same name between our check and the insert (here, or on another replica not yet heard from).
        if (this.deployments.has(input.name)) throw conflict(input.name);
        if (this.options.replica && (await this.persistence.loadAll()).some((existing) => existing.name === input.name))
          throw conflict(input.name);
        throw error;
      }
      if (this.options.replica) await this.owners.claim(record.id, this.options.replica.id);
      const managed: Managed = { record, pricing: await this.pricingFor(record), follower: false };
      this.deployments.set(record.name, managed);
      if (input.start) this.launch(managed, { specsParsed: true });
      this.announce(record.name);
      return this.describe(record.name);
    });
  }

  /** Starts a stopped or failed deployment; a running one is left as it is. */
  start(name: string): Promise<DeploymentView> {
    return this.exclusive(async () => {
      const managed = this.require(name);
      if (managed.run && managed.record.state !== 'failed') return this.describe(name);
      // Running on its owner replica (host-bound targets only): starting it here would run it twice.
      if (managed.follower && managed.record.desiredState === 'running' && managed.record.state !== 'failed') return this.describe(name);
      await managed.run?.end('stop');
      managed.run = undefined;
      await this.claim(managed);
      managed.record.desiredState = 'running';
      this.setState(managed, 'pending', null, 'start requested');
      this.launch(managed);
      this.announce(name);
      return this.describe(name);
    });
  }

  /** Stops every target and keeps the deployment stopped across gateway restarts. */
  stop(name: string): Promise<DeploymentView> {
    return this.exclusive(async () => {
      const managed = this.require(name);
      await this.claim(managed);
      managed.record.desiredState = 'stopped';
      const run = managed.run;
      managed.run = undefined;
      this.routable.remove(name);
      await run?.end('stop');
      this.setState(managed, 'stopped', null, 'stopped on request');
      this.announce(name);
      return this.describe(name);
    });
  }

  delete(name: string): Promise<void> {
    return this.exclusive(async () => {
      const managed = this.require(name);
      const run = managed.run;
      managed.run = undefined;
      this.routable.remove(name);
      this.deployments.delete(name);
      await run?.end('stop');
      await this.persistence.delete(managed.record.id);
      this.announce(name);
    });
  }

  describe(name: string): DeploymentView {
    const managed = this.require(name);
    return toDeploymentView(managed.record, managed.pricing, managed.run);
  }

  describeAll(): DeploymentView[] {
    return [...this.deployments.values()].map((managed) => toDeploymentView(managed.record, managed.pricing, managed.run));
  }

  async events(name: string, limit = 200): Promise<DeploymentEvent[]> {
    return this.persistence.events(this.require(name).record.id, limit);
  }

  /** The last output lines of the deployment's targets (managed processes). */
  logs(name: string, limit = 200): Array<{ target: string; line: string }> {
    return this.require(name).run?.logs(limit) ?? [];
  }

  /** Gateway shutdown: detaches targets that can keep running (re-attached on the next start), stops the rest. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    await this.queue;
    const runs = [...this.deployments.values()].flatMap((managed) => (managed.run ? [managed.run] : []));
    for (const managed of this.deployments.values()) managed.run = undefined;
    this.routable.clear();
    await Promise.all(runs.map((run) => run.end('detach')));
    await this.persistence.flush();
  }

  /** Scale-out: whether another replica owns the deployment (one nobody owns yet is claimed now). */
  private async isFollower(deploymentId: string): Promise<boolean> {
    const replica = this.options.replica;
    return replica !== undefined && (await this.owners.claimIfUnowned(deploymentId, replica.id)) !== replica.id;
  }

  /** Scale-out: an operator acted on the deployment through this replica, which now owns it. */
  private async claim(managed: Managed): Promise<void> {
    if (!this.options.replica) return;
    await this.owners.claim(managed.record.id, this.options.replica.id);
    managed.follower = false;
  }

  /** Tells the other replicas, once this replica's writes have landed, that a deployment changed. */
  private announce(name: string): void {
    const changes = this.options.replica?.changes;
    if (!changes || this.closed) return;
    this.persistence
      .flush()
      .then(() => changes.publish(changeTopics.deployments, { name }))
      .catch((error) => this.options.logger.warn({ err: error, deployment: name }, 'announcing a deployment change failed'));
  }

  /** A change heard from another replica (`null`: some may have been missed, so every deployment is checked). */
  private follow(change: unknown): void {
    const name = (change as { name?: unknown } | null)?.name;
    this.exclusive(async () => {
      if (this.closed) return;
      const records = await this.persistence.loadAll();
      const names = typeof name === 'string' ? [name] : [...new Set([...this.deployments.keys(), ...records.map((record) => record.name)])];
      for (const each of names)
        await this.reconcile(
          each,
          records.find((record) => record.name === each),
        );
    }).catch((error) => this.options.logger.warn({ err: error }, 'following a deployment change failed'));
  }

  /** Scale-out: runs `work` after every action and change before it (a heard change never lands in the middle of an operator's stop). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (!this.options.replica) return work();
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Brings this replica's view of one deployment in line with the shared store. */
  private async reconcile(name: string, record: DeploymentRecord | undefined): Promise<void> {
    const managed = this.deployments.get(name);
    const follower = record ? await this.isFollower(record.id) : false;
    const unchanged =
      managed &&
      record &&
      managed.record.id === record.id &&
      managed.follower === follower &&
      managed.record.desiredState === record.desiredState &&
      definitionFingerprint(managed.record) === definitionFingerprint(record);
    if (unchanged) {
      // Nothing for this replica to run differently; a follower shows the owner's state where it runs nothing itself.
      if (follower && !managed.run)
        Object.assign(managed.record, { state: record.state, reason: record.reason, updatedAt: record.updatedAt });
      return;
    }
    const pricing = record ? await this.pricingFor(record) : undefined;
    if (this.closed) return;
    // Replaced in one step: the deployment never goes missing from this replica's API meanwhile.
    const run = managed?.run;
    if (managed) managed.run = undefined;
    this.routable.remove(name);
    if (record) {
      const fresh: Managed = { record, pricing, follower };
      this.deployments.set(name, fresh);
      if (record.desiredState === 'running') this.launch(fresh);
    } else {
      this.deployments.delete(name);
    }
    await run?.end('stop');
  }

  /** Starts the deployment's targets; `specsParsed`: its specs come from this process's parse of a create. */
  private launch(managed: Managed, { specsParsed = false } = {}): void {
    const name = managed.record.name;
    const record = managed.follower ? { ...managed.record, targets: managed.record.targets.filter(isShareable) } : managed.record;
    // Host-bound targets only: the owner replica serves them, this one does not route to them.
    if (record.targets.length === 0) return;
    const run = new DeploymentRun({
      record,
      kinds: this.options.kinds,
      secrets: this.options.secrets,
      dataDir: this.options.dataDir,
      specsParsed,
      healthIntervalMs: managed.record.settings.healthIntervalMs ?? this.options.healthIntervalMs ?? 10_000,
      reporter: {
        state: (state, reason, message) => {
          if (managed.run === run) this.setState(managed, state, reason, message);
        },
        event: (type, message) => {
          if (managed.run === run || type === 'target') this.event(managed, type, message);
        },
        targetsChanged: () => {
          if (managed.run === run) this.publish(managed);
        },
      },
    });
    managed.run = run;
    run.start().catch((error) => {
      this.options.logger.error({ err: error, deployment: name }, 'deployment start crashed');
      if (managed.run === run) this.setState(managed, 'failed', (error as Error).message, 'start crashed');
    });
  }

  private setState(managed: Managed, state: DeploymentState, reason: string | null, message: string): void {
    if (this.closed) return;
    const record = managed.record;
    if (record.state === state && record.reason === reason) return;
    const at = Date.now();
    record.state = state;
    record.reason = reason;
    record.updatedAt = at;
    if (!this.deployments.has(record.name)) return;
    if (managed.follower) return this.publish(managed);
    this.persistence.saveState(
      record.id,
      { state, reason, desiredState: record.desiredState, at },
      { at, type: 'state', message: `${state}: ${message}` },
    );
    this.options.logger.info({ deployment: record.name, state }, message);
    this.publish(managed);
    this.announce(record.name);
  }

  private event(managed: Managed, type: string, message: string): void {
    if (this.closed || managed.follower || !this.deployments.has(managed.record.name)) return;
    this.persistence.appendEvent(managed.record.id, { at: Date.now(), type, message });
  }

  /** Publishes the deployment's routable view (a new object) or removes it when it cannot serve. */
  private publish(managed: Managed): void {
    const { record, run } = managed;
    if (!run || (record.state !== 'ready' && record.state !== 'degraded')) return this.routable.remove(record.name);
    this.routable.set({
      name: record.name,
      modelId: record.modelId,
      fallbacks: record.fallbacks,
      pricing: managed.pricing,
      targets: run.routableTargets(record.modelId ?? record.name),
    });
  }

  private async checkReferences(input: DeploymentInput): Promise<void> {
    if (this.deployments.has(input.name)) throw conflict(input.name);
    const fieldErrors = input.fallbacks.flatMap((fallback, index) =>
      fallback === input.name
        ? [{ path: `fallbacks.${index}`, message: 'a deployment cannot fall back to itself' }]
        : this.deployments.has(fallback)
          ? []
          : [{ path: `fallbacks.${index}`, message: `no deployment named '${fallback}'` }],
    );
    if (input.model && this.options.models && !(await this.options.models.find(input.model))) {
      fieldErrors.push({ path: 'model', message: `model '${input.model}' is not in the library (leave it out, or add the model first)` });
    }
    if (fieldErrors.length > 0) {
      throw invalidRequest('deployment', fieldErrors);
    }
  }

  /** Asks the targets that can tell (an embedded GGUF file) which library model they serve. */
  private async resolveModel(input: DeploymentInput): Promise<string | undefined> {
    for (const target of input.targets) {
      const modelId = await this.options.kinds.get(target.kind)?.resolveModel?.(target.spec);
      if (modelId) return modelId;
    }
    return undefined;
  }

  private async pricingFor(record: DeploymentRecord): Promise<Pricing | undefined> {
    if (record.settings.pricing) return record.settings.pricing;
    if (!record.modelId || !this.options.models) return undefined;
    try {
      return (await this.options.models.find(record.modelId))?.pricing;
    } catch (error) {
      this.options.logger.warn({ err: error, model: record.modelId }, 'reading model pricing failed; deployment unpriced');
      return undefined;
    }
  }

  private require(name: string): Managed {
    const managed = this.deployments.get(name);
    if (!managed) throw notFound('deployment', name);
    return managed;
  }
}

/**
 * What a run is started from: the deployment's identity, model, targets (kind, weight, spec,
 * secret), fallbacks and settings (pricing and timeouts among them). Equal fingerprints mean a
 * running deployment can be left as it is; its state, reason and times are not part of it.
 */
function definitionFingerprint(record: DeploymentRecord): string {
  const { id, name, modelId, fallbacks, settings, targets } = record;
  return JSON.stringify({ id, name, modelId, fallbacks, settings, targets });
}

function conflict(name: string): DevupError {
  return new DevupError('conflict', `A deployment named '${name}' already exists`, { param: 'name' });
}
