import { describe, expect, it } from 'vitest';
import { markRow } from './mark-best.js';

describe('markRow (best value and same-level marking)', () => {
  it('marks the best value of a higher-is-better row', () => {
    // Seed, base table, English BBH (EM): 78.8 | 79.8 | 82.9 | 87.5
    expect(markRow([78.8, 79.8, 82.9, 87.5])).toEqual([null, null, null, 'best']);
  });

  it('marks values within 0.3 of the best as the same level, including the exact 0.3 gap', () => {
    // Seed, chat table, English MMLU (EM): Llama 88.6 best; DeepSeek-V3 88.5 and Claude 88.3 are within 0.3.
    expect(markRow([78.2, 80.6, 85.3, 88.6, 88.3, 87.2, 88.5])).toEqual([null, null, null, 'best', 'same-level', null, 'same-level']);
  });

  it('does not mark a value 0.4 below the best', () => {
    // Seed, base table, English HellaSwag: 89.2 best, 88.9 same level (0.3), 87.1 not.
    expect(markRow([87.1, 84.8, 89.2, 88.9])).toEqual([null, null, 'best', 'same-level']);
    expect(markRow([90.0, 89.6])).toEqual(['best', null]);
  });

  it('marks every tied best value as best', () => {
    // Seed, base table, ARC-Challenge: LLaMA3.1 405B and DeepSeek-V3 both 95.3.
    expect(markRow([92.2, 94.5, 95.3, 95.3])).toEqual([null, null, 'best', 'best']);
  });

  it('takes the lowest value as best when lower is better, with no same-level band', () => {
    // Seed, base table, English Pile-test (BPB): 0.542 is best; 0.548 is a different level in bits per byte.
    expect(markRow([0.606, 0.638, 0.542, 0.548], 'lower')).toEqual([null, null, 'best', null]);
  });

  it('skips missing cells and leaves a single value unmarked', () => {
    // Seed, chat table, SWE Verified: DeepSeek-V2-0506 is "-".
    expect(markRow([null, 22.6, 23.8, 24.5, 50.8, 38.8, 42.0])).toEqual([null, null, null, null, 'best', null, null]);
    expect(markRow([null, 50])).toEqual([null, null]);
  });
});
