import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevupError } from '../../src/errors.js';
import { readSeedBundle } from '../../src/library/library-data.js';
import { plannerSizer } from '../../src/deploy/planner/planner-sizer.js';
import { LibraryService } from '../../src/library/library-service.js';
import type { Store } from '../../src/store/database.js';
import { dialects, openTestStore } from '../support/stores.js';

const injectionTexts = [
  `"`,
  `"unterminated`,
  '*',
  '**',
  'NEAR(deepseek qwen)',
  'deepseek NEAR qwen',
  `'; DROP TABLE models; --`,
  'a OR b',
  'NOT deepseek',
  '-deepseek',
  '(',
  ')',
  'name:deepseek',
  '^deepseek',
  'deep*seek',
  '\\',
  `\\'`,
  ':*',
  '&|!',
  '\u0000',
  '🤗',
  'ﬁ',
];

describe.each(dialects)('library store on %s', (dialect) => {
  let store: Store;
  let library: LibraryService;
  let dataDir: string;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-library-'));
    fs.mkdirSync(path.join(dataDir, 'architectures'));
    library = new LibraryService(store, { dataDir, sizer: plannerSizer });
    await library.importBundle(readSeedBundle());
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const ids = (page: { items: Array<{ id: string }> }) => page.items.map((item) => item.id);

  it('searches full text over name, publisher, description and tags, by word prefix', async () => {
    // The DeepSeek-V3 card quotes Claude in its tables; the name match ranks first.
    expect(ids(await library.search({ q: 'claude' }))).toEqual(['claude-3.5-sonnet-1022', 'deepseek-v3']);
    expect(ids(await library.search({ q: 'anthropic' }))).toEqual(['claude-3.5-sonnet-1022']);
    expect((await library.search({ q: 'mixture experts' })).items.length).toBeGreaterThanOrEqual(4);
    expect(ids(await library.search({ q: 'multi-token-prediction' })).sort()).toEqual(['deepseek-v3', 'deepseek-v3-base']);
    expect(
      ids(await library.search({ q: 'qwe' }))
        .slice(0, 2)
        .sort(),
    ).toEqual(['qwen2.5-72b', 'qwen2.5-72b-instruct']);
    expect(ids(await library.search({ q: 'Llama 3.1 405B instruct' }))).toContain('llama-3.1-405b-instruct');
  });

  it('filters by publisher, architecture, parameter ranges, context, license, open weights and results', async () => {
    expect(ids(await library.search({ publisher: ['Meta'] })).sort()).toEqual(['llama-3.1-405b', 'llama-3.1-405b-instruct']);
    expect((await library.search({ architecture: ['MoE'] })).total).toBe(5);
    expect(ids(await library.search({ architecture: ['unknown'] })).sort()).toEqual(['claude-3.5-sonnet-1022', 'gpt-4o-0513']);
    expect(ids(await library.search({ minTotalParams: 300e9, maxTotalParams: 700e9 })).sort()).toEqual([
      'deepseek-v3',
      'deepseek-v3-base',
      'llama-3.1-405b',
      'llama-3.1-405b-instruct',
    ]);
    expect(ids(await library.search({ maxActivatedParams: 40e9 })).length).toBe(5);
    expect(ids(await library.search({ minContext: 150_000 }))).toEqual(['claude-3.5-sonnet-1022']);
    expect((await library.search({ license: ['Proprietary'] })).total).toBe(2);
    expect((await library.search({ openWeights: false })).total).toBe(2);
    expect(ids(await library.search({ hasResultsFor: ['base-pile-test-bpb'] })).sort()).toEqual([
      'deepseek-v2',
      'deepseek-v3-base',
      'llama-3.1-405b',
      'qwen2.5-72b',
    ]);
    expect(
      ids(await library.search({ q: 'deepseek', architecture: ['MoE'], hasResultsFor: ['chat-swe-verified-resolved'] })).sort(),
    ).toEqual(['deepseek-v2.5-0905', 'deepseek-v3']);
  });

  it('sorts by a benchmark in its direction (BPB: lower first), by params with unknowns last, by release date', async () => {
    const bpb = await library.search({ sort: 'benchmark:base-pile-test-bpb' });
    expect(bpb.items.map((item) => item.score)).toEqual([0.542, 0.548, 0.606, 0.638]);
    const mmlu = await library.search({ sort: 'benchmark:chat-mmlu-em', pageSize: 3 });
    expect(mmlu.items.map((item) => [item.id, item.score])).toEqual([
      ['llama-3.1-405b-instruct', 88.6],
      ['deepseek-v3', 88.5],
      ['claude-3.5-sonnet-1022', 88.3],
    ]);
    expect(mmlu.total).toBe(7);
    const params = ids(await library.search({ sort: 'params' }));
    expect(params.slice(0, 2).sort()).toEqual(['deepseek-v3', 'deepseek-v3-base']);
    expect(params.slice(-2).sort()).toEqual(['claude-3.5-sonnet-1022', 'gpt-4o-0513']);
    expect(
      ids(await library.search({ sort: 'params', order: 'asc' }))
        .slice(-2)
        .sort(),
    ).toEqual(['claude-3.5-sonnet-1022', 'gpt-4o-0513']);
    expect(ids(await library.search({ sort: 'released', pageSize: 2 })).sort()).toEqual(['deepseek-v3', 'deepseek-v3-base']);
    expect(ids(await library.search({ sort: 'context', pageSize: 1 }))).toEqual(['claude-3.5-sonnet-1022']);
  });

  it('paginates with a total and clamps huge page sizes', async () => {
    const first = await library.search({ sort: 'name', pageSize: 4 });
    const third = await library.search({ sort: 'name', pageSize: 4, page: 3 });
    expect(first.total).toBe(11);
    expect(third.items).toHaveLength(3);
    expect(new Set([...ids(first), ...ids(third)]).size).toBe(7);
    expect((await library.search({ pageSize: 10_000_000 })).pageSize).toBe(100);
    // Browsing without words counts the total apart from the page (PostgreSQL): past the last page, and with a filter on a benchmark sort.
    const past = await library.search({ sort: 'name', pageSize: 4, page: 4 });
    expect([past.items.length, past.total]).toEqual([0, 11]);
    const moeMmlu = await library.search({ sort: 'benchmark:chat-mmlu-em', architecture: ['MoE'], pageSize: 1 });
    expect([ids(moeMmlu), moeMmlu.total]).toEqual([['deepseek-v3'], 3]);
    await expect(library.search({ page: 0 })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(library.search({ sort: 'benchmark:no-such-benchmark' })).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('counts facets for the current query', async () => {
    const facets = await library.facets({ q: 'instruct' });
    expect(facets.publisher).toEqual(
      expect.arrayContaining([
        { value: 'Meta', count: 1 },
        { value: 'Qwen', count: 1 },
      ]),
    );
    const all = await library.facets({});
    expect(all.publisher[0]).toEqual({ value: 'DeepSeek', count: 5 });
    expect(all.architecture).toEqual([
      { value: 'MoE', count: 5 },
      { value: 'Dense', count: 4 },
      { value: 'unknown', count: 2 },
    ]);
    expect(all.openWeights).toEqual([
      { value: 'true', count: 9 },
      { value: 'false', count: 2 },
    ]);
  });

  it('answers injection-shaped and odd search text safely, leaving the tables intact', async () => {
    for (const q of injectionTexts) {
      const page = await library.search({ q });
      expect(Array.isArray(page.items), q).toBe(true);
      await library.facets({ q });
    }
    // Operators are plain words: `"deepseek" OR *` is the words deepseek and or.
    expect(ids(await library.search({ q: `"deepseek" OR *` }))).toEqual(ids(await library.search({ q: 'deepseek or' })));
    expect((await library.search({ q: `deepseek" AND "v3*` })).items.map((item) => item.id)).toContain('deepseek-v3');
    expect((await library.search({})).total).toBe(11);
  });

  it('finds unicode text', async () => {
    await library.createModel({
      id: 'unicode-model',
      name: 'Ünïcode Модель 模型',
      publisher: 'Café Labs',
      description: 'Ein schönes Modell',
    });
    expect(ids(await library.search({ q: 'Ünïcode' }))).toEqual(['unicode-model']);
    expect(ids(await library.search({ q: 'café' }))).toEqual(['unicode-model']);
    expect(ids(await library.search({ q: 'schönes' }))).toEqual(['unicode-model']);
    expect(ids(await library.search({ q: 'Модель' }))).toEqual(['unicode-model']);
    await library.deleteModel('unicode-model');
  });

  it('reads a card with its family variants, and answers not found for an unknown id', async () => {
    const card = await library.get('deepseek-v3');
    expect([card.results.length > 0, card.variants]).toEqual([
      true,
      [{ id: 'deepseek-v3-base', name: 'DeepSeek-V3-Base', variant: 'Base' }],
    ]);
    await expect(library.get('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('compares models over shared benchmarks, marking the best level and summarising categories', async () => {
    const comparison = await library.compare(['deepseek-v3', 'qwen2.5-72b-instruct', 'llama-3.1-405b-instruct']);
    const mmlu = comparison.rows.find((row) => row.benchmark === 'MMLU')!;
    expect(mmlu.values).toEqual([88.5, 85.3, 88.6]);
    expect(mmlu.best).toEqual([true, false, true]);
    expect(comparison.rows).toHaveLength(24);
    expect(comparison.categories.map((category) => category.category)).toEqual(['English', 'Code', 'Math', 'Chinese']);
    const base = await library.compare(['deepseek-v3-base', 'llama-3.1-405b']);
    const pile = base.rows.find((row) => row.benchmark === 'Pile-test')!;
    expect(pile.best).toEqual([false, true]);
    // Chat and base tables share only DROP (3-shot F1): same name, metric and shots.
    const chatAndBase = await library.compare(['deepseek-v3', 'deepseek-v3-base']);
    expect(chatAndBase.rows.map((row) => [row.benchmark, row.values])).toEqual([['DROP', [91.6, 89]]]);
    const withMissing = await library.compare(['deepseek-v2-0506', 'deepseek-v3']);
    expect(withMissing.rows.find((row) => row.benchmark === 'SWE Verified')).toBeUndefined();
    await expect(library.compare(['deepseek-v3'])).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(library.compare(['deepseek-v3', 'nope'])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('creates, updates and deletes models, benchmarks and results with validation', async () => {
    const created = await library.createModel({
      id: 'tiny-moe',
      name: 'Tiny MoE',
      publisher: 'Test Lab',
      architecture: 'MoE',
      totalParams: 1e9,
      activatedParams: 2e8,
      results: [
        { benchmark: 'chat-mmlu-em', value: 50 },
        { benchmark: { name: 'TinyBench', metric: 'Acc.', shots: 0, suite: 'base', category: 'English' }, value: 12.5 },
      ],
    });
    expect(created.results.map((result) => [result.benchmarkId, result.value])).toEqual([
      ['chat-mmlu-em', 50],
      ['base-tinybench-acc-0shot', 12.5],
    ]);
    await expect(library.createModel({ id: 'tiny-moe', name: 'again', publisher: 'x' })).rejects.toMatchObject({ status: 400 });
    const updated = await library.updateModel('tiny-moe', { contextLength: 4096, tags: ['tiny'] });
    expect(updated.contextLength).toBe(4096);
    expect(updated.results).toHaveLength(2);
    await expect(library.updateModel('tiny-moe', { activatedParams: 5e9 })).rejects.toMatchObject({ code: 'invalid_request' });
    const result = await library.benchmarks.addResult('tiny-moe', { benchmark: 'chat-mmlu-redux-em', value: 40 });
    expect((await library.benchmarks.updateResult(result.id, { value: 41 })).value).toBe(41);
    await library.benchmarks.deleteResult(result.id);
    const benchmark = await library.benchmarks.create({ name: 'Perplexity Test', metric: 'PPL', suite: 'base', category: 'English' });
    expect(benchmark.direction).toBe('lower');
    await expect(library.benchmarks.create({ id: benchmark.id, name: 'x', metric: 'y' })).rejects.toMatchObject({ code: 'conflict' });
    expect((await library.benchmarks.update(benchmark.id, { description: 'lower is better' })).description).toBe('lower is better');
    await library.benchmarks.delete(benchmark.id);
    await library.deleteModel('tiny-moe');
    await expect(library.get('tiny-moe')).rejects.toMatchObject({ code: 'not_found' });
    const orphans = await store.db.selectFrom('results').select('id').where('model_id', '=', 'tiny-moe').execute();
    expect(orphans).toEqual([]);
  });

  it('lists every invalid field at once', async () => {
    const error = await library
      .createModel({
        id: 'Bad Id',
        name: '',
        publisher: 'p',
        totalParams: -1,
        releaseDate: 'yesterday',
        links: [{ label: 'x', url: 'ftp://x' }],
      } as never)
      .catch((caught) => caught);
    expect(DevupError.isInstance(error)).toBe(true);
    expect((error as DevupError).fieldErrors!.map((field) => field.path).sort()).toEqual([
      'body.id',
      'body.links.0.url',
      'body.name',
      'body.releaseDate',
      'body.totalParams',
    ]);
  });

  it('ranks a leaderboard best first', async () => {
    const board = await library.benchmarks.leaderboard('base-pile-test-bpb');
    expect(board.entries.map((entry) => [entry.rank, entry.model.id, entry.value])).toEqual([
      [1, 'llama-3.1-405b', 0.542],
      [2, 'deepseek-v3-base', 0.548],
      [3, 'deepseek-v2', 0.606],
      [4, 'qwen2.5-72b', 0.638],
    ]);
  });

  it('leaves the store as it was when an import fails part-way', async () => {
    const before = await library.search({});
    // Unknown benchmark references are found before anything is written, all at once.
    const invalid = library.importBundle({
      models: [
        { id: 'new-a', name: 'A', publisher: 'p', results: [{ benchmark: 'no-such', value: 1 }] },
        { id: 'new-b', name: 'B', publisher: 'p', results: [{ benchmark: 'also-missing', value: 1 }] },
      ],
    });
    await expect(invalid).rejects.toMatchObject({
      fieldErrors: [{ path: 'models.0.results.0.benchmark' }, { path: 'models.1.results.0.benchmark' }],
    });
    // A failure after the first model was written (the second one's architecture file is broken) rolls back everything.
    fs.writeFileSync(path.join(dataDir, 'architectures', 'new-b.yaml'), '- not a mapping\n');
    const failing = library.importBundle({
      benchmarks: [{ id: 'fresh-bench', name: 'Fresh', metric: 'Acc.' }],
      models: [
        { id: 'new-a', name: 'A', publisher: 'p', results: [{ benchmark: 'fresh-bench', value: 1 }] },
        { id: 'new-b', name: 'B', publisher: 'p' },
      ],
    });
    await expect(failing).rejects.toThrow(/mapping/);
    fs.rmSync(path.join(dataDir, 'architectures', 'new-b.yaml'));
    expect((await library.search({})).total).toBe(before.total);
    expect(await library.benchmarks.find('fresh-bench')).toBeUndefined();
    const update = library.updateModel('deepseek-v3', {
      results: [
        { benchmark: 'chat-mmlu-em', value: 1 },
        { benchmark: 'missing', value: 2 },
      ],
    });
    await expect(update).rejects.toMatchObject({ code: 'invalid_request' });
    expect((await library.get('deepseek-v3')).results).toHaveLength(24);
  });

  it('merges the planner architecture file into spec verbatim', async () => {
    const architecture = {
      layers: 61,
      hiddenSize: 7168,
      attention: { kind: 'mla', kvLoraRank: 512 },
      experts: { routed: 256, perToken: 8 },
    };
    fs.writeFileSync(path.join(dataDir, 'architectures', 'spec-model.yaml'), JSON.stringify(architecture));
    await library.createModel({ id: 'spec-model', name: 'Spec', publisher: 'p', spec: { dtype: 'bf16', layers: 1 } });
    expect((await library.get('spec-model')).spec).toEqual({ dtype: 'bf16', ...architecture });
    await library.deleteModel('spec-model');
  });

  it('imports a Hugging Face model card with model-index and a config.json through the same path', async () => {
    const card = [
      '---',
      'license: apache-2.0',
      'tags: [text-generation, instruct]',
      'model-index:',
      '- name: Test-7B-Instruct',
      '  results:',
      '  - task: {type: text-generation}',
      '    dataset: {name: MMLU (5-Shot), type: cais/mmlu, args: {num_few_shot: 5}}',
      '    metrics: [{type: acc, name: Acc., value: 61.5}]',
      '    source: {url: "https://example.org/eval"}',
      '  - dataset: {name: GSM8K, type: gsm8k}',
      '    metrics: [{type: em, name: 8-shot EM, value: "55.0"}]',
      '---',
      '# Test 7B',
      'A model card.',
    ].join('\n');
    const { model: imported } = await library.importDocument({ kind: 'hf-card', content: card, repo: 'test-org/Test-7B-Instruct' });
    expect(imported).toMatchObject({
      id: 'test-7b-instruct',
      name: 'Test-7B-Instruct',
      publisher: 'test-org',
      license: 'apache-2.0',
      openWeights: true,
    });
    expect(imported.results.map((result) => [result.benchmark, result.metric, result.shots, result.suite, result.value])).toEqual([
      ['MMLU', 'Acc.', 5, 'chat', 61.5],
      ['GSM8K', 'EM', 8, 'chat', 55],
    ]);
    const config = {
      architectures: ['MixtralForCausalLM'],
      model_type: 'mixtral',
      num_local_experts: 8,
      max_position_embeddings: 32768,
      hidden_size: 4096,
    };
    const { model: merged } = await library.importDocument({
      kind: 'config-json',
      id: 'test-7b-instruct',
      content: JSON.stringify(config),
    });
    expect(merged).toMatchObject({ name: 'Test-7B-Instruct', architecture: 'MoE', contextLength: 32768, spec: config });
    expect(merged.results).toHaveLength(2);
    await expect(library.importDocument({ kind: 'config-json', id: 'x', content: '{not json' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await library.deleteModel('test-7b-instruct');
  });
});
