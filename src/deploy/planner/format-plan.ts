import type { EngineRecipe } from '../recipes/recipe-types.js';
import type { ParallelLayout } from './parallel-layout.js';
import type { Plan } from './plan-types.js';

const gigabyte = 1e9;
const gb = (bytes: number) => `${(bytes / gigabyte).toFixed(1)} GB`;

/**
 * The plan as `devup plan` prints it: the model, the answer, one GPU's memory as a bar
 * (W weights, R runtime and activations, K free for KV cache) and the launch commands.
 *
 * @example formatPlan(plan, recipe) // 'deepseek-v3 · MLA · fp8 on h200\n  weights  688.6 GB …'
 */
export function formatPlan(plan: Plan, recipe: EngineRecipe | null): string {
  const parameters = `${(plan.parameters.total / 1e9).toFixed(1)}B parameters (${(plan.parameters.activated / 1e9).toFixed(1)}B activated)`;
  const lines = [
    `${plan.model} · ${plan.family} · ${plan.attention} · ${parameters}`,
    `  weights      ${gb(plan.weightsBytes)} in ${plan.dtype}`,
    `  KV cache     ${plan.kvBytesPerToken.toLocaleString('en-US')} bytes/token in ${plan.kvDtype}; ${gb(plan.kvBytesPerSequence)} per ${plan.context}-token sequence`,
    `  min GPUs     ${plan.minGpus} × ${plan.gpu.id} (${gb(plan.gpu.memoryBytes)} each) hold the weights`,
    `  layout       ${plan.gpuCount} × ${plan.gpu.id} = ${plan.nodes} node${plan.nodes > 1 ? 's' : ''} × ${plan.gpusPerNode} GPU${plan.gpusPerNode > 1 ? 's' : ''} · ${layoutText(plan)} · ${plan.engine}`,
    `  per GPU      ${memoryBar(plan)}`,
    `               weights ${gb(plan.perGpu.weightsBytes)} · runtime+activations ${gb(plan.perGpu.runtimeBytes + plan.perGpu.activationBytes)} · KV free ${gb(Math.max(0, plan.perGpu.kvFreeBytes))} of ${gb(plan.perGpu.usableBytes)} usable`,
    `  sequences    ${plan.concurrentSequences} concurrent at ${plan.context} tokens${plan.concurrency > 1 ? ` (asked ${plan.concurrency})` : ''}`,
  ];
  const others = Object.entries(plan.engineLayouts).filter(([engine, layout]) => engine !== plan.engine && layout?.fits);
  if (others.length > 0)
    lines.push(
      `  other engines ${others.map(([engine, layout]) => `${engine}: ${layout!.gpuCount} GPU${layout!.gpuCount > 1 ? 's' : ''}, ${layoutText(layout!)}`).join(' · ')}`,
    );
  if (plan.shortfall) {
    lines.push('', `Does not fit: ${plan.shortfall.message}.`);
    if (plan.alternatives.length > 0)
      lines.push(
        'Would fit:',
        ...plan.alternatives.map(
          (alternative) =>
            `  ${alternative.gpuCount} × ${alternative.gpu} (${alternative.nodes} node${alternative.nodes > 1 ? 's' : ''}) in ${alternative.dtype}`,
        ),
      );
  }
  if (plan.notes.length > 0) lines.push('', ...plan.notes.map((note) => `note: ${note}`));
  if (recipe) {
    lines.push('', `Launch (${recipe.engine}, image ${recipe.image}):`, ...recipe.shell.map((line) => `  ${line}`));
    for (const file of recipe.files)
      lines.push(
        '',
        `${file.name}:`,
        ...file.content
          .trimEnd()
          .split('\n')
          .map((line) => `  ${line}`),
      );
    lines.push(...recipe.notes.map((note) => `note: ${note}`));
  }
  return `${lines.join('\n')}\n`;
}

function layoutText(plan: ParallelLayout): string {
  if (plan.split === 'layer') return `layers split over ${plan.gpuCount} GPU${plan.gpuCount > 1 ? 's' : ''}`;
  const parts = [`TP ${plan.tensorParallel}`];
  if (plan.pipelineParallel > 1) parts.push(`PP ${plan.pipelineParallel}`);
  if (plan.expertParallel > 1) parts.push(`EP ${plan.expertParallel}`);
  return parts.join(' × ');
}

/** 40 cells of one GPU's memory: W weights, R runtime + activations, K free for KV, · unused headroom. */
export function memoryBar(plan: Plan, width = 40): string {
  const total = plan.perGpu.memoryBytes;
  const cells = (bytes: number) => Math.max(0, Math.round((bytes / total) * width));
  const weights = Math.min(width, cells(plan.perGpu.weightsBytes));
  const runtime = Math.min(width - weights, cells(plan.perGpu.runtimeBytes + plan.perGpu.activationBytes));
  const kv = Math.min(width - weights - runtime, cells(Math.max(0, plan.perGpu.kvFreeBytes)));
  const overflow = plan.perGpu.kvFreeBytes < 0 ? ' !' : '';
  return `[${'W'.repeat(weights)}${'R'.repeat(runtime)}${'K'.repeat(kv)}${'·'.repeat(width - weights - runtime - kv)}]${overflow}`;
}
