import { describe, expect, it } from 'vitest';
import { cardTables, followCard } from './card-order.js';

// Two tables of the DeepSeek-V3 card (trimmed): variants, and open-ended generation (one row per model).
const card = `
## Model Downloads

| Model | Total Params | Activated Params | Context Length | Download |
|---|---|---|---|---|
| DeepSeek-V3-Base | 671B | 37B | 128K | 🤗 HuggingFace |
| DeepSeek-V3 | 671B | 37B | 128K | 🤗 HuggingFace |

### Chat Model

| Benchmark (Metric) | DeepSeek V2.5-0905 | Claude-3.5-Sonnet-1022 | GPT-4o 0513 | DeepSeek V3 |
|---|---|---|---|---|
| Architecture (-) | MoE | - | - | MoE |
| English MMLU (EM) | 80.6 | **88.3** | 87.2 | 88.5 |
| English DROP (3-shot F1) | 87.8 | 88.3 | 83.7 | **91.6** |

### Open-Ended Generation Evaluation

| Model | Arena-Hard | AlpacaEval 2.0 |
|---|---|---|
| DeepSeek-V2.5-0905 | 76.2 | 50.5 |
| GPT-4o-0513 | 80.4 | 51.1 |
| Claude-Sonnet-3.5-1022 | 85.2 | 52.0 |
| DeepSeek-V3 | 85.5 | 70.0 |
`;

const model = (id: string, ...cells: string[]) => ({ id, cells });
const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

describe('followCard', () => {
  const tables = cardTables(card);

  it('reads every table of the card, bold markers dropped', () => {
    expect(tables).toHaveLength(3);
    expect(tables[1][2]).toEqual(['English MMLU (EM)', '80.6', '88.3', '87.2', '88.5']);
  });

  it('orders models as the rows that print their values (open-ended table)', () => {
    const byName = [
      model('claude', '85.2', '52.0'),
      model('gpt-4o', '80.4', '51.1'),
      model('v2.5', '76.2', '50.5'),
      model('v3', '85.5', '70.0'),
    ];
    expect(ids(followCard(tables, byName, (item) => item.cells))).toEqual(['v2.5', 'gpt-4o', 'claude', 'v3']);
  });

  it('orders models as the columns that print their values, skipping spec rows (chat table)', () => {
    const byRule = [
      model('v2.5', '80.6', '87.8'),
      model('gpt-4o', '87.2', '83.7'),
      model('claude', '88.3', '88.3'),
      model('v3', '88.5', '91.6'),
    ];
    expect(ids(followCard(tables, byRule, (item) => item.cells))).toEqual(['v2.5', 'claude', 'gpt-4o', 'v3']);
  });

  it('orders a family by the rows that name its members', () => {
    expect(ids(followCard(tables, [model('v3', 'DeepSeek-V3'), model('v3-base', 'DeepSeek-V3-Base')], (item) => item.cells))).toEqual([
      'v3-base',
      'v3',
    ]);
  });

  it('keeps the given order when no table holds every model on a line of its own', () => {
    const unknown = [model('v3', '85.5', '70.0'), model('other', '12.3', '45.6')];
    expect(followCard(tables, unknown, (item) => item.cells)).toBe(unknown);
    const sameLine = [model('b', '85.5'), model('a', '85.5')];
    expect(followCard(tables, sameLine, (item) => item.cells)).toBe(sameLine);
    const noValues = [model('a'), model('v3', '85.5', '70.0')];
    expect(followCard(tables, noValues, (item) => item.cells)).toBe(noValues);
    expect(followCard([], [model('b', 'x'), model('a', 'y')], (item) => item.cells).map((item) => item.id)).toEqual(['b', 'a']);
  });
});
