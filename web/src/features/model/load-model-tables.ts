import { request } from '../../api/client.js';
import type { Model, ModelPage, ModelResult } from '../../api/types.js';
import { formatValue, type ComparisonTableData, type TableRow } from './benchmark-table.js';
import { cardTables, followCard } from './card-order.js';
import { orderColumns } from './column-order.js';

export interface ModelTables {
  /** The model and its family's other variants, in full. */
  family: Model[];
  base?: ComparisonTableData;
  chat?: ComparisonTableData;
  openEnded?: ComparisonTableData;
}

const suites = [
  ['base', 'base'],
  ['chat', 'chat'],
  ['open-ended', 'openEnded'],
] as const;

/**
 * Builds the page's evaluation tables: for each suite, the family member evaluated in it (the
 * Base variant for base-model benchmarks) against every library model with results on the same
 * benchmarks; rows follow the subject's result order (the source table's order), columns and the
 * family follow the card's own tables where it has them (else `orderColumns`). Each model is
 * fetched once, however many tables it appears in.
 */
export async function loadModelTables(model: Model, signal?: AbortSignal): Promise<ModelTables> {
  const fetched = new Map<string, Promise<Model>>([[model.id, Promise.resolve(model)]]);
  const fetchModel = (id: string) => {
    if (!fetched.has(id)) fetched.set(id, request<Model>(`/api/models/${encodeURIComponent(id)}`, { signal }));
    return fetched.get(id)!;
  };
  const card = cardTables(model.description);
  // Suites the model itself was evaluated in start at once; only the others wait for the variants.
  const variantsLoaded = Promise.all((model.variants ?? []).map((variant) => fetchModel(variant.id)));
  variantsLoaded.catch(() => undefined); // failures surface where it is awaited
  const tables: ModelTables = { family: [model] };
  await Promise.all(
    suites.map(async ([suite, key]) => {
      const evaluatedIn = (member: Model) => member.results.some((result) => result.suite === suite);
      const subject = evaluatedIn(model) ? model : (await variantsLoaded).find(evaluatedIn);
      if (!subject) return;
      const subjectResults = subject.results.filter((result) => result.suite === suite);
      const others = await Promise.all((await comparedIds(subjectResults, subject.id, signal)).map(fetchModel));
      const printed = (column: Model) =>
        subjectResults.flatMap((result) => {
          const value = valueOf(column, result);
          return value === null ? [] : [formatValue(value)];
        });
      const columns = followCard(card, orderColumns(subject, others) as Model[], printed);
      tables[key] = { suite, columns, subjectIndex: columns.indexOf(subject), rows: buildRows(subjectResults, columns) };
    }),
  );
  tables.family = followCard(card, [model, ...(await variantsLoaded)], (member) => [member.name]);
  return tables;
}

/**
 * The other systems of a suite's table: models with a result on the subject's first benchmark
 * of that suite (the search API's has-results filter), at most seven (a table of eight).
 */
async function comparedIds(results: ModelResult[], subjectId: string, signal?: AbortSignal): Promise<string[]> {
  const query = new URLSearchParams({ hasResultsFor: results[0].benchmarkId, pageSize: '8', facets: 'false', sort: 'name' });
  const page = await request<ModelPage>(`/api/models?${query}`, { signal });
  return page.items
    .map((item) => item.id)
    .filter((id) => id !== subjectId)
    .slice(0, 7);
}

const valueOf = (column: Model, result: ModelResult) =>
  column.results.find((other) => other.benchmarkId === result.benchmarkId && (other.setting ?? '') === (result.setting ?? ''))?.value ??
  null;

function buildRows(subjectResults: ModelResult[], columns: Model[]): TableRow[] {
  return subjectResults.map((result) => ({
    benchmarkId: result.benchmarkId,
    name: result.benchmark,
    category: result.category,
    metric: result.metric,
    shots: result.shots,
    direction: result.direction,
    values: columns.map((column) => valueOf(column, result)),
  }));
}
