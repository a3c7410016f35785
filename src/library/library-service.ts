import { DevupError, notFound } from '../errors.js';
import type { Store } from '../store/database.js';
import { parseOrThrow } from '../validation.js';
import { BenchmarkCatalog } from './benchmark-catalog.js';
import { readCatalog } from './catalog/read-catalog.js';
import { compareModels } from './compare-models.js';
import type { HubClient } from './hub/hub-client.js';
import type { HubReference } from './hub/hub-reference.js';
import { readHubRepo } from './hub/read-hub-repo.js';
import { modelFromDocument, type ImportDocument } from './importers/import-document.js';
import { readArchitectureSpec, readSeedBundle, defaultLibraryDataDir } from './library-data.js';
import type { Comparison, Facets, Model, ModelHistory, SearchPage } from './library-shapes.js';
import type { ModelChange } from './merge-model-change.js';
import type { RepoDownloads } from './model-downloads.js';
import {
  bundleSchema,
  modelCreateSchema,
  modelPatchSchema,
  type LibraryBundleDraft,
  type ModelCreate,
  type ModelImport,
  type ModelPatch,
} from './model-input.js';
import { readModelHistory } from './model-history.js';
import type { ModelSizer } from './model-sizer.js';
import { readModel } from './read-model.js';
import { countFacets, searchModels, type SortBenchmark } from './search-models.js';
import { searchQuerySchema, type SearchQueryInput } from './search-query.js';
import { writeBundle, writeBundleIn, type WriteOptions, type WriteSummary } from './write-bundle.js';
import { writeModelChange, writeNewModels, type ChangeSummary } from './write-model-change.js';

export interface LibraryServiceOptions {
  /** Folder with `benchmarks.yaml`, `models/`, `catalog/` and the planner's `architectures/` (default: the repository's `data/`). */
  dataDir?: string;
  /** The planner's parameter counts and memory estimates (src/deploy/planner/planner-sizer.ts). */
  sizer: ModelSizer;
  /** The Hugging Face hub, for `importHubRepo`; without it hub imports are refused. */
  hub?: HubClient;
}

/** What an import did, beside the model it left. */
export interface ImportSummary extends Omit<ChangeSummary, 'id'> {
  warnings: string[];
}

/**
 * The Model Library: model cards, benchmarks and results over the store. Every write goes
 * through `writeBundle` (validated, one transaction), whether it comes from the seed files, an
 * importer or the admin API; imports and edits also record each field's origin and the values
 * they replace (`writeModelChange`).
 *
 * @example
 *   const library = new LibraryService(store, { sizer: plannerSizer });
 *   await library.seedIfEmpty();
 *   const page = await library.search({ q: 'mixture of experts', sort: 'benchmark:chat-mmlu-em', pageSize: 5 });
 *   const table = await library.compare(['deepseek-v3', 'qwen2.5-72b-instruct']);
 */
export class LibraryService {
  readonly benchmarks: BenchmarkCatalog;
  private readonly dataDir: string;

  constructor(
    private readonly store: Store,
    private readonly options: LibraryServiceOptions,
  ) {
    this.dataDir = options.dataDir ?? defaultLibraryDataDir;
    this.benchmarks = new BenchmarkCatalog(store);
  }

  async isEmpty(): Promise<boolean> {
    return !(await this.store.db.selectFrom('models').select('id').limit(1).executeTakeFirst());
  }

  /**
   * Loads the seeded models and the starting catalog (`data/catalog/`, through the importers'
   * code path; a catalog entry whose id the seed already has is left to the seed) in one
   * transaction when the store holds no model yet; answers whether it did.
   */
  async seedIfEmpty(): Promise<boolean> {
    if (!(await this.isEmpty())) return false;
    const seed = parseOrThrow(bundleSchema, readSeedBundle(this.dataDir), 'input', ['body']);
    const catalog = readCatalog(this.dataDir, this.options.sizer);
    const seeded = new Set(seed.models.map((model) => model.id));
    await this.store.db.transaction().execute(async (transaction) => {
      await writeBundleIn(transaction, seed, this.writeOptions('upsert'));
      await writeNewModels(
        transaction,
        catalog.filter((change) => !seeded.has(change.model.id)),
        this.writeOptions('create'),
      );
    });
    return true;
  }

  /** Writes benchmarks and whole models (replacing existing ones) in one transaction. */
  async importBundle(bundle: LibraryBundleDraft, mode: 'create' | 'upsert' = 'upsert'): Promise<WriteSummary> {
    return writeBundle(this.store.db, parseOrThrow(bundleSchema, bundle, 'input', ['body']), this.writeOptions(mode));
  }

  /**
   * Imports what an importer (HF card, config.json, GGUF header) knows about a model: merged
   * over the existing card when there is one (results replaced only when the import has some;
   * fields entered by hand kept), otherwise completed with defaults (name = id, publisher 'unknown').
   */
  async importModel(imported: ModelImport): Promise<Model> {
    return (await this.importChange(toImportChange(imported))).model;
  }

  /** `POST /api/import`: a hub repo, or a card or config given as text. */
  async importDocument(document: ImportDocument): Promise<{ model: Model; summary: ImportSummary }> {
    if (document.kind === 'hf-repo')
      return this.importHubRepo({ repo: document.repo, revision: document.revision ?? 'main', id: document.id });
    return this.importChange(toImportChange(modelFromDocument(document, this.options.sizer)));
  }

  /**
   * Imports a model repository from the Hugging Face hub (card, config.json, file list → card,
   * parameter counts, download variants): everything is fetched and checked first, then written
   * in one transaction, so a failure leaves the library as it was.
   */
  async importHubRepo(request: HubReference & { id?: string }): Promise<{ model: Model; summary: ImportSummary }> {
    if (!this.options.hub) throw new DevupError('unavailable', 'This library has no hub client configured');
    const read = await readHubRepo(this.options.hub, this.options.sizer, request);
    return this.importChange(read.change, read.downloads, read.warnings);
  }

  /** A model's field origins (hand-entered ones marked) and the earlier values imports and edits replaced. */
  async history(id: string): Promise<ModelHistory> {
    await this.get(id);
    return readModelHistory(this.store.db, id);
  }

  async get(id: string): Promise<Model> {
    return readModel(this.store.db, id, this.options.sizer);
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

  /** Creates a model; its fields count as entered by hand (imports keep them). */
  async createModel(input: ModelCreate): Promise<Model> {
    const model = parseOrThrow(modelCreateSchema, input, 'input', ['body']);
    await this.store.db
      .transaction()
      .execute((transaction) => writeModelChange(transaction, { model, source: 'admin API', manual: true }, this.writeOptions('create')));
    return this.get(model.id);
  }

  /** Changes the given fields (entered by hand: imports keep them); `results` and `niah`, when given, replace the model's lists. */
  async updateModel(id: string, patch: ModelPatch): Promise<Model> {
    const changes = parseOrThrow(modelPatchSchema, patch, 'input', ['body']);
    await this.get(id);
    await this.store.db
      .transaction()
      .execute((transaction) =>
        writeModelChange(transaction, { model: { ...changes, id }, source: 'admin API', manual: true }, this.writeOptions('upsert')),
      );
    return this.get(id);
  }

  async deleteModel(id: string): Promise<void> {
    const deleted = await this.store.db.deleteFrom('models').where('id', '=', id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw notFound('Model', id);
  }

  private async importChange(change: ModelChange, downloads?: RepoDownloads, warnings: string[] = []) {
    const { id, ...summary } = await this.store.db
      .transaction()
      .execute((transaction) => writeModelChange(transaction, change, { ...this.writeOptions('upsert'), downloads }));
    return { model: await this.get(id), summary: { ...summary, warnings } };
  }

  private writeOptions(mode: 'create' | 'upsert'): WriteOptions {
    return { mode, architectureSpec: (modelId) => readArchitectureSpec(this.dataDir, modelId) };
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

/** An importer's model as a change: empty result lists dropped (an import without results keeps the card's). */
function toImportChange(imported: ModelImport): ModelChange {
  const defined = Object.fromEntries(Object.entries(imported).filter(([, value]) => value !== undefined)) as ModelImport;
  if (defined.results?.length === 0) delete defined.results;
  return { model: defined, source: imported.source ?? 'import', manual: false };
}
