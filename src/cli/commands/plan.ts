import type { Command } from '../command.js';
import { CliError } from '../cli-error.js';
import { printJson } from '../output.js';
import { openStore } from '../../store/database.js';
import { findArchitecture, readArchitectureFile } from '../../deploy/planner/architecture-source.js';
import { formatPlan } from '../../deploy/planner/format-plan.js';
import { planDeployment } from '../../deploy/planner/plan-deployment.js';
import { planRequestSchema } from '../../deploy/planner/plan-request-schema.js';
import { recipeFor } from '../../deploy/recipes/recipe-for.js';
import type { Config } from '../../config.js';
import type { ArchitectureSpec } from '../../deploy/planner/architecture-spec.js';
import fs from 'node:fs';
import path from 'node:path';

/** `devup plan MODEL|--config PATH`: offline, from data/architectures, the local library or a config file. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'Plan GPUs, layout and the engine launch command for a model',
  usage:
    'devup plan MODEL|--config PATH [--gpu h200] [--dtype fp8] [--context N] [--concurrency N] [--engine vllm|sglang|llama-server|ollama] [--gpus N] [--host ADDRESS] [--json]',
  options: {
    config: { type: 'string', description: 'config.json (Hugging Face or DeepSeek), GGUF metadata JSON, or an architecture YAML' },
    gpu: { type: 'string', description: 'GPU model: h200, h100, b200, h20, a100-80g, a100-40g, l40s, mi300x, rtx-4090… (default h100)' },
    dtype: { type: 'string', description: 'Weights: fp8, bf16, fp16, int8, int4, mxfp4, q8_0, q4_k_m… (default: the checkpoint’s)' },
    'kv-dtype': { type: 'string', description: 'KV cache: bf16 (default) or fp8' },
    context: { type: 'string', description: 'Tokens per sequence (default: the model’s maximum, at most 32768)' },
    concurrency: { type: 'string', description: 'Sequences that must fit at once (default 1)' },
    engine: { type: 'string', description: 'vllm, sglang, llama-server or ollama (default vllm; llama-server for GGUF dtypes)' },
    gpus: { type: 'string', description: 'Pin the GPU count you have instead of searching the fewest' },
    host: {
      type: 'string',
      description: 'Address the engine binds in the launch command (default 127.0.0.1; 0.0.0.0 for every interface)',
    },
  },
  async run({ config, values, positionals }) {
    const model = positionals[0];
    const configPath = values.config as string | undefined;
    if (!model && !configPath) throw new CliError(`give a model id or --config PATH\nusage: ${planCommand.usage}`);
    const parsed = planRequestSchema.omit({ config: true, model: true }).safeParse({
      gpu: values.gpu,
      dtype: values.dtype,
      kvDtype: values['kv-dtype'],
      context: values.context,
      concurrency: values.concurrency,
      engine: values.engine,
      gpus: values.gpus,
      host: values.host,
    });
    if (!parsed.success) {
      throw new CliError(
        parsed.error.issues
          .map((issue) => `--${String(issue.path[0]).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}: ${issue.message}`)
          .join('\n'),
      );
    }
    const spec = configPath ? readArchitectureFile(configPath) : await architectureOffline(model as string, config);
    const plan = planDeployment({
      ...parsed.data,
      spec,
      model: model ?? spec.repo ?? path.basename(configPath as string).replace(/\.(json|ya?ml)$/i, ''),
    });
    const recipe = plan.fits ? recipeFor(plan, { host: parsed.data.host }) : null;
    if (values.json) printJson({ ...plan, recipe });
    else process.stdout.write(formatPlan(plan, recipe));
    if (!plan.fits) process.exitCode = 3;
  },
};

/** The seeded architecture files first (no database needed), then the local library store if there is one. */
async function architectureOffline(model: string, config: Config): Promise<ArchitectureSpec> {
  try {
    return await findArchitecture(model);
  } catch (error) {
    const hasLocalStore = config.databaseUrl !== undefined || fs.existsSync(path.join(config.dataDir, 'devup.db'));
    if (!hasLocalStore) throw error;
    const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      return await findArchitecture(model, { store });
    } finally {
      await store.close();
    }
  }
}
