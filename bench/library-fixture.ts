import { sql } from 'kysely';
import type { Store } from '../src/store/database.js';
import type { BenchmarkRow, ModelRow } from '../src/store/schema.js';

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same library. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const syllables = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ne',
  'to',
  'sa',
  'vi',
  'qu',
  'ze',
  'do',
  'fa',
  'gri',
  'pho',
  'lux',
  'ter',
  'mon',
  'bel',
  'cor',
  'dra',
];
const architectures = ['MoE', 'Dense', 'Dense', 'Dense', 'MoE', 'Dense', 'unknown'] as const;
const contexts = [2048, 4096, 8192, 32768, 65536, 131072, 131072, 200000, 1048576];
const licenses = [
  'Apache-2.0',
  'MIT',
  'Llama 3.1 Community License',
  'Qwen License',
  'DeepSeek Model License',
  'Gemma Terms',
  'CC-BY-NC-4.0',
  'OpenRAIL',
  'Proprietary',
  'Other',
];
const variants = ['Base', 'Instruct', 'Chat', 'Coder', 'Math', 'Vision', 'Long'];
const categories = ['English', 'Code', 'Math', 'Chinese', 'Multilingual', 'Reasoning'];
const tagWords = Array.from({ length: 100 }, (_, index) => `tag${index}`);

const bulkIndexes = [
  { name: 'results_benchmark_value', columns: 'benchmark_id, setting, value, model_id' },
  { name: 'results_model_value', columns: 'model_id, benchmark_id, setting, value' },
];

export interface SyntheticLibrary {
  /** Family words: each names about 1% of the models (the search terms the benchmark uses). */
  families: string[];
  benchmarks: BenchmarkRow[];
  modelIds: string[];
}

function word(random: () => number, parts: number): string {
  return Array.from({ length: parts }, () => syllables[Math.floor(random() * syllables.length)]).join('');
}

/**
 * Writes `modelCount` synthetic models with `resultsPerModel` results each (over 300 benchmarks)
 * straight into the tables in large batches (the loader's per-model path is for real imports);
 * PostgreSQL gets `unnest` array inserts, SQLite multi-row inserts in one transaction.
 */
export async function buildSyntheticLibrary(store: Store, modelCount: number, resultsPerModel: number): Promise<SyntheticLibrary> {
  const random = randomSource(42);
  const families = [...new Set(Array.from({ length: 400 }, () => word(random, 3)))].slice(0, 100);
  const vocabulary = Array.from({ length: 5000 }, () => word(random, 2 + Math.floor(random() * 3)));
  const benchmarks: BenchmarkRow[] = Array.from({ length: 300 }, (_, index) => ({
    id: `synthetic-${index}`,
    name: `Bench ${word(random, 2)} ${index}`,
    category: categories[index % categories.length],
    metric: index % 30 === 0 ? 'BPB' : 'Acc.',
    shots: index % 4 === 0 ? null : index % 10,
    direction: index % 30 === 0 ? 'lower' : 'higher',
    suite: index % 2 === 0 ? 'base' : 'chat',
    description: null,
  }));
  await store.db.insertInto('benchmarks').values(benchmarks).execute();
  // Bulk load as a restore would: the two large results indexes are built once at the end.
  for (const index of bulkIndexes) await sql`drop index ${sql.raw(index.name)}`.execute(store.db);
  const modelIds: string[] = [];
  const batch = 1000;
  const now = Date.now();
  for (let start = 0; start < modelCount; start += batch) {
    const models: Array<Omit<ModelRow, 'seq'>> = [];
    const results: Array<[string, string, number]> = [];
    for (let index = start; index < Math.min(start + batch, modelCount); index++) {
      const family = families[Math.floor(random() * families.length)];
      const architecture = architectures[Math.floor(random() * architectures.length)];
      const total = architecture === 'unknown' ? null : Math.round(10 ** (8 + random() * 4));
      const variant = variants[Math.floor(random() * variants.length)];
      const id = `${family}-${index}-${variant.toLowerCase()}`;
      modelIds.push(id);
      const description = Array.from({ length: 40 }, () => vocabulary[Math.floor(vocabulary.length * random() ** 2)]).join(' ');
      models.push({
        id,
        name: `${family[0].toUpperCase()}${family.slice(1)} ${index} ${variant}`,
        publisher: `Publisher ${Math.floor(random() ** 2 * 200)}`,
        // A family is a handful of sizes and variants of one release, as in real catalogs.
        family: `${family} ${Math.floor(index / 5)}`,
        variant,
        description: `A ${architecture} language model of the ${family} family. ${description}.`,
        architecture,
        total_params: total,
        activated_params: total === null ? null : architecture === 'MoE' ? Math.round(total * (0.03 + random() * 0.17)) : total,
        context_length: contexts[Math.floor(random() * contexts.length)],
        license: licenses[Math.floor(random() * licenses.length)],
        open_weights: architecture === 'unknown' ? 0 : 1,
        release_date: new Date(Date.UTC(2020, 0, 1) + random() * 6 * 365 * 86_400_000).toISOString().slice(0, 10),
        tags: JSON.stringify(Array.from({ length: 3 + Math.floor(random() * 4) }, () => tagWords[Math.floor(random() * tagWords.length)])),
        links: '[]',
        notes: '[]',
        spec: null,
        pricing: null,
        source: 'synthetic',
        created_at: now,
        updated_at: now,
      });
      const chosen = new Set<number>();
      while (chosen.size < resultsPerModel) chosen.add(Math.floor(random() * benchmarks.length));
      for (const benchmark of chosen) {
        results.push([
          id,
          benchmarks[benchmark].id,
          benchmarks[benchmark].metric === 'BPB' ? 0.3 + random() * 0.7 : Math.round(random() * 1000) / 10,
        ]);
      }
    }
    await insertBatch(store, models, results);
  }
  for (const index of bulkIndexes) await sql`create index ${sql.raw(index.name)} on results (${sql.raw(index.columns)})`.execute(store.db);
  // Fresh statistics, as a long-running library would have, so both planners see the real sizes.
  // On PostgreSQL also the visibility map that autovacuum writes after a bulk insert: without it
  // every index-only probe of `results` reads the heap too, and autovacuum would run during the
  // timed runs. The checkpoint writes out the pages that the load and the vacuum dirtied, which
  // the server would otherwise be flushing during the timed runs.
  if (store.dialect === 'postgres') {
    await sql`vacuum analyze`.execute(store.db);
    await sql`checkpoint`.execute(store.db);
  } else {
    await sql`analyze`.execute(store.db);
  }
  return { families, benchmarks, modelIds };
}

async function insertBatch(store: Store, models: Array<Omit<ModelRow, 'seq'>>, results: Array<[string, string, number]>): Promise<void> {
  if (store.dialect === 'postgres') {
    const columns = Object.keys(models[0]) as Array<keyof (typeof models)[number]>;
    const types: Record<string, string> = {
      total_params: 'float8',
      activated_params: 'float8',
      context_length: 'int4',
      open_weights: 'int4',
      created_at: 'int8',
      updated_at: 'int8',
    };
    const arrays = columns.map((column) => sql`${models.map((model) => model[column])}::${sql.raw(types[column] ?? 'text')}[]`);
    await sql`insert into models (${sql.join(columns.map((column) => sql.ref(column)))}) select * from unnest(${sql.join(arrays)})`.execute(
      store.db,
    );
    await sql`insert into results (model_id, benchmark_id, setting, value) select model_id, benchmark_id, '', value
      from unnest(${results.map((row) => row[0])}::text[], ${results.map((row) => row[1])}::text[], ${results.map((row) => row[2])}::float8[]) as t(model_id, benchmark_id, value)`.execute(
      store.db,
    );
    return;
  }
  await store.db.transaction().execute(async (transaction) => {
    for (let start = 0; start < models.length; start += 500)
      await transaction
        .insertInto('models')
        .values(models.slice(start, start + 500))
        .execute();
    for (let start = 0; start < results.length; start += 2000) {
      await transaction
        .insertInto('results')
        .values(
          results
            .slice(start, start + 2000)
            .map(([model_id, benchmark_id, value]) => ({ model_id, benchmark_id, setting: '', value, source: null })),
        )
        .execute();
    }
  });
}
