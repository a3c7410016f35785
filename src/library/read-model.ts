import type { Kysely } from 'kysely';
import { notFound } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { Model } from './library-shapes.js';
import type { ModelSizer } from './model-sizer.js';
import { readDownloads } from './model-downloads.js';
import { toModelSummary, toResult } from './model-rows.js';

/** Reads one model card with its results (grouped as the source tables are), NIAH scores, family variants and download variants. */
export async function readModel(db: Kysely<Database>, id: string, sizer?: ModelSizer): Promise<Model> {
  // All five reads start at once (the variants find the family through a subquery): on
  // PostgreSQL a card is one round trip on five connections, not two after each other.
  const [row, results, niah, variants, downloads] = await Promise.all([
    db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst(),
    db
      .selectFrom('results')
      .innerJoin('benchmarks', 'benchmarks.id', 'results.benchmark_id')
      .select([
        'results.id',
        'results.benchmark_id',
        'results.setting',
        'results.value',
        'results.source',
        'benchmarks.name',
        'benchmarks.category',
        'benchmarks.metric',
        'benchmarks.shots',
        'benchmarks.direction',
        'benchmarks.suite',
        'benchmarks.description',
      ])
      .where('results.model_id', '=', id)
      .orderBy('results.id')
      .execute(),
    db.selectFrom('niah_results').selectAll().where('model_id', '=', id).orderBy('context_length').orderBy('depth_percent').execute(),
    db
      .selectFrom('models')
      .select(['id', 'name', 'variant'])
      .where('family', '=', (query) => query.selectFrom('models as own').select('own.family').where('own.id', '=', id))
      .where('id', '<>', id)
      .orderBy('id')
      .limit(100)
      .execute(),
    readDownloads(db, id),
  ]);
  if (!row) throw notFound('Model', id);
  const spec: Record<string, unknown> | null = row.spec === null ? null : JSON.parse(row.spec);
  return {
    ...toModelSummary(row),
    description: row.description,
    links: JSON.parse(row.links),
    notes: JSON.parse(row.notes),
    spec,
    attention: spec && sizer ? attentionOf(sizer, spec, id) : null,
    source: row.source,
    results: results.map((result) => toResult(result, { ...result, id: result.benchmark_id })),
    niah: niah.map((entry) => ({
      contextLength: entry.context_length,
      depthPercent: entry.depth_percent,
      score: entry.score,
      source: entry.source,
    })),
    variants,
    downloads,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function attentionOf(sizer: ModelSizer, spec: Record<string, unknown>, id: string): Model['attention'] {
  try {
    return sizer.describe(spec, `the spec of '${id}'`).attention;
  } catch {
    return null; // an architecture the planner cannot read has no attention kind to show
  }
}
