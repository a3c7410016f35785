import type { BenchmarkDescriptor } from './model-input.js';

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * The id a benchmark gets from what identifies it (suite, name, metric, shots), so importers
 * that name the same benchmark land on the same row.
 *
 * @example benchmarkIdFor({ suite: 'base', name: 'MMLU', metric: 'Acc.', shots: 5 }) // 'base-mmlu-acc-5shot'
 */
export function benchmarkIdFor(benchmark: Pick<BenchmarkDescriptor, 'suite' | 'name' | 'metric' | 'shots'>): string {
  const parts = [benchmark.suite, slug(benchmark.name), slug(benchmark.metric), benchmark.shots === null ? '' : `${benchmark.shots}shot`];
  return parts.filter(Boolean).join('-').slice(0, 128);
}

/** Metrics where a smaller number is better (bits per byte, perplexity, losses, error rates). */
const lowerIsBetter = /^(bpb|bpc|ppl|perplexity|loss|.*error.*|wer|cer)$/i;

export function defaultDirection(metric: string): 'higher' | 'lower' {
  return lowerIsBetter.test(metric.trim()) ? 'lower' : 'higher';
}
