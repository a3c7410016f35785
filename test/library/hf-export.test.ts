import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannerSizer } from '../../src/deploy/planner/planner-sizer.js';
import { exportModelCard } from '../../src/library/export/export-model-card.js';
import { splitFrontMatter } from '../../src/library/importers/front-matter.js';
import { readSeedBundle } from '../../src/library/library-data.js';
import { LibraryService } from '../../src/library/library-service.js';
import type { Model } from '../../src/library/library-shapes.js';
import { toModelInput } from '../../src/library/model-rows.js';
import type { Store } from '../../src/store/database.js';
import { dialects, openTestStore } from '../support/stores.js';

/** The entry as its input, results with the ids and facts of their benchmarks. */
const entry = (model: Model) => ({
  ...toModelInput(model),
  results: model.results.map(({ id: _id, ...result }) => result),
});

describe.each(dialects)('export as a Hugging Face card on %s', (dialect) => {
  let seeded: Store;
  let fresh: Store;
  let library: LibraryService;
  let models: Model[];
  beforeAll(async () => {
    seeded = await openTestStore(dialect);
    fresh = await openTestStore(dialect);
    library = new LibraryService(seeded, { sizer: plannerSizer });
    await library.importBundle(readSeedBundle());
    models = await Promise.all((await library.search({ pageSize: 100 })).items.map((item) => library.get(item.id)));
  });
  afterAll(async () => {
    await seeded.close();
    await fresh.close();
  });

  it('writes front matter a hub card has: license, tags, model-index with every result and its source', () => {
    const deepseek = models.find((model) => model.id === 'deepseek-v3')!;
    const { data, body } = splitFrontMatter(exportModelCard(deepseek));
    expect(body).toBe(deepseek.description);
    expect(data).toMatchObject({ tags: deepseek.tags, pipeline_tag: 'text-generation' });
    const [index] = data['model-index'] as Array<{ name: string; results: Array<Record<string, any>> }>;
    expect(index.name).toBe('DeepSeek-V3');
    expect(index.results).toHaveLength(deepseek.results.length);
    expect(index.results[0]).toEqual({
      task: { type: 'text-generation' },
      dataset: { name: 'MMLU', type: 'chat-mmlu-em' },
      metrics: [{ type: 'em', name: 'EM', value: 88.5 }],
      source: { url: 'https://github.com/deepseek-ai/DeepSeek-V3' },
    });
    expect(index.results.find((result) => result.dataset.name === 'DROP')?.dataset.args).toEqual({ num_few_shot: 3 });
  });

  it('imports back to the same entry: into the same library without a change, into an empty one identically', async () => {
    expect(models.length).toBe(11);
    for (const model of models) {
      const { model: again, summary } = await library.importDocument({ kind: 'hf-card', content: exportModelCard(model) });
      expect(summary, model.id).toMatchObject({ created: false, updated: [], kept: [] });
      expect(entry(again)).toEqual(entry(model));
    }
    expect((await library.history('deepseek-v3')).earlier).toEqual([]);

    const empty = new LibraryService(fresh, { sizer: plannerSizer });
    for (const model of models) {
      const { model: copy, summary } = await empty.importDocument({ kind: 'hf-card', content: exportModelCard(model) });
      expect(summary.created).toBe(true);
      expect(entry(copy), model.id).toEqual(entry(model));
    }
    // The same benchmarks, ids included (the list's order among equal names is the database's).
    const facts = (list: Awaited<ReturnType<LibraryService['benchmarks']['list']>>) =>
      list
        .map(({ results: _results, description: _description, ...benchmark }) => benchmark)
        .sort((left, right) => left.id.localeCompare(right.id));
    expect(facts(await empty.benchmarks.list())).toEqual(
      facts((await library.benchmarks.list()).filter((benchmark) => benchmark.results > 0)),
    );
  });
});
