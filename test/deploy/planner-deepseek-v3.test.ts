import { describe, expect, it, vi } from 'vitest';
import { findArchitecture } from '../../src/deploy/planner/architecture-source.js';
import { planDeployment } from '../../src/deploy/planner/plan-deployment.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { loadConfig } from '../../src/config.js';
import { referenceArchitecture } from './planner-support.js';

// The published DeepSeek-V3 facts (README_WEIGHTS.md, the model card, the DeepSeek-V3 README):
// 671B main model + MTP module = 685B on the hub, FP8 with 128×128 block scales ≈ 689 GB,
// MLA KV cache 61 layers × (512 + 64) × 2 bytes = 70,272 bytes per token in BF16.
describe('planner: DeepSeek-V3 published facts', () => {
  const sources = {
    'data/architectures/deepseek-v3.yaml': () => findArchitecture('deepseek-v3'),
    'the genuine Hugging Face config.json': async () => referenceArchitecture('configs/DeepSeek-V3.json'),
  };

  for (const [source, load] of Object.entries(sources)) {
    it(`counts parameters, FP8 bytes and MLA KV from ${source}`, async () => {
      const plan = planDeployment({ spec: await load(), model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8' });
      expect(plan.parameters.mainModel / 1e9).toBeCloseTo(671.0, 0);
      expect(plan.parameters.total / 1e9).toBeCloseTo(684.5, 0);
      expect(plan.parameters.mtp / 1e9).toBeGreaterThan(13);
      expect(plan.parameters.activated / 1e9).toBeGreaterThan(36.5);
      expect(plan.parameters.activated / 1e9).toBeLessThan(38);
      expect(plan.weightsBytes / 1e9).toBeGreaterThan(688);
      expect(plan.weightsBytes / 1e9).toBeLessThan(690);
      expect(plan.kvBytesPerToken).toBe(61 * (512 + 64) * 2);
      expect(plan.kvBytesPerToken).toBe(70_272);
      expect(plan.attention).toBe('MLA');
    });
  }

  it('fits FP8 on one node of 8 × H200 and on 2 × 8 H100', async () => {
    const spec = await findArchitecture('deepseek-v3');
    const h200 = planDeployment({ spec, model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8' });
    expect(h200).toMatchObject({ fits: true, gpuCount: 8, nodes: 1, gpusPerNode: 8, tensorParallel: 8 });
    expect(h200.minGpus).toBeLessThanOrEqual(8);
    expect(h200.concurrentSequences).toBeGreaterThan(0);
    const h100 = planDeployment({ spec, model: 'deepseek-v3', gpu: 'h100', dtype: 'fp8' });
    expect(h100).toMatchObject({ fits: true, gpuCount: 16, nodes: 2, gpusPerNode: 8 });
    expect(h100.minGpus).toBeGreaterThan(8);
    // Each engine's own layout of the same hardware: vLLM TP 8 × PP 2 across nodes, SGLang one TP group of 16.
    expect(h100.engineLayouts.vllm).toMatchObject({ fits: true, gpuCount: 16, tensorParallel: 8, pipelineParallel: 2, expertParallel: 8 });
    expect(h100.engineLayouts.sglang).toMatchObject({
      fits: true,
      gpuCount: 16,
      tensorParallel: 16,
      pipelineParallel: 1,
      expertParallel: 16,
    });
    expect(h100.engineLayouts['llama-server']).toBeNull();
  });

  it('needs 16 × H200 or 32 × H100 in BF16, with either engine', async () => {
    const spec = await findArchitecture('deepseek-v3');
    for (const engine of ['vllm', 'sglang'] as const) {
      expect(planDeployment({ spec, model: 'deepseek-v3', gpu: 'h200', dtype: 'bf16', engine })).toMatchObject({
        fits: true,
        gpuCount: 16,
        nodes: 2,
      });
      expect(planDeployment({ spec, model: 'deepseek-v3', gpu: 'h100', dtype: 'bf16', engine })).toMatchObject({
        fits: true,
        gpuCount: 32,
        nodes: 4,
      });
    }
    // BF16 doubles the weights: 2 bytes for each of the 684.5B parameters.
    const bf16 = planDeployment({ spec, model: 'deepseek-v3', gpu: 'h200', dtype: 'bf16' });
    expect(bf16.weightsBytes).toBe(bf16.parameters.total * 2);
  });

  it('reads DeepSeek’s own config_671B.json (no MTP module: 671B, FP8)', () => {
    const spec = referenceArchitecture('deepseek-v3/configs/config_671B.json');
    const plan = planDeployment({ spec, model: 'config_671B', gpu: 'h200' });
    expect(plan.dtype).toBe('fp8');
    expect(plan.parameters.total / 1e9).toBeCloseTo(671.0, 0);
    expect(plan.parameters.mtp).toBe(0);
    expect(plan.kvBytesPerToken).toBe(70_272);
    expect(plan.gpuCount).toBe(8);
  });

  it('`devup plan deepseek-v3 --gpu h200 --dtype fp8 --json` prints the plan', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await planCommand.run({
        config: loadConfig({ DEVUP_DATA_DIR: '/nonexistent-devup-test' }),
        values: { gpu: 'h200', dtype: 'fp8', json: true },
        positionals: ['deepseek-v3'],
      });
    } finally {
      spy.mockRestore();
    }
    const output = JSON.parse(written.join(''));
    expect(output).toMatchObject({
      model: 'deepseek-v3',
      kvBytesPerToken: 70_272,
      gpuCount: 8,
      nodes: 1,
      gpusPerNode: 8,
      tensorParallel: 8,
      fits: true,
    });
    expect(output.weightsBytes / 1e9).toBeCloseTo(688.6, 0);
    expect(output.minGpus).toBeGreaterThanOrEqual(5);
    expect(output.recipe.shell.join('\n')).toContain('--tensor-parallel-size 8');
  });

  it('says by how much 8 × H100 fall short and what would fit', async () => {
    const spec = await findArchitecture('deepseek-v3');
    const plan = planDeployment({ spec, model: 'deepseek-v3', gpu: 'h100', dtype: 'fp8', gpus: 8 });
    expect(plan.fits).toBe(false);
    // 688.6 GB over 8 GPUs is 86 GB each, beyond 90% of the H100's 81,559 MiB.
    expect(plan.shortfall?.bytesPerGpu).toBeGreaterThan(688.6e9 / 8 - 0.9 * 81_559 * 2 ** 20);
    expect(plan.shortfall?.message).toMatch(/8 × h100 lack \d+ GB per GPU/);
    expect(plan.alternatives).toContainEqual({ gpu: 'h100', dtype: 'fp8', gpuCount: 16, nodes: 2 });
    expect(plan.alternatives).toContainEqual({ gpu: 'h200', dtype: 'fp8', gpuCount: 8, nodes: 1 });
  });
});
