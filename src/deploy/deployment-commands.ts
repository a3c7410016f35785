import crypto from 'node:crypto';
import type { DeploymentInput, TargetKinds } from './deployment-input.js';
import type { DeploymentLifecycle } from './deployment-lifecycle.js';
import type { PricingOf } from './deployment-pricing.js';
import type { DeploymentRecord } from './deployment-record.js';
import { checkReferences, checkTargets, nameTaken, resolveModel } from './deployment-references.js';
import type { DeploymentStore } from './deployment-store.js';
import { toDeploymentView, type DeploymentView } from './deployment-view.js';
import type { KeyedQueue } from './keyed-queue.js';
import { requireDeployment, type DeploymentTable, type ManagedDeployment } from './managed-deployment.js';
import type { ModelCatalog } from './model-catalog.js';
import type { ReplicaChannel } from './replica-channel.js';
import type { SecretBox } from './secrets.js';
import { sealSpec } from './target-secrets.js';

export interface CommandOptions {
  table: DeploymentTable;
  /** Shared with the replica follower: a heard change never lands in the middle of a command. */
  queue: KeyedQueue;
  lifecycle: DeploymentLifecycle;
  channel: ReplicaChannel;
  persistence: DeploymentStore;
  kinds: TargetKinds;
  secrets: SecretBox;
  models?: ModelCatalog;
  pricingOf: PricingOf;
}

/**
 * What an operator asks of deployments (`/api/deployments`, `devup deploy`): create, start,
 * stop, delete. Each runs in its deployment's turn of the queue, so two starts of one deployment
 * launch it once and a stop always ends the run a start launched. Resolves before a deployment is ready.
 *
 * @example await commands.create(input); await commands.stop('qwen'); // input: parsed by deploymentInputSchema
 */
export class DeploymentCommands {
  constructor(private readonly options: CommandOptions) {}

  /** Checks the references of a parsed create request, records the deployment, then starts it (unless `start: false`). */
  create(input: DeploymentInput): Promise<DeploymentView> {
    const { table, queue, lifecycle, channel, persistence, kinds, models, pricingOf } = this.options;
    return queue.run(input.name, async () => {
      await checkReferences(input, (name) => table.has(name), models);
      await checkTargets(input, kinds);
      const record = this.newRecord(input, input.model ?? (await resolveModel(input, kinds)));
      try {
        await persistence.insert(record, {
          at: record.createdAt,
          type: 'created',
          message: `created with ${record.targets.length} target(s)${record.modelId ? ` for model ${record.modelId}` : ''}`,
        });
      } catch (error) {
        // Another replica, not yet heard from, created the same name between our check and the insert.
        if ((await persistence.loadAll()).some((existing) => existing.name === input.name)) throw nameTaken(input.name);
        throw error;
      }
      const managed: ManagedDeployment = { record, pricing: await pricingOf(record), follower: false };
      await channel.claim(managed);
      table.set(record.name, managed);
      if (input.start) lifecycle.launch(managed, { specsParsed: true });
      channel.announce(record.name);
      return toDeploymentView(record, managed.pricing, managed.run);
    });
  }

  /** Starts a stopped or failed deployment; a running one is left as it is. */
  start(name: string): Promise<DeploymentView> {
    const { table, queue, lifecycle, channel } = this.options;
    return queue.run(name, async () => {
      const managed = requireDeployment(table, name);
      const { record } = managed;
      const running = record.desiredState === 'running' && record.state !== 'failed';
      // A follower runs no host-bound target: starting one running on its owner would run it twice.
      if ((managed.run && record.state !== 'failed') || (managed.follower && running)) return describe(managed);
      await lifecycle.end(managed);
      await channel.claim(managed);
      record.desiredState = 'running';
      lifecycle.setState(managed, 'pending', null, 'start requested');
      lifecycle.launch(managed);
      channel.announce(name);
      return describe(managed);
    });
  }

  /** Stops every target and keeps the deployment stopped across gateway restarts. */
  stop(name: string): Promise<DeploymentView> {
    const { table, queue, lifecycle, channel } = this.options;
    return queue.run(name, async () => {
      const managed = requireDeployment(table, name);
      await channel.claim(managed);
      managed.record.desiredState = 'stopped';
      await lifecycle.end(managed);
      lifecycle.setState(managed, 'stopped', null, 'stopped on request');
      channel.announce(name);
      return describe(managed);
    });
  }

  /** Stops every target and deletes the deployment with its event log. */
  delete(name: string): Promise<void> {
    const { table, queue, lifecycle, channel, persistence } = this.options;
    return queue.run(name, async () => {
      const managed = requireDeployment(table, name);
      table.delete(name);
      await lifecycle.end(managed);
      await persistence.delete(managed.record.id);
      channel.announce(name);
    });
  }

  private newRecord(input: DeploymentInput, modelId: string | undefined): DeploymentRecord {
    const now = Date.now();
    return {
      id: crypto.randomUUID(),
      name: input.name,
      modelId: modelId ?? null,
      desiredState: input.start ? 'running' : 'stopped',
      state: input.start ? 'pending' : 'stopped',
      reason: null,
      fallbacks: input.fallbacks,
      settings: input.settings,
      createdAt: now,
      updatedAt: now,
      targets: input.targets.map((target, position) => {
        const { spec, encryptedSpecSecrets } = sealSpec(this.options.kinds.get(target.kind), target.spec, this.options.secrets);
        const encryptedSecret = target.secret ? this.options.secrets.encrypt(target.secret) : null;
        return { id: crypto.randomUUID(), kind: target.kind, weight: target.weight, position, spec, encryptedSecret, encryptedSpecSecrets };
      }),
    };
  }
}

function describe(managed: ManagedDeployment): DeploymentView {
  return toDeploymentView(managed.record, managed.pricing, managed.run);
}
