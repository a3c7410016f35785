import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannerSizer } from '../../src/deploy/planner/planner-sizer.js';
import { defaultLibraryDataDir, readSeedBundle } from '../../src/library/library-data.js';
import { LibraryService } from '../../src/library/library-service.js';
import type { Model } from '../../src/library/library-shapes.js';
import type { Store } from '../../src/store/database.js';
import { seededModels } from '../support/seeded-models.js';
import { dialects, openTestStore } from '../support/stores.js';

interface CatalogEntry {
  id: string;
  hubRepo: string;
  publisher: string;
  license: string | null;
  contextLength: number | null;
  ggufRepos: string[];
  sources: Record<string, string>;
}
const entries = YAML.parse(fs.readFileSync(path.join(defaultLibraryDataDir, 'catalog', 'models.yaml'), 'utf8')) as CatalogEntry[];

// Hand-computed from the genuine configs in data/catalog/configs, term by term.
const handCounted: Record<string, { total: number; activated: number }> = {
  // 32 layers of 8 experts (2 per token) of 3 × 4096 × 14336, GQA 32/8 heads of 128, untied 32000 vocabulary.
  'mixtral-8x7b-instruct-v0.1': (() => {
    const attention = 2 * 4096 * 4096 + 2 * 1024 * 4096 + 2 * 4096;
    const common = 2 * 32_000 * 4096 + 4096;
    const expert = 3 * 4096 * 14_336;
    return { total: common + 32 * (attention + 8 * expert + 8 * 4096), activated: common + 32 * (attention + 2 * expert + 8 * 4096) };
  })(),
  // Llama4TextConfig: untied by default, one shared expert beside 16 routed ones (1 per token), every layer MoE.
  'llama-4-scout-17b-16e-instruct': (() => {
    const hidden = 5120;
    const attention = 2 * hidden * hidden + 2 * 1024 * hidden + 2 * hidden;
    const expert = 3 * hidden * 8192;
    const common = 2 * 202_048 * hidden + hidden;
    return {
      total: common + 48 * (attention + 16 * expert + expert + 16 * hidden),
      activated: common + 48 * (attention + expert + expert + 16 * hidden),
    };
  })(),
  // Gemma3TextConfig's defaults for the keys text_config omits (vocabulary 262,208, tied); four norms around attention and
  // MLP and a q_norm and k_norm of head_dim 128 per layer; GQA 32/16 heads of 128. The vision tower is not counted.
  'gemma-3-27b-it': (() => {
    const hidden = 5376;
    const attention = hidden * 32 * 128 * 2 + hidden * 16 * 128 * 2 + 2 * 128;
    const total = 262_208 * hidden + hidden + 62 * (attention + 3 * hidden * 21_504 + 4 * hidden);
    return { total, activated: total };
  })(),
  // MLA without query compression; 1 dense layer, then 26 of 64 routed (6 per token) and 2 shared experts of 1408.
  'deepseek-v2-lite': (() => {
    const hidden = 2048;
    const attention = hidden * 16 * 192 + hidden * 576 + 512 + 512 * 16 * 256 + 16 * 128 * hidden;
    const common = 2 * 102_400 * hidden + hidden + 27 * (attention + 2 * hidden) + 3 * hidden * 10_944;
    const shared = 3 * hidden * 2816 + 64 * hidden;
    return { total: common + 26 * (64 * 3 * hidden * 1408 + shared), activated: common + 26 * (6 * 3 * hidden * 1408 + shared) };
  })(),
};

/** Architectures the planner does not size: hybrid Mamba/linear-attention stacks, Gemma-4 (global heads of their own width, keys shared with values, a dense MLP beside the experts). */
const unsized = ['gemma-4-26b-a4b', 'nemotron-3-nano-30b-a3b-bf16', 'qwen3.5-35b-a3b', 'qwen3.5-397b-a17b'];

const card = ({ variants: _variants, createdAt: _createdAt, updatedAt: _updatedAt, ...model }: Model) => model;

describe.each(dialects)('the starting catalog on %s', (dialect) => {
  let store: Store;
  let seedOnly: Store;
  let library: LibraryService;
  let catalog: Model[];
  beforeAll(async () => {
    store = await openTestStore(dialect);
    seedOnly = await openTestStore(dialect);
    library = new LibraryService(store, { sizer: plannerSizer });
    expect(await library.seedIfEmpty()).toBe(true);
    catalog = await Promise.all(seededModels().catalog.map((id) => library.get(id)));
  });
  afterAll(async () => {
    await store.close();
    await seedOnly.close();
  });

  it('adds at least 40 models beside the seed, whose 11 stay exactly as the seed writes them', async () => {
    const { seed } = seededModels();
    expect(catalog.length).toBeGreaterThanOrEqual(40);
    expect(seed).toHaveLength(11);
    // A catalog entry whose id the seed has is left to the seed.
    expect(entries.map((entry) => entry.id).filter((id) => seed.includes(id))).toEqual([
      'deepseek-v3',
      'qwen2.5-72b-instruct',
      'llama-3.1-405b',
    ]);
    const reference = new LibraryService(seedOnly, { sizer: plannerSizer });
    await reference.importBundle(readSeedBundle());
    for (const id of seed) expect(card(await library.get(id)), id).toEqual(card(await reference.get(id)));
  });

  it('counts parameters with the planner from each genuine config: equal to the hand-computed ones, none where it cannot size the architecture', async () => {
    for (const [id, expected] of Object.entries(handCounted)) {
      expect(await library.get(id), id).toMatchObject({ totalParams: expected.total, activatedParams: expected.activated });
    }
    expect(handCounted['mixtral-8x7b-instruct-v0.1'].total).toBe(46_702_792_704);
    expect(handCounted['llama-4-scout-17b-16e-instruct'].total).toBe(107_769_861_120);
    expect(handCounted['gemma-3-27b-it'].total).toBe(27_009_346_304);
    expect(
      catalog
        .filter((model) => model.totalParams === null)
        .map((model) => model.id)
        .sort(),
    ).toEqual(unsized);
    for (const model of catalog) {
      if (model.totalParams !== null) expect(model.activatedParams, model.id).toBeLessThanOrEqual(model.totalParams);
      expect(model.spec, model.id).toHaveProperty('model_type');
    }
  });

  it('carries the card facts with their sources, the hub repo and GGUF repos as links, and no benchmark result', async () => {
    const { seed } = seededModels();
    for (const entry of entries.filter((candidate) => !seed.includes(candidate.id))) {
      const model = await library.get(entry.id);
      expect(model, entry.id).toMatchObject({ publisher: entry.publisher, license: entry.license, openWeights: true, results: [] });
      if (entry.contextLength !== null) expect(model.contextLength, entry.id).toBe(entry.contextLength);
      expect(model.links.map((link) => link.url)).toEqual([
        `https://huggingface.co/${entry.hubRepo}`,
        ...entry.ggufRepos.map((repo) => `https://huggingface.co/${repo}`),
      ]);
      const origins = new Map((await library.history(entry.id)).fields.map((field) => [field.field, field.source]));
      expect(origins.get('license'), entry.id).toBe(entry.sources.license ?? entry.sources.card);
      const config = `https://huggingface.co/${entry.hubRepo}/blob/main/config.json (copy: data/catalog/configs/${entry.hubRepo.replace('/', '__')}.json)`;
      expect(origins.get('spec'), entry.id).toBe(config);
      expect(origins.get('totalParams'), entry.id).toBe(model.totalParams === null ? undefined : config);
      expect(origins.get('contextLength'), entry.id).toBe(
        entry.contextLength === null ? config : (entry.sources.contextLength ?? entry.sources.card),
      );
    }
  });

  it('searches, counts facets and compares across the seed and the catalog', async () => {
    expect((await library.search({ q: 'gemma' })).items.map((item) => item.id).sort()).toEqual(
      entries
        .filter((entry) => entry.id.startsWith('gemma'))
        .map((entry) => entry.id)
        .sort(),
    );
    const facets = await library.facets({});
    const google = entries.filter((entry) => entry.publisher === 'Google').length;
    expect(facets.publisher).toContainEqual({ value: 'Google', count: google });
    const { seed } = seededModels();
    expect(facets.publisher.find((facet) => facet.value === 'DeepSeek')?.count).toBe(
      seed.filter((id) => id.startsWith('deepseek')).length +
        entries.filter((entry) => entry.publisher === 'DeepSeek' && !seed.includes(entry.id)).length,
    );
    const moe = await library.search({ architecture: ['MoE'], minContext: 131_072, sort: 'params', pageSize: 3 });
    expect(moe.items.map((item) => item.id)).toEqual(['kimi-k2-instruct', 'kimi-k2.5', 'glm-5']);
    const comparison = await library.compare(['deepseek-v3', 'deepseek-r1', 'qwen3-235b-a22b']);
    expect(comparison.models.map((model) => [model.id, model.architecture])).toEqual([
      ['deepseek-v3', 'MoE'],
      ['deepseek-r1', 'MoE'],
      ['qwen3-235b-a22b', 'MoE'],
    ]);
    // The catalog has no results: nothing to compare them on, and no invented numbers.
    expect(comparison.rows).toEqual([]);
  });
});
