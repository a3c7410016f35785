import { DevupError, notFound } from '../errors.js';
import type { Store } from '../store/database.js';
import { BenchmarkCatalog } from './benchmark-catalog.js';
import { compareModels } from './compare-models.js';
import { modelFromDocument, type ImportDocument } from './importers/import-document.js';
import { readArchitectureSpec, readSeedBundle, defaultLibraryDataDir } from './library-data.js';
import type { Comparison, Facets, Model, SearchPage } from './library-shapes.js';
import {
  bundleSchema,
  modelInputSchema,
  modelPatchSchema,
  type LibraryBundleDraft,
  type ModelImport,
  type ModelInput,
  type ModelInputDraft,
  type ModelPatch,
} from './model-input.js';
import { readModel } from './read-model.js';
import { countFacets, searchModels, type SortBenchmark } from './search-models.js';
import { searchQuerySchema, type SearchQueryInput } from './search-query.js';
import { parseOrThrow } from '../validation.js';
import { writeBundle, type WriteSummary } from './write-bundle.js';

export interface LibraryServiceOptions {
  /** Folder with `benchmarks.yaml`, `models/` and the planner's `architectures/` (default: the repository's `data/`). */
  dataDir?: string;
}

/**
 * The Model Library: model cards, benchmarks and results over the store. Every write goes
 * through `writeBundle` (validated, one transaction), whether it comes from the seed files, an
 * importer or the admin API.
 *
 * @example
 *   const library = new LibraryService(store);
 *   await library.seedIfEmpty();
 *   const page = await library.search({ q: 'mixture of experts', sort: 'benchmark:chat-mmlu-em', pageSize: 5 });
 *   const table = await library.compare(['deepseek-v3', 'qwen2.5-72b-instruct']);
 */
export class LibraryService {
  readonly benchmarks: BenchmarkCatalog;
  private readonly dataDir: string;

  constructor(
    private readonly store: Store,
    options: LibraryServiceOptions = {},
  ) {
    this.dataDir = options.dataDir ?? defaultLibraryDataDir;
    this.benchmarks = new BenchmarkCatalog(store);
  }

  async isEmpty(): Promise<boolean> {
    return !(await this.store.db.selectFrom('models').select('id').limit(1).executeTakeFirst());
  }

  /** Loads the seeded catalog when the store holds no model yet; answers whether it did. */
  async seedIfEmpty(): Promise<boolean> {
    if (!(await this.isEmpty())) return false;
    await this.importBundle(readSeedBundle(this.dataDir));
    return true;
  }

  /** Writes benchmarks and whole models (replacing existing ones) in one transaction. */
  async importBundle(bundle: LibraryBundleDraft, mode: 'create' | 'upsert' = 'upsert'): Promise<WriteSummary> {
    return writeBundle(this.store.db, parseOrThrow(bundleSchema, bundle, 'input', ['body']), {
      mode,
      architectureSpec: (modelId) => readArchitectureSpec(this.dataDir, modelId),
    });
  }

  /**
   * Imports what an importer (HF card, config.json, GGUF header) knows about a model: merged
   * over the existing card when there is one (results replaced only when the import has some),
   * otherwise completed with defaults (name = id, publisher 'unknown').
   */
  async importModel(imported: ModelImport): Promise<Model> {
    const existing = await this.find(imported.id);
    const defined = Object.fromEntries(Object.entries(imported).filter(([, value]) => value !== undefined)) as ModelImport;
    if (defined.results?.length === 0) delete defined.results;
    const draft: ModelInputDraft = existing
      ? { ...toModelInput(existing), ...defined }
      : { name: imported.id, publisher: 'unknown', ...defined };
    await this.importBundle({ models: [parseOrThrow(modelInputSchema, draft, 'input', ['body'])] });
    return this.get(imported.id);
  }

  async importDocument(document: ImportDocument): Promise<Model> {
    return this.importModel(modelFromDocument(document));
  }

  async get(id: string): Promise<Model> {
    return readModel(this.store.db, id);
  }

  async search(query: SearchQueryInput = {}): Promise<SearchPage> {
    const parsed = parseOrThrow(searchQuerySchema, query, 'input', ['query']);
    return searchModels(this.store, parsed, await this.sortBenchmark(parsed.sort));
  }

  /** Facet counts (publisher, architecture, license, open weights) for the models a query matches. */
  async facets(query: SearchQueryInput = {}): Promise<Facets> {
    const parsed = parseOrThrow(searchQuerySchema, query, 'input', ['query']);
    return countFacets(this.store, parsed, await this.sortBenchmark(parsed.sort));
  }

  /** Aligned benchmark table for 2–8 models (see compareModels). */
  async compare(ids: string[]): Promise<Comparison> {
    const unique = [...new Set(ids)];
    if (unique.length < 2 || unique.length > 8) {
      throw new DevupError('invalid_request', `Compare needs 2 to 8 different models, got ${unique.length}`, { param: 'models' });
    }
    return compareModels(await Promise.all(unique.map((id) => this.get(id))));
  }

  async createModel(input: ModelInputDraft): Promise<Model> {
    const model = parseOrThrow(modelInputSchema, input, 'input', ['body']);
    await this.writeModel(model, 'create');
    return this.get(model.id);
  }

  /** Changes the given fields; `results` and `niah`, when given, replace the model's lists. */
  async updateModel(id: string, patch: ModelPatch): Promise<Model> {
    const changes = parseOrThrow(modelPatchSchema, patch, 'input', ['body']);
    const existing = await this.get(id);
    await this.writeModel(parseOrThrow(modelInputSchema, { ...toModelInput(existing), ...changes, id }, 'input', ['body']), 'upsert');
    return this.get(id);
  }

  async deleteModel(id: string): Promise<void> {
    const deleted = await this.store.db.deleteFrom('models').where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw notFound('Model', id);
  }

  private async writeModel(model: ModelInput, mode: 'create' | 'upsert'): Promise<void> {
    await writeBundle(
      this.store.db,
      { benchmarks: [], models: [model] },
      { mode, architectureSpec: (modelId) => readArchitectureSpec(this.dataDir, modelId) },
    );
  }

  private async find(id: string): Promise<Model | undefined> {
    try {
      return await this.get(id);
    } catch (error) {
      if (DevupError.isInstance(error) && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  private async sortBenchmark(sort: string | undefined): Promise<SortBenchmark | undefined> {
    if (!sort?.startsWith('benchmark:')) return undefined;
    const benchmark = await this.benchmarks.find(sort.slice('benchmark:'.length));
    if (!benchmark) {
      throw new DevupError('invalid_request', `Unknown benchmark in sort: '${sort}'`, {
        fieldErrors: [{ path: 'query.sort', message: `unknown benchmark '${sort.slice(10)}'` }],
      });
    }
    return benchmark;
  }
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
