import { z } from 'zod';
import { DevupError, notFound } from '../errors.js';
import type { Store } from '../store/database.js';
import type { BenchmarkRow } from '../store/schema.js';
import { benchmarkIdFor } from './benchmark-key.js';
import type { Benchmark, ModelSummary, Result } from './library-shapes.js';
import { benchmarkInputSchema, directionSchema, resultInputSchema, slugSchema, suiteSchema } from './model-input.js';
import { summaryColumns, toBenchmarkRow, toModelSummary, toResult } from './model-rows.js';
import { parseOrThrow } from '../validation.js';

export const benchmarkPatchSchema = z
  .object({
    name: z.string().min(1).max(200),
    category: z.string().min(1).max(100),
    metric: z.string().min(1).max(100),
    shots: z.number().int().min(0).max(1000).nullable(),
    direction: directionSchema,
    suite: suiteSchema,
    description: z.string().max(10_000).nullable(),
  })
  .partial()
  .strict();

export const resultPatchSchema = z
  .object({ value: z.number().finite(), source: z.string().max(2000).nullable() })
  .partial()
  .strict();

export interface LeaderboardEntry {
  rank: number;
  model: ModelSummary;
  value: number;
  source: string | null;
}

/**
 * Benchmarks and single results: CRUD, name resolution for the CLI (`--sort benchmark:MMLU`)
 * and per-benchmark leaderboards (best first, respecting the benchmark's direction).
 */
export class BenchmarkCatalog {
  constructor(private readonly store: Store) {}

  async list(filter: { suite?: string; category?: string } = {}): Promise<Array<Benchmark & { results: number }>> {
    let query = this.store.db
      .selectFrom('benchmarks')
      .leftJoin('results', 'results.benchmark_id', 'benchmarks.id')
      .selectAll('benchmarks')
      .select((expression) => expression.fn.count<number>('results.id').as('results'))
      .groupBy([
        'benchmarks.id',
        'benchmarks.name',
        'benchmarks.category',
        'benchmarks.metric',
        'benchmarks.shots',
        'benchmarks.direction',
        'benchmarks.suite',
        'benchmarks.description',
      ])
      .orderBy('benchmarks.suite')
      .orderBy('benchmarks.category')
      .orderBy('benchmarks.name');
    if (filter.suite) query = query.where('benchmarks.suite', '=', filter.suite as BenchmarkRow['suite']);
    if (filter.category) query = query.where('benchmarks.category', '=', filter.category);
    return (await query.execute()).map((row) => ({ ...row, results: Number(row.results) }));
  }

  async find(id: string): Promise<Benchmark | undefined> {
    return this.store.db.selectFrom('benchmarks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async get(id: string): Promise<Benchmark> {
    const benchmark = await this.find(id);
    if (!benchmark) throw notFound('Benchmark', id);
    return benchmark;
  }

  /** A benchmark by id, or by name ("MMLU", "MMLU (EM)", case-insensitive) when that is unambiguous. */
  async resolve(reference: string): Promise<Benchmark> {
    const byId = await this.find(reference);
    if (byId) return byId;
    const wanted = reference.trim().toLowerCase();
    const all = await this.store.db.selectFrom('benchmarks').selectAll().execute();
    const matches = all.filter((row) => row.name.toLowerCase() === wanted || `${row.name} (${row.metric})`.toLowerCase() === wanted);
    if (matches.length === 1) return matches[0];
    if (matches.length === 0) throw notFound('Benchmark', reference);
    throw new DevupError(
      'invalid_request',
      `'${reference}' names ${matches.length} benchmarks; use an id: ${matches.map((row) => row.id).join(', ')}`,
      { param: 'benchmark' },
    );
  }

  async create(input: unknown): Promise<Benchmark> {
    const benchmark = parseOrThrow(benchmarkInputSchema, input, 'input', ['body']);
    const row = toBenchmarkRow(benchmark, benchmark.id ?? benchmarkIdFor(benchmark));
    if (await this.find(row.id)) throw new DevupError('conflict', `Benchmark '${row.id}' already exists`, { param: 'id' });
    await this.store.db.insertInto('benchmarks').values(row).execute();
    return row;
  }

  async update(id: string, patch: unknown): Promise<Benchmark> {
    const changes = parseOrThrow(benchmarkPatchSchema, patch, 'input', ['body']);
    await this.get(id);
    if (Object.keys(changes).length > 0) await this.store.db.updateTable('benchmarks').set(changes).where('id', '=', id).execute();
    return this.get(id);
  }

  /** Deletes the benchmark and its results. */
  async delete(id: string): Promise<void> {
    const deleted = await this.store.db.deleteFrom('benchmarks').where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw notFound('Benchmark', id);
  }

  async leaderboard(id: string, limit = 50): Promise<{ benchmark: Benchmark; entries: LeaderboardEntry[] }> {
    const benchmark = await this.get(id);
    const rows = await this.store.db
      .selectFrom('results as r')
      .innerJoin('models as m', 'm.id', 'r.model_id')
      .select(summaryColumns.map((column) => `m.${column}` as const))
      .select(['r.value', 'r.source'])
      .where('r.benchmark_id', '=', id)
      .where('r.setting', '=', '')
      .orderBy('r.value', benchmark.direction === 'lower' ? 'asc' : 'desc')
      .orderBy('m.id')
      .limit(Math.min(Math.max(limit, 1), 500))
      .execute();
    return {
      benchmark,
      entries: rows.map((row, index) => ({ rank: index + 1, model: toModelSummary(row), value: row.value, source: row.source })),
    };
  }

  /** Adds a result to a model, or replaces the value for the same benchmark and setting. */
  async addResult(modelId: string, input: unknown): Promise<Result> {
    const result = parseOrThrow(resultInputSchema.extend({ benchmark: slugSchema }), input, 'input', ['body']);
    const model = await this.store.db.selectFrom('models').select('id').where('id', '=', modelId).executeTakeFirst();
    if (!model) throw notFound('Model', modelId);
    const benchmark = await this.find(result.benchmark);
    if (!benchmark)
      throw new DevupError('invalid_request', `Unknown benchmark '${result.benchmark}'`, {
        fieldErrors: [{ path: 'body.benchmark', message: 'unknown benchmark' }],
      });
    const values = {
      model_id: modelId,
      benchmark_id: benchmark.id,
      setting: result.setting,
      value: result.value,
      source: result.source ?? null,
    };
    const row = await this.store.db
      .insertInto('results')
      .values(values)
      .onConflict((conflict) =>
        conflict.columns(['model_id', 'benchmark_id', 'setting']).doUpdateSet({ value: values.value, source: values.source }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toResult(row, benchmark);
  }

  async updateResult(id: number, patch: unknown): Promise<Result> {
    const changes = parseOrThrow(resultPatchSchema, patch, 'input', ['body']);
    if (Object.keys(changes).length > 0) await this.store.db.updateTable('results').set(changes).where('id', '=', id).execute();
    const row = await this.store.db.selectFrom('results').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Result', String(id));
    return toResult(row, await this.get(row.benchmark_id));
  }

  async deleteResult(id: number): Promise<void> {
    const deleted = await this.store.db.deleteFrom('results').where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw notFound('Result', String(id));
  }
}
