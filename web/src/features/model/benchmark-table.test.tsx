import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../api/types.js';
import { BenchmarkTable, type ComparisonTableData } from './benchmark-table.js';

const model = (
  id: string,
  name: string,
  activatedParams: number | null,
  totalParams: number | null,
  architecture = 'MoE',
): ModelSummary => ({
  id,
  name,
  publisher: 'x',
  architecture,
  activatedParams,
  totalParams,
  contextLength: 131072,
  openWeights: true,
});

// Seed, chat table, two rows and three of its columns.
const table: ComparisonTableData = {
  suite: 'chat',
  columns: [
    model('llama', 'Llama', 405e9, 405e9, 'Dense'),
    model('claude', 'Claude', null, null, 'unknown'),
    model('v3', 'DeepSeek V3', 37e9, 671e9),
  ],
  subjectIndex: 2,
  rows: [
    { benchmarkId: 'mmlu', name: 'MMLU', category: 'English', metric: 'EM', shots: null, direction: 'higher', values: [88.6, 88.3, 88.5] },
    { benchmarkId: 'drop', name: 'DROP', category: 'English', metric: 'F1', shots: 3, direction: 'higher', values: [88.7, 88.3, 91.6] },
    {
      benchmarkId: 'swe',
      name: 'SWE Verified',
      category: 'Code',
      metric: 'Resolved',
      shots: null,
      direction: 'higher',
      values: [null, 50.8, 42.0],
    },
  ],
};

const cellsOf = (html: string, benchmarkId: string) => {
  const row = html.match(new RegExp(`<tr[^>]*data-benchmark="${benchmarkId}"[^>]*>(.*?)</tr>`))![1];
  return [...row.matchAll(/<td class="number[^"]*"[^>]*>(.*?)<\/td>/g)].map((match) => match[1]);
};

describe('BenchmarkTable', () => {
  const html = renderToStaticMarkup(<BenchmarkTable table={table} caption="chat" withShotsColumn={false} />);

  it('bolds the best value and those at the same level (gap ≤ 0.3), nothing else', () => {
    expect(cellsOf(html, 'mmlu')).toEqual(['<strong>88.6</strong>', '<strong>88.3</strong>', '<strong>88.5</strong>']);
    expect(cellsOf(html, 'drop')).toEqual(['88.7', '88.3', '<strong>91.6</strong>']);
  });

  it('writes missing cells as "-" and the shots into the metric when there is no shots column', () => {
    expect(cellsOf(html, 'swe')).toEqual(['-', '<strong>50.8</strong>', '42.0']);
    expect(html).toContain('DROP (3-shot F1)');
    expect(html).toContain('MMLU (EM)');
  });

  it('leads with the architecture and parameter rows, "-" where undisclosed', () => {
    expect(html).toMatch(
      /Architecture \(-\)<\/th><td class="number ">Dense<\/td><td class="number ">-<\/td><td class="number subject">MoE<\/td>/,
    );
    expect(html).toMatch(
      /# Activated Params \(-\)<\/th><td class="number ">405B<\/td><td class="number ">-<\/td><td class="number subject">37B<\/td>/,
    );
  });
});
