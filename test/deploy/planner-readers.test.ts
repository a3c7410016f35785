import { describe, expect, it } from 'vitest';
import { DevupError } from '../../src/errors.js';
import { planDeployment } from '../../src/deploy/planner/plan-deployment.js';
import { readArchitecture } from '../../src/deploy/planner/read-architecture.js';
import { referenceArchitecture, referenceJson } from './planner-support.js';

function captureError(run: () => unknown): DevupError {
  try {
    run();
  } catch (error) {
    if (error instanceof DevupError) return error;
    throw error;
  }
  throw new Error('expected a DevupError');
}

describe('planner: architecture readers', () => {
  it('reads every genuine reference config into one format', () => {
    const expectations: Array<[string, Record<string, unknown>]> = [
      [
        'configs/Kimi-K2-Instruct.json',
        {
          layers: 61,
          attention: { kind: 'mla', heads: 64 },
          moe: { experts: 384, denseLayers: 1 },
          weights: { dtype: 'fp8', blockSize: [128, 128] },
        },
      ],
      [
        'configs/Qwen3-30B-A3B.json',
        {
          layers: 48,
          attention: { kind: 'gqa', kvHeads: 4, headDim: 128 },
          moe: { experts: 128, expertsPerToken: 8, intermediateSize: 768, denseLayers: 0 },
        },
      ],
      [
        'configs/Mixtral-8x7B-Instruct-v0.1.json',
        {
          attention: { kind: 'gqa', kvHeads: 8 },
          moe: { experts: 8, expertsPerToken: 2, intermediateSize: 14_336 },
          slidingWindow: undefined,
        },
      ],
      [
        'configs/Llama-3.1-8B-Instruct.json',
        { layers: 32, tieEmbeddings: false, attention: { heads: 32, kvHeads: 8, headDim: 128 }, weights: { dtype: 'bf16' } },
      ],
      [
        'configs/gpt-oss-20b.json',
        { layers: 24, attention: { headDim: 64, bias: true }, moe: { experts: 32, expertsPerToken: 4 }, weights: { dtype: 'mxfp4' } },
      ],
      ['configs/Qwen2.5-72B-Instruct.json', { slidingWindow: undefined, attention: { bias: true } }],
      [
        'deepseek-v3/configs/config_16B.json',
        { layers: 27, attention: { kind: 'mla', qLoraRank: null }, moe: { experts: 64, sharedExperts: 2 } },
      ],
      ['deepseek-v3/configs/config_v3.1.json', { layers: 61, weights: { dtype: 'fp8' } }],
    ];
    for (const [file, expected] of expectations) expect(referenceArchitecture(file), file).toMatchObject(expected);
  });

  it('counts the published sizes of the held-out configs', () => {
    const billions = (file: string) =>
      planDeployment({ spec: referenceArchitecture(file), model: file, gpu: 'h200' }).parameters.total / 1e9;
    expect(billions('configs/Mixtral-8x7B-Instruct-v0.1.json')).toBeCloseTo(46.7, 1);
    expect(billions('configs/Qwen3-30B-A3B.json')).toBeCloseTo(30.5, 1);
    expect(billions('configs/Llama-3.1-8B-Instruct.json')).toBeCloseTo(8.03, 2);
    expect(billions('configs/gpt-oss-20b.json')).toBeCloseTo(20.9, 1);
    expect(billions('configs/Kimi-K2-Instruct.json')).toBeCloseTo(1026.4, 0);
    expect(billions('configs/Phi-3-mini-4k-instruct.json')).toBeCloseTo(3.82, 2);
  });

  it('names every missing field of a config.json', () => {
    const config = referenceJson('configs/Llama-3.1-8B-Instruct.json');
    delete config.num_attention_heads;
    delete config.hidden_size;
    const error = captureError(() => readArchitecture(config, 'config.json'));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.fieldErrors?.map((field) => field.path)).toEqual(['hidden_size', 'num_attention_heads']);
    expect(error.message).toContain("'hidden_size'");
  });

  it('names the missing MLA field of a DeepSeek config', () => {
    const config = referenceJson('deepseek-v3/configs/config_671B.json');
    delete config.kv_lora_rank;
    const error = captureError(() => readArchitecture(config, 'config_671B.json'));
    expect(error.fieldErrors?.map((field) => field.path)).toEqual(['kv_lora_rank']);
  });

  it('rejects our own format with the bad fields listed', () => {
    const error = captureError(() => readArchitecture({ hiddenSize: 4096, attention: { kind: 'gqa', heads: 0 } }, 'spec'));
    const paths = error.fieldErrors?.map((field) => field.path) ?? [];
    expect(paths).toContain('spec.layers');
    expect(paths).toContain('spec.attention.heads');
  });

  it('reads a GGUF header’s metadata map (Llama-3.1-8B numbers, Q4_K_M)', () => {
    const metadata = {
      'general.architecture': 'llama',
      'general.file_type': 15,
      'llama.block_count': 32,
      'llama.embedding_length': 4096,
      'llama.feed_forward_length': 14_336,
      'llama.attention.head_count': 32,
      'llama.attention.head_count_kv': 8,
      'llama.context_length': 131_072,
      'llama.vocab_size': 128_256,
    };
    const spec = readArchitecture(metadata, 'model.gguf');
    // The library's GGUF importer stores the map under spec.ggufMetadata, next to its summary.
    const imported = readArchitecture({ format: 'gguf', layers: 32, fileBytes: 4_920_739_232, ggufMetadata: metadata }, 'library spec');
    expect(imported).toEqual({ ...spec, weights: { dtype: 'q4_k_m', bytes: 4_920_739_232 } });
    // The file's measured size wins over the bits-per-weight estimate in its own dtype, not in another.
    expect(planDeployment({ spec: imported, model: 'x', gpu: 'rtx-4090', context: 8192 }).weightsBytes).toBe(4_920_739_232);
    expect(planDeployment({ spec: imported, model: 'x', gpu: 'rtx-4090', context: 8192, dtype: 'q8_0' }).weightsBytes).not.toBe(
      4_920_739_232,
    );
    expect(spec).toMatchObject({ layers: 32, attention: { kind: 'gqa', kvHeads: 8, headDim: 128 }, weights: { dtype: 'q4_k_m' } });
    const plan = planDeployment({ spec, model: 'llama-3.1-8b', gpu: 'rtx-4090', context: 8192 });
    expect(plan.engine).toBe('llama-server');
    expect(plan.kvBytesPerToken).toBe(2 * 32 * 8 * 128 * 2);
    // 8.03B weights at 4.85 bits, norms in F32.
    const norms = (2 * 32 + 1) * 4096;
    expect(plan.weightsBytes).toBe(Math.round(((8_030_261_248 - norms) * 4.85) / 8 + norms * 4));
    expect(plan).toMatchObject({ fits: true, gpuCount: 1, split: 'layer' });
  });

  it('reads a DeepSeek GGUF (deepseek2: MLA and experts)', () => {
    const spec = readArchitecture({
      'general.architecture': 'deepseek2',
      'general.file_type': 7,
      'deepseek2.block_count': 61,
      'deepseek2.embedding_length': 7168,
      'deepseek2.feed_forward_length': 18_432,
      'deepseek2.attention.head_count': 128,
      'deepseek2.attention.kv_lora_rank': 512,
      'deepseek2.attention.q_lora_rank': 1536,
      'deepseek2.attention.key_length': 192,
      'deepseek2.attention.value_length': 128,
      'deepseek2.rope.dimension_count': 64,
      'deepseek2.context_length': 163_840,
      'deepseek2.vocab_size': 129_280,
      'deepseek2.expert_count': 256,
      'deepseek2.expert_used_count': 8,
      'deepseek2.expert_shared_count': 1,
      'deepseek2.expert_feed_forward_length': 2048,
      'deepseek2.leading_dense_block_count': 3,
    });
    const plan = planDeployment({ spec, model: 'deepseek-v3-q8', gpu: 'h200', context: 8192 });
    expect(plan.kvBytesPerToken).toBe(70_272);
    expect(plan.parameters.total / 1e9).toBeCloseTo(671.0, 0);
    expect(plan.dtype).toBe('q8_0');
  });

  it('rejects a GGUF dtype on vLLM and a context beyond the model', () => {
    const spec = referenceArchitecture('configs/Llama-3.1-8B-Instruct.json');
    expect(captureError(() => planDeployment({ spec, model: 'x', dtype: 'q4_k_m', engine: 'vllm' })).param).toBe('dtype');
    expect(captureError(() => planDeployment({ spec, model: 'x', context: 262_144 })).param).toBe('context');
    expect(captureError(() => planDeployment({ spec, model: 'x', gpu: 'tpu-v5' })).param).toBe('gpu');
  });
});
