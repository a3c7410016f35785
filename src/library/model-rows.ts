import type { Selectable } from 'kysely';
import type { BenchmarkRow, ModelRow, ResultRow } from '../store/schema.js';
import type { Model, ModelSummary, Result } from './library-shapes.js';
import { defaultDirection } from './benchmark-key.js';
import type { BenchmarkDescriptor, ModelInput } from './model-input.js';

/** Conversions between table rows (snake_case, JSON as text) and the library's JSON shapes. */
export function toModelRow(input: ModelInput, now: number): Omit<ModelRow, 'seq' | 'created_at'> {
  return {
    id: input.id,
    name: input.name,
    publisher: input.publisher,
    family: input.family,
    variant: input.variant,
    description: input.description,
    architecture: input.architecture,
    total_params: input.totalParams,
    activated_params: input.activatedParams,
    context_length: input.contextLength,
    license: input.license,
    open_weights: input.openWeights ? 1 : 0,
    release_date: input.releaseDate,
    tags: JSON.stringify(input.tags),
    links: JSON.stringify(input.links),
    notes: JSON.stringify(input.notes),
    spec: input.spec === null ? null : JSON.stringify(input.spec),
    pricing: input.pricing === null ? null : JSON.stringify(input.pricing),
    source: input.source,
    updated_at: now,
  };
}

export type SummaryRow = Pick<
  Selectable<ModelRow>,
  | 'id'
  | 'name'
  | 'publisher'
  | 'family'
  | 'variant'
  | 'architecture'
  | 'total_params'
  | 'activated_params'
  | 'context_length'
  | 'license'
  | 'open_weights'
  | 'release_date'
  | 'tags'
  | 'pricing'
>;

export const summaryColumns = [
  'id',
  'name',
  'publisher',
  'family',
  'variant',
  'architecture',
  'total_params',
  'activated_params',
  'context_length',
  'license',
  'open_weights',
  'release_date',
  'tags',
  'pricing',
] as const;

export function toModelSummary(row: SummaryRow): ModelSummary {
  return {
    id: row.id,
    name: row.name,
    publisher: row.publisher,
    family: row.family,
    variant: row.variant,
    architecture: row.architecture,
    totalParams: row.total_params,
    activatedParams: row.activated_params,
    contextLength: row.context_length,
    license: row.license,
    openWeights: Boolean(row.open_weights),
    releaseDate: row.release_date,
    tags: JSON.parse(row.tags) as string[],
    pricing: row.pricing === null ? null : JSON.parse(row.pricing),
  };
}

export function toResult(
  row: Pick<Selectable<ResultRow>, 'id' | 'benchmark_id' | 'setting' | 'value' | 'source'>,
  benchmark: BenchmarkRow,
): Result {
  return {
    id: row.id,
    benchmark: benchmark.name,
    benchmarkId: benchmark.id,
    category: benchmark.category,
    metric: benchmark.metric,
    shots: benchmark.shots,
    suite: benchmark.suite,
    direction: benchmark.direction,
    value: row.value,
    setting: row.setting,
    source: row.source,
  };
}

/** A benchmark as stored; the direction defaults from the metric (BPB is lower-is-better). */
export function toBenchmarkRow(benchmark: BenchmarkDescriptor, id: string): BenchmarkRow {
  return {
    id,
    name: benchmark.name,
    category: benchmark.category,
    metric: benchmark.metric,
    shots: benchmark.shots,
    direction: benchmark.direction ?? defaultDirection(benchmark.metric),
    suite: benchmark.suite,
    description: benchmark.description ?? null,
  };
}

/** A stored model back as input (results by benchmark id), for updates and merged imports. */
export function toModelInput(model: Model): ModelInput {
  return {
    id: model.id,
    name: model.name,
    publisher: model.publisher,
    family: model.family,
    variant: model.variant,
    description: model.description,
    architecture: model.architecture,
    totalParams: model.totalParams,
    activatedParams: model.activatedParams,
    contextLength: model.contextLength,
    license: model.license,
    openWeights: model.openWeights,
    releaseDate: model.releaseDate,
    tags: model.tags,
    links: model.links,
    notes: model.notes,
    spec: model.spec,
    pricing: model.pricing,
    source: model.source,
    results: model.results.map((result) => ({
      benchmark: result.benchmarkId,
      value: result.value,
      setting: result.setting,
      source: result.source,
    })),
    niah: model.niah,
  };
}
