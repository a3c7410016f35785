import { describe, expect, it } from 'vitest';
import { fitEmbeddedContext } from '../../src/deploy/planner/embedded-context.js';
import { gibibyte, referenceArchitecture } from './planner-support.js';

/** The embedded engine's default context, by hand from each genuine config.json. */
describe('fitEmbeddedContext: what fits in memory, up to the trained length', () => {
  // 32 layers × 8 KV heads × 128 dims × (K + V) × 2 bytes = 131,072 bytes per token; trained 131,072 tokens.
  const llama = referenceArchitecture('configs/Llama-3.1-8B-Instruct.json');
  // A Q4_K_M file of it is about 4.92 GB.
  const weightsBytes = 4_920_000_000;

  it('sizes Llama-3.1-8B Q4_K_M × 4 sequences in 16 GiB by memory: 19,968 tokens each', () => {
    // 16 GiB − 4.92 GB weights − 60,817,408 B activations (512 × 2 × (4·4096 + 3·14336)) − 10 % margin (1,717,986,918.4)
    // = 10,481,064,857 B of KV; 256 tokens × 4 sequences × 131,072 B = 134,217,728 B per step → 78 steps = 19,968 tokens.
    const fit = fitEmbeddedContext({ spec: llama, weightsBytes, sequences: 4, availableBytes: 16 * gibibyte });
    expect(fit).toEqual({
      contextSize: 19_968,
      trainedContext: 131_072,
      limitedBy: 'memory',
      kvBytesPerToken: 131_072,
      kvBudgetBytes: 10_481_064_857,
    });
  });

  it('stops at the trained length when memory holds more', () => {
    // One sequence of 131,072 tokens needs 17.2 GB of KV; 64 GiB leaves 56.9 GB for it.
    const fit = fitEmbeddedContext({ spec: llama, weightsBytes, sequences: 1, availableBytes: 64 * gibibyte });
    expect(fit).toMatchObject({ contextSize: 131_072, limitedBy: 'trained' });
  });

  it('counts Gemma-2’s sliding-window layers only up to their 4,096-token window', () => {
    // 42 layers, half of them local (window 4,096): 8 KV heads × 256 dims × 2 × 2 B = 8,192 B per token and layer.
    const gemma = referenceArchitecture('configs/gemma-2-9b-it.json');
    // 8 GiB − 5.76 GB − 58,720,256 B activations (512 × 2 × (4·3584 + 3·14336)) − 858,993,459.2 B margin = 1,912,220,876 B;
    // 8,192 × 21 × (c + 4,096) ≤ that → c ≤ 7,019 → 6,912 (27 × 256). Counting every layer as global would give 5,376.
    const fit = fitEmbeddedContext({ spec: gemma, weightsBytes: 5_760_000_000, sequences: 1, availableBytes: 8 * gibibyte });
    expect(fit).toMatchObject({ contextSize: 6_912, trainedContext: 8_192, limitedBy: 'memory', kvBudgetBytes: 1_912_220_876 });
  });

  it('refuses when not even 256 tokens fit, saying what took the memory', () => {
    expect(() => fitEmbeddedContext({ spec: llama, weightsBytes, sequences: 4, availableBytes: 4 * gibibyte })).toThrow(
      /not enough free memory for the embedded model: 4096 MiB available, 5160 MiB taken by its weights \(4692 MiB\), buffers and a 10 % margin, and 4 × 256 tokens of KV cache need 128 MiB more/,
    );
  });
});
