import { sql, type RawBuilder } from 'kysely';
import type { Store } from '../store/database.js';
import { fts5Expression, fullTextCondition, searchWords, tsqueryExpression } from './full-text.js';
import type { Facets, SearchPage } from './library-shapes.js';
import { summaryColumns, toModelSummary, type SummaryRow } from './model-rows.js';
import type { SearchQuery } from './search-query.js';

export interface SortBenchmark {
  id: string;
  direction: 'higher' | 'lower';
}

interface Plan {
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>;
  words: string[];
  /** Whether any condition filters the models (words, filters, has-results). */
  filtered: boolean;
  /** The benchmark whose results are joined for the sort. */
  sortedBy?: string;
}

/**
 * Library search in the database: full-text (FTS5 | tsvector), filters, a sort (benchmark
 * scores through the `results (benchmark_id, setting, value, model_id)` index), one page.
 * Sorting by a benchmark lists the models that have a result for it (default setting).
 */
export async function searchModels(store: Store, query: SearchQuery, benchmark?: SortBenchmark): Promise<SearchPage> {
  const plan = planSearch(store, query, benchmark);
  const columns = sql.join(summaryColumns.map((column) => sql.ref(`m.${column}`)));
  const score = benchmark ? sql`r.value` : sql`null`;
  const page = (total: RawBuilder<unknown>) =>
    sql<SummaryRow & { score: number | null; total?: number }>`select ${columns}, ${score} as score${total}
    from ${plan.from} where ${plan.where}
    order by ${orderBy(store, query, plan, benchmark)} limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`.execute(
      store.db,
    );
  let rows: Array<SummaryRow & { score: number | null; total?: number }>;
  let total: number;
  if (plan.words.length > 0) {
    // The matching set is found once per page: the total rides along as a window count. A text
    // search's set is what the full-text index hands back (a few thousand models at most).
    rows = (await page(sql`, count(*) over () as total`)).rows;
    total = rows.length > 0 ? Number(rows[0].total) : await countMatches(store, plan);
  } else {
    // Browsing without words: a window count would read every matching model before the first of
    // the page (430-470 ms for the name order at 100,000 models on either database). Without it the
    // page walks an index (models_name, a benchmark's scores) to its LIMIT, and the total is
    // counted alongside from narrow indexes.
    const [found, counted] = await Promise.all([page(sql``), countMatches(store, plan)]);
    rows = found.rows;
    total = counted;
  }
  return {
    items: rows.map((row) => ({ ...toModelSummary(row), score: row.score })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * How many models the plan matches. Every result has its model (foreign key), so with nothing
 * filtering the models a benchmark's results are counted alone.
 */
async function countMatches(store: Store, plan: Plan): Promise<number> {
  const counted = plan.filtered
    ? sql<{ total: number }>`select count(*) as total from ${plan.from} where ${plan.where}`
    : sql<{
        total: number;
      }>`select count(*) as total from ${plan.sortedBy ? sql`results r where r.benchmark_id = ${plan.sortedBy} and r.setting = ''` : sql`models m`}`;
  return Number((await counted.execute(store.db)).rows[0].total);
}

/** Counts per publisher, architecture, license and open weights over every model the query matches (one pass). */
export async function countFacets(store: Store, query: SearchQuery, benchmark?: SortBenchmark): Promise<Facets> {
  const plan = planSearch(store, query, benchmark);
  const groups = await sql<{ publisher: string; architecture: string; license: string | null; open_weights: number; count: number }>`
    select m.publisher, m.architecture, m.license, m.open_weights, count(*) as count
    from ${plan.from} where ${plan.where} group by m.publisher, m.architecture, m.license, m.open_weights`.execute(store.db);
  const tally = {
    publisher: new Map<string, number>(),
    architecture: new Map<string, number>(),
    license: new Map<string, number>(),
    openWeights: new Map<string, number>(),
  };
  for (const group of groups.rows) {
    const values = {
      publisher: group.publisher,
      architecture: group.architecture,
      license: group.license ?? 'unknown',
      openWeights: String(Boolean(Number(group.open_weights))),
    };
    for (const facet of Object.keys(tally) as Array<keyof typeof tally>)
      tally[facet].set(values[facet], (tally[facet].get(values[facet]) ?? 0) + Number(group.count));
  }
  const top = (counts: Map<string, number>) =>
    [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
      .slice(0, 50);
  return {
    publisher: top(tally.publisher),
    architecture: top(tally.architecture),
    license: top(tally.license),
    openWeights: top(tally.openWeights),
  };
}

function planSearch(store: Store, query: SearchQuery, benchmark?: SortBenchmark): Plan {
  const words = searchWords(query.q);
  const conditions: RawBuilder<unknown>[] = [];
  if (words.length > 0) conditions.push(fullTextCondition(store.dialect, words));
  const anyOf = (column: string, values: readonly string[] | undefined) => {
    if (values?.length) conditions.push(sql`${sql.raw(column)} in (${sql.join(values)})`);
  };
  anyOf('m.publisher', query.publisher);
  anyOf('m.architecture', query.architecture);
  anyOf('m.license', query.license);
  if (query.openWeights !== undefined) conditions.push(sql`m.open_weights = ${query.openWeights ? 1 : 0}`);
  const range = (column: string, minimum?: number, maximum?: number) => {
    if (minimum !== undefined) conditions.push(sql`${sql.raw(column)} >= ${minimum}`);
    if (maximum !== undefined) conditions.push(sql`${sql.raw(column)} <= ${maximum}`);
  };
  range('m.total_params', query.minTotalParams, query.maxTotalParams);
  range('m.activated_params', query.minActivatedParams, query.maxActivatedParams);
  range('m.context_length', query.minContext);
  for (const benchmarkId of query.hasResultsFor ?? []) {
    conditions.push(sql`exists (select 1 from results h where h.model_id = m.id and h.benchmark_id = ${benchmarkId})`);
  }
  const from = benchmark
    ? sql`models m join results r on r.model_id = m.id and r.benchmark_id = ${benchmark.id} and r.setting = ''`
    : sql`models m`;
  const filtered = conditions.length > 0;
  return { from, where: filtered ? sql.join(conditions, sql` and `) : sql`1 = 1`, words, filtered, sortedBy: benchmark?.id };
}

function orderBy(store: Store, query: SearchQuery, plan: Plan, benchmark?: SortBenchmark): RawBuilder<unknown> {
  const sort = query.sort ?? (plan.words.length > 0 ? 'relevance' : 'name');
  const natural = sort === 'name' ? 'asc' : 'desc';
  const descending = (query.order ?? (benchmark ? (benchmark.direction === 'lower' ? 'asc' : 'desc') : natural)) === 'desc';
  const direction = sql.raw(descending ? 'desc' : 'asc');
  // Missing values (closed models' parameter counts) sort last either way.
  const nullsLast = (column: string) => sql`(${sql.raw(column)} is null), ${sql.raw(column)} ${direction}, m.id`;
  if (benchmark) return sql`r.value ${direction}, m.id`;
  switch (sort) {
    case 'params':
      return nullsLast('m.total_params');
    case 'activatedParams':
      return nullsLast('m.activated_params');
    case 'context':
      return nullsLast('m.context_length');
    case 'released':
      return nullsLast('m.release_date');
    case 'relevance':
      if (plan.words.length > 0) return sql`${relevanceOf(store, plan.words)} desc, m.id`;
      return sql`m.name asc, m.id`;
    default:
      return sql`m.name ${direction}, m.id`;
  }
}

function relevanceOf(store: Store, words: string[]) {
  return store.dialect === 'sqlite'
    ? sql`(select -bm25(models_fts, 10.0, 5.0, 1.0, 5.0) from models_fts where models_fts match ${fts5Expression(words)} and rowid = m.seq)`
    : sql`ts_rank(m.search, to_tsquery('simple', ${tsqueryExpression(words)}))`;
}
