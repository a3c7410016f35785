import type { Kysely, Transaction } from 'kysely';
import { DevupError, type FieldError } from '../errors.js';
import type { BenchmarkRow, Database } from '../store/schema.js';
import { benchmarkIdFor } from './benchmark-key.js';
import type { LibraryBundle, ModelInput } from './model-input.js';
import { toBenchmarkRow, toModelRow } from './model-rows.js';

export interface WriteOptions {
  /** Planner architecture parameters for a model id (`data/architectures/<id>.yaml`), merged over `spec`. */
  architectureSpec?: (modelId: string) => Record<string, unknown> | undefined;
  /** `create` refuses ids that exist (409); `upsert` replaces them whole (imports, seeding). */
  mode: 'create' | 'upsert';
}

export interface WriteSummary {
  models: string[];
  benchmarks: string[];
}

const rowsPerInsert = 500;

/**
 * Writes benchmarks and models (with their results and NIAH scores) in one transaction: every
 * benchmark reference is checked first and all problems are reported together; any failure
 * leaves the store as it was. A written model's results and NIAH scores are replaced whole.
 */
export async function writeBundle(db: Kysely<Database>, bundle: LibraryBundle, options: WriteOptions): Promise<WriteSummary> {
  return db.transaction().execute(async (transaction) => {
    const summary = await writeBundleIn(transaction, bundle, options);
    // Whole models replaced: where their fields came from is no longer known (their history stays).
    if (bundle.models.length > 0) await transaction.deleteFrom('model_fields').where('model_id', 'in', summary.models).execute();
    return summary;
  });
}

/** The same inside a transaction the caller holds (an import that writes more than the model). */
export async function writeBundleIn(
  transaction: Transaction<Database>,
  bundle: LibraryBundle,
  options: WriteOptions,
): Promise<WriteSummary> {
  const known = new Map((await transaction.selectFrom('benchmarks').selectAll().execute()).map((row) => [row.id, row]));
  const written = new Set<string>();
  for (const benchmark of bundle.benchmarks) {
    const row = toBenchmarkRow(benchmark, benchmark.id ?? benchmarkIdFor(benchmark));
    await transaction
      .insertInto('benchmarks')
      .values(row)
      .onConflict((conflict) => conflict.column('id').doUpdateSet(row))
      .execute();
    known.set(row.id, row);
    written.add(row.id);
  }
  const errors: FieldError[] = [];
  const resolved = bundle.models.map((model, modelIndex) => resolveBenchmarks(model, known, `models.${modelIndex}`, errors));
  if (options.mode === 'create') await refuseExisting(transaction, bundle.models, errors);
  if (errors.length > 0) {
    throw new DevupError(
      'invalid_request',
      `Invalid library data: ${errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`,
      { fieldErrors: errors },
    );
  }
  for (const id of resolved.flatMap((model) => [...model.created])) {
    await transaction.insertInto('benchmarks').values(known.get(id)!).execute();
    written.add(id);
  }
  const now = Date.now();
  for (const [index, model] of bundle.models.entries()) {
    await writeModel(transaction, model, resolved[index].benchmarkIds, now, options);
  }
  return { models: bundle.models.map((model) => model.id), benchmarks: [...written] };
}

const identity = (benchmark: Pick<BenchmarkRow, 'suite' | 'name' | 'metric' | 'shots'>) =>
  JSON.stringify([benchmark.suite, benchmark.name.toLowerCase(), benchmark.metric.toLowerCase(), benchmark.shots]);

/** Maps each result's benchmark reference to an id, creating rows for new descriptors. */
function resolveBenchmarks(model: ModelInput, known: Map<string, BenchmarkRow>, path: string, errors: FieldError[]) {
  const byIdentity = new Map([...known.values()].map((row) => [identity(row), row.id]));
  const benchmarkIds: string[] = [];
  const created = new Set<string>();
  const seen = new Set<string>();
  model.results.forEach((result, index) => {
    let id: string | undefined;
    if (typeof result.benchmark === 'string') {
      id = known.has(result.benchmark) ? result.benchmark : undefined;
      if (!id) errors.push({ path: `${path}.results.${index}.benchmark`, message: `unknown benchmark '${result.benchmark}'` });
    } else {
      id = byIdentity.get(identity(result.benchmark));
      if (!id) {
        id = result.benchmark.id && !known.has(result.benchmark.id) ? result.benchmark.id : benchmarkIdFor(result.benchmark);
        while (known.has(id)) id = `${id}-x`;
        const row = toBenchmarkRow(result.benchmark, id);
        known.set(id, row);
        byIdentity.set(identity(row), id);
        created.add(id);
      }
    }
    const key = `${id}\u0000${result.setting}`;
    if (id && seen.has(key))
      errors.push({ path: `${path}.results.${index}`, message: `duplicate result for benchmark '${id}' and setting '${result.setting}'` });
    seen.add(key);
    benchmarkIds.push(id ?? '');
  });
  return { benchmarkIds, created };
}

async function refuseExisting(transaction: Transaction<Database>, models: ModelInput[], errors: FieldError[]): Promise<void> {
  if (models.length === 0) return;
  const existing = await transaction
    .selectFrom('models')
    .select('id')
    .where(
      'id',
      'in',
      models.map((model) => model.id),
    )
    .execute();
  for (const { id } of existing)
    errors.push({ path: `models.${models.findIndex((model) => model.id === id)}.id`, message: `model '${id}' already exists` });
}

async function writeModel(
  transaction: Transaction<Database>,
  model: ModelInput,
  benchmarkIds: string[],
  now: number,
  options: WriteOptions,
): Promise<void> {
  const architecture = options.architectureSpec?.(model.id);
  const row = toModelRow(architecture ? { ...model, spec: { ...(model.spec ?? {}), ...architecture } } : model, now);
  await transaction
    .insertInto('models')
    .values({ ...row, created_at: now })
    .onConflict((conflict) => conflict.column('id').doUpdateSet(row))
    .execute();
  await replaceResults(transaction, model, benchmarkIds);
  await replaceNiah(transaction, model);
}

export async function replaceResults(
  transaction: Transaction<Database>,
  model: Pick<ModelInput, 'id' | 'results' | 'source'>,
  benchmarkIds: string[],
): Promise<void> {
  await transaction.deleteFrom('results').where('model_id', '=', model.id).execute();
  const rows = model.results.map((result, index) => ({
    model_id: model.id,
    benchmark_id: benchmarkIds[index],
    setting: result.setting,
    value: result.value,
    source: result.source ?? model.source ?? null,
  }));
  for (let start = 0; start < rows.length; start += rowsPerInsert) {
    await transaction
      .insertInto('results')
      .values(rows.slice(start, start + rowsPerInsert))
      .execute();
  }
}

async function replaceNiah(transaction: Transaction<Database>, model: Pick<ModelInput, 'id' | 'niah' | 'source'>): Promise<void> {
  await transaction.deleteFrom('niah_results').where('model_id', '=', model.id).execute();
  const rows = model.niah.map((entry) => ({
    model_id: model.id,
    context_length: entry.contextLength,
    depth_percent: entry.depthPercent,
    score: entry.score,
    source: entry.source ?? model.source ?? null,
  }));
  for (let start = 0; start < rows.length; start += rowsPerInsert) {
    await transaction
      .insertInto('niah_results')
      .values(rows.slice(start, start + rowsPerInsert))
      .execute();
  }
}
