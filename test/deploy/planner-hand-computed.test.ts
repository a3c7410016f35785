import { describe, expect, it } from 'vitest';
import { findArchitecture } from '../../src/deploy/planner/architecture-source.js';
import { kvBytesPerSequence } from '../../src/deploy/planner/kv-cache.js';
import { planDeployment } from '../../src/deploy/planner/plan-deployment.js';
import { gibibyte, referenceArchitecture } from './planner-support.js';

// Every expected value below is worked out by hand from the published configs, term by term.
describe('planner: grouped-query models against hand-computed values', () => {
  it('Qwen2.5-72B-Instruct: 72.7B parameters, 327,680 KV bytes per token, 4 × H100 in BF16', async () => {
    const hidden = 8192;
    const embedding = 152_064 * hidden; // embed_tokens, and lm_head again (not tied)
    const attention = hidden * hidden + 2 * (8 * 128) * hidden + hidden * hidden + (hidden + 2 * 1024); // q, k+v, o, qkv biases
    const mlp = 3 * hidden * 29_568;
    const layer = attention + mlp + 2 * hidden; // + two RMSNorms
    const parameters = 2 * embedding + 80 * layer + hidden;
    expect(parameters).toBe(72_706_203_648);

    for (const spec of [await findArchitecture('qwen2.5-72b-instruct'), referenceArchitecture('configs/Qwen2.5-72B-Instruct.json')]) {
      const plan = planDeployment({ spec, model: 'qwen2.5-72b-instruct', gpu: 'h100', dtype: 'bf16', context: 32_768 });
      expect(plan.parameters.total).toBe(parameters);
      expect(plan.weightsBytes).toBe(parameters * 2);
      expect(plan.kvBytesPerToken).toBe(2 * 80 * 8 * 128 * 2);
      expect(plan.attention).toBe('GQA');
      // 145.4 GB leaves 2 GPUs no room for one 32K sequence; 4 GPUs with TP 4 (64 heads and 8 KV heads divide by 4).
      expect(plan).toMatchObject({ gpuCount: 4, nodes: 1, tensorParallel: 4, pipelineParallel: 1 });
      // Per GPU: 90% of the H100's 81,559 MiB, less a quarter of the weights, 2.5 GiB runtime, and
      // one 8192-token prefill chunk of activations (4 hidden + 3 × intermediate / TP values, 2 bytes each).
      const activations = 8192 * 2 * (4 * hidden + (3 * 29_568) / 4);
      const free = 0.9 * 81_559 * 2 ** 20 - (parameters * 2) / 4 - 2.5 * gibibyte - activations;
      expect(plan.perGpu.kvFreeBytes).toBe(Math.floor(free));
      // Each GPU holds 2 of the 8 KV heads: a quarter of 327,680 bytes per token.
      expect(plan.concurrentSequences).toBe(Math.floor(Math.floor(free) / ((327_680 * 32_768) / 4)));
      expect(plan.concurrentSequences).toBe(13);
    }
  });

  it('Llama-3.1-405B: 405.9B parameters, 516,096 KV bytes per token, 2 × 8 H100 in BF16, 8 × H100 in FP8', async () => {
    const hidden = 16_384;
    const layer = hidden * hidden * 2 + 2 * 1024 * hidden + 3 * hidden * 53_248 + 2 * hidden;
    const parameters = 2 * 128_256 * hidden + 126 * layer + hidden;
    expect(parameters).toBe(405_853_388_800);
    const spec = await findArchitecture('llama-3.1-405b-instruct');
    const bf16 = planDeployment({ spec, model: 'llama-3.1-405b-instruct', gpu: 'h100', dtype: 'bf16' });
    expect(bf16.parameters.total).toBe(parameters);
    expect(bf16.kvBytesPerToken).toBe(2 * 126 * 8 * 128 * 2);
    expect(bf16).toMatchObject({ gpuCount: 16, nodes: 2, gpusPerNode: 8, tensorParallel: 8, pipelineParallel: 2 });
    // FP8: one byte per linear weight plus a float32 per 128×128 block; embeddings and norms stay BF16.
    const linear = 126 * (layer - 2 * hidden);
    const blocks = 126 * (2 * (128 * 128) + 2 * (8 * 128) + 2 * (416 * 128) + 128 * 416);
    const fp8 = planDeployment({ spec, model: 'llama-3.1-405b-instruct', gpu: 'h100', dtype: 'fp8' });
    expect(fp8.weightsBytes).toBe(linear + blocks * 4 + 2 * (2 * 128_256 * hidden + 126 * 2 * hidden + hidden));
    expect(fp8).toMatchObject({ gpuCount: 8, nodes: 1, tensorParallel: 8 });
    // The genuine (base) config gives the same architecture.
    expect(
      planDeployment({
        spec: referenceArchitecture('configs/Meta-Llama-3.1-405B.BASE-not-instruct.json'),
        model: 'base',
        gpu: 'h100',
        dtype: 'bf16',
      }).parameters.total,
    ).toBe(parameters);
  });
});

describe('planner: DeepSeek-V2 (MLA) against hand-computed values', () => {
  it('236B parameters, 69,120 KV bytes per token instead of an MHA reading’s 3.9 MB', async () => {
    const hidden = 5120;
    const attention =
      hidden * 1536 + 1536 + 1536 * 128 * (128 + 64) + hidden * (512 + 64) + 512 + 512 * 128 * (128 + 128) + 128 * 128 * hidden;
    const moeLayer = 160 * 3 * hidden * 1536 + 3 * hidden * (2 * 1536) + 160 * hidden;
    const denseLayer = 3 * hidden * 12_288;
    const parameters = 2 * 102_400 * hidden + hidden + 60 * (attention + 2 * hidden) + denseLayer + 59 * moeLayer;
    expect(parameters).toBe(235_741_434_880);
    const specs = [await findArchitecture('deepseek-v2'), referenceArchitecture('deepseek-v3/configs/config_236B.json')];
    for (const spec of specs) {
      const plan = planDeployment({ spec, model: 'deepseek-v2', gpu: 'h100', dtype: 'bf16' });
      expect(plan.parameters.total).toBe(parameters);
      expect(plan.kvBytesPerToken).toBe(60 * (512 + 64) * 2);
      // A generic formula reading 128 KV heads × 128 dims would claim 2·60·128·128·2 bytes.
      expect((2 * 60 * 128 * 128 * 2) / plan.kvBytesPerToken).toBeGreaterThan(56);
      // 471.5 GB in BF16: 8 × H100 with TP 8 (128 heads, 160 experts divide by 8).
      expect(plan).toMatchObject({ gpuCount: 8, nodes: 1, tensorParallel: 8, expertParallel: 8 });
    }
  });

  it('DeepSeek-V2-Lite (no q_lora_rank) from its genuine config: 15.7B', () => {
    const plan = planDeployment({ spec: referenceArchitecture('configs/DeepSeek-V2-Lite.json'), model: 'lite', gpu: 'l40s' });
    const hidden = 2048;
    const attention = hidden * 16 * 192 + hidden * 576 + 512 + 512 * 16 * 256 + 16 * 128 * hidden;
    const parameters =
      2 * 102_400 * hidden +
      hidden +
      27 * (attention + 2 * hidden) +
      3 * hidden * 10_944 +
      26 * (64 * 3 * hidden * 1408 + 3 * hidden * 2816 + 64 * hidden);
    expect(plan.parameters.total).toBe(parameters);
    expect(plan.kvBytesPerToken).toBe(27 * 576 * 2);
  });
});

describe('planner: sliding-window layers', () => {
  it('Gemma-2-9B: half its 42 layers stop at the 4096-token window', () => {
    const spec = referenceArchitecture('configs/gemma-2-9b-it.json');
    const perLayer = 2 * 8 * 256 * 2;
    expect(kvBytesPerSequence(spec, 2, 8192)).toBe(perLayer * (21 * 8192 + 21 * 4096));
    expect(kvBytesPerSequence(spec, 2, 2048)).toBe(perLayer * 42 * 2048);
    const plan = planDeployment({ spec, model: 'gemma-2-9b-it', gpu: 'l40s', context: 8192 });
    expect(plan.kvBytesPerSequence).toBe(perLayer * (21 * 8192 + 21 * 4096));
    // Tied embeddings (9.24B parameters, not 10.2B); a pre- and a post-norm around attention and around the MLP.
    const hidden = 3584;
    const layer = hidden * 4096 * 2 + hidden * 2048 * 2 + 3 * hidden * 14_336 + 4 * hidden;
    expect(plan.parameters.total).toBe(256_000 * hidden + hidden + 42 * layer);
    expect(plan.parameters.total).toBe(9_241_705_984);
  });

  it('gpt-oss-120b: alternating 128-token windows, MXFP4 experts', () => {
    const spec = referenceArchitecture('configs/gpt-oss-120b.json');
    expect(spec.slidingWindow).toEqual({ size: 128, layers: 18 });
    expect(kvBytesPerSequence(spec, 2, 131_072)).toBe(2 * 8 * 64 * 2 * (18 * 131_072 + 18 * 128));
    const plan = planDeployment({ spec, model: 'gpt-oss-120b', gpu: 'h100', context: 131_072 });
    expect(plan.dtype).toBe('mxfp4');
    expect(plan.parameters.total / 1e9).toBeCloseTo(116.8, 1);
    // OpenAI: "fits into a single 80GB GPU".
    expect(plan.weightsBytes / 1e9).toBeLessThan(66);
    expect(plan.gpuCount).toBe(1);
  });

  it('Phi-3-mini: every layer slides at 2047 tokens', () => {
    const spec = referenceArchitecture('configs/Phi-3-mini-4k-instruct.json');
    expect(kvBytesPerSequence(spec, 2, 4096)).toBe(2 * 32 * 96 * 2 * 32 * 2047);
  });
});
