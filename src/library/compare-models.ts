import type { Comparison, Model } from './library-shapes.js';

/**
 * The source page's rule: scores with a gap not exceeding 0.3 are at the same level. It is
 * written for percentage scores; for lower-is-better metrics (BPB) the page marks only the best.
 */
export const sameLevelGap = 0.3;
const epsilon = 1e-9;

type Row = Comparison['rows'][number];

/**
 * Aligns 2–8 models over the benchmarks they share (same name, metric, shots and setting; a row
 * needs at least two of the models), marks the best value per row and those at the same level,
 * and summarises each category. Rows keep the order the models list their results in.
 *
 * @example compareModels([deepseekV3, qwenInstruct]).rows[0] // { benchmark: 'MMLU', metric: 'EM', values: [88.5, 85.3], best: [true, false], … }
 */
export function compareModels(models: Model[]): Comparison {
  const rows = new Map<string, Row>();
  const order: string[] = [];
  models.forEach((model, column) => {
    let previous = -1;
    for (const result of model.results) {
      const key = JSON.stringify([result.benchmark.toLowerCase(), result.metric.toLowerCase(), result.shots, result.setting]);
      let row = rows.get(key);
      if (!row) {
        row = {
          benchmark: result.benchmark,
          benchmarkIds: [],
          category: result.category,
          metric: result.metric,
          shots: result.shots,
          setting: result.setting,
          direction: result.direction,
          values: models.map(() => null),
          best: models.map(() => false),
        };
        rows.set(key, row);
        order.splice(previous + 1, 0, key);
      }
      previous = order.indexOf(key);
      if (row.values[column] === null) row.values[column] = result.value;
      if (!row.benchmarkIds.includes(result.benchmarkId)) row.benchmarkIds.push(result.benchmarkId);
    }
  });
  const shared = order.map((key) => rows.get(key)!).filter((row) => row.values.filter((value) => value !== null).length >= 2);
  for (const row of shared) markBest(row);
  return {
    models: models.map(
      ({
        id,
        name,
        publisher,
        family,
        variant,
        architecture,
        totalParams,
        activatedParams,
        contextLength,
        license,
        openWeights,
        releaseDate,
        tags,
        pricing,
      }) => ({
        id,
        name,
        publisher,
        family,
        variant,
        architecture,
        totalParams,
        activatedParams,
        contextLength,
        license,
        openWeights,
        releaseDate,
        tags,
        pricing,
      }),
    ),
    rows: shared,
    categories: summarise(shared, models.length),
  };
}

function markBest(row: Row): void {
  const present = row.values.filter((value): value is number => value !== null);
  const best = row.direction === 'lower' ? Math.min(...present) : Math.max(...present);
  const gap = row.direction === 'lower' ? 0 : sameLevelGap;
  row.best = row.values.map((value) => value !== null && Math.abs(value - best) <= gap + epsilon);
}

function summarise(rows: Row[], modelCount: number): Comparison['categories'] {
  const categories = [...new Set(rows.map((row) => row.category))];
  return categories.map((category) => {
    const inCategory = rows.filter((row) => row.category === category);
    const complete = inCategory.filter((row) => row.direction === 'higher' && row.values.every((value) => value !== null));
    return {
      category,
      benchmarks: inCategory.length,
      wins: Array.from({ length: modelCount }, (_, column) => inCategory.filter((row) => row.best[column]).length),
      averages: Array.from({ length: modelCount }, (_, column) =>
        complete.length === 0 ? null : round(complete.reduce((sum, row) => sum + row.values[column]!, 0) / complete.length),
      ),
    };
  });
}

const round = (value: number) => Math.round(value * 100) / 100;
