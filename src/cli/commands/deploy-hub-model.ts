import { formatPlan } from '../../deploy/planner/format-plan.js';
import type { Plan } from '../../deploy/planner/plan-types.js';
import type { EngineRecipe } from '../../deploy/recipes/recipe-types.js';
import { parseHubReference, type HubReference } from '../../library/hub/hub-reference.js';
import { modelIdFor } from '../../library/importers/gguf-import.js';
import type { Model } from '../../library/library-shapes.js';
import type { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { DeployFlags } from './deploy-target-flags.js';

/** What `devup deploy hf:OWNER/REPO` settles before the deployment is created. */
export interface HubDeployment {
  /** The library entry of the repo (imported first when the library lacked it). */
  model: Model;
  /** The deployment name when `--name` is not given: the model id, and the variant for embedded. */
  name: string;
  /** The target's spec when the repo decides it (embedded: the variant; process: the plan's launch command). */
  spec?: Record<string, unknown>;
}

/**
 * `devup deploy hf:OWNER/REPO[@REV]`: finds the repo in the library (importing it when missing),
 * then per target: `embedded` pulls the variant on the gateway (`--quant`, `--context`);
 * `process` without `--command` prints the planner's plan and runs its launch command (vLLM or
 * SGLang; `--gpu`, `--dtype`, `--engine`); `kubernetes` plans from the library entry as for any model.
 *
 * @example await prepareHubDeployment(client, 'hf:ggml-org/stories260K-GGUF', { target: 'embedded', quant: 'Q8_0' })
 */
export async function prepareHubDeployment(client: ApiClient, source: string, flags: DeployFlags): Promise<HubDeployment> {
  const reference = parseHubReference(source, 'MODEL');
  const quant = flags.quant as string | undefined;
  if (quant !== undefined && flags.target !== 'embedded') throw new CliError('--quant picks the GGUF variant of --target embedded');
  const model = await libraryEntry(client, reference);
  if (flags.target === 'embedded') {
    const context = flags.context === undefined ? undefined : Number(flags.context);
    if (context !== undefined && !Number.isInteger(context)) throw new CliError('--context must be an integer');
    return {
      model,
      name: quant ? `${model.id}-${quant.toLowerCase()}` : model.id,
      spec: {
        source: `hf:${reference.repo}@${reference.revision}`,
        ...(quant ? { quant } : {}),
        ...(context === undefined ? {} : { contextSize: context }),
      },
    };
  }
  if (flags.target === 'process' && flags.command === undefined)
    return { model, name: model.id, spec: await plannedProcess(client, model, flags) };
  return { model, name: model.id };
}

/** The repo's library entry: the one under its default id, else imported now (`POST /api/import`). */
async function libraryEntry(client: ApiClient, reference: HubReference): Promise<Model> {
  const id = modelIdFor(reference.repo.split('/')[1]);
  const existing = await client.find<Model>(`/api/models/${encodeURIComponent(id)}`);
  if (existing) {
    process.stderr.write(`${existing.id}: in the library\n`);
    return existing;
  }
  const imported = await client.request<Model>('POST', '/api/import', {
    kind: 'hf-repo',
    repo: reference.repo,
    revision: reference.revision,
  });
  process.stderr.write(`${imported.id}: imported from ${reference.repo}@${reference.revision}\n`);
  return imported;
}

/** The plan of a safetensors model (printed) and its one-node launch command as a managed process spec. */
async function plannedProcess(client: ApiClient, model: Model, flags: DeployFlags): Promise<Record<string, unknown>> {
  const request = Object.fromEntries(
    ['gpu', 'dtype', 'engine', 'context', 'concurrency', 'gpus']
      .filter((name) => flags[name] !== undefined)
      .map((name) => [name, ['context', 'concurrency', 'gpus'].includes(name) ? Number(flags[name]) : flags[name]]),
  );
  const plan = await client.request<Plan & { recipe: EngineRecipe | null }>('POST', '/api/plan', { model: model.id, ...request });
  process.stdout.write(formatPlan(plan, plan.recipe));
  if (!plan.recipe) throw new CliError(`${model.id} does not fit as planned; see the alternatives above`, 3);
  if (plan.recipe.nodes.length > 1)
    throw new CliError(`${model.id} needs ${plan.recipe.nodes.length} nodes; deploy it with --target kubernetes`, 3);
  // The gateway picks the port of a managed process: the recipe's port becomes {port}.
  const [command, ...args] = plan.recipe.nodes[0].argv;
  return { command, args: args.map((word, index) => (args[index - 1] === '--port' ? '{port}' : word)) };
}
