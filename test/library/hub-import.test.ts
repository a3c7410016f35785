import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannerSizer } from '../../src/deploy/planner/planner-sizer.js';
import { DevupError } from '../../src/errors.js';
import { HubClient } from '../../src/library/hub/hub-client.js';
import { readSeedBundle } from '../../src/library/library-data.js';
import { LibraryService } from '../../src/library/library-service.js';
import type { Store } from '../../src/store/database.js';
import { hubRepos, sha256, stories, storiesQ8Parts } from '../support/hub-repos.js';
import { dialects, openTestStore } from '../support/stores.js';
import { startHubPeer, type HubPeer, type HubPeerRepo } from '../support/upstreams/hub-peer.js';

const gibibyte = 1024 ** 3;
const token = 'hf_test_token_with_access';

// Hand-computed from the published configs, term by term (as in test/deploy/planner-hand-computed.test.ts).
const qwen72b = (() => {
  const hidden = 8192;
  const attention = hidden * hidden + 2 * (8 * 128) * hidden + hidden * hidden + (hidden + 2 * 1024);
  const layer = attention + 3 * hidden * 29_568 + 2 * hidden;
  return 2 * 152_064 * hidden + 80 * layer + hidden;
})();
const deepseekV2Lite = (() => {
  const hidden = 2048;
  const attention = hidden * 16 * 192 + hidden * 576 + 512 + 512 * 16 * 256 + 16 * 128 * hidden;
  const common = 2 * 102_400 * hidden + hidden + 27 * (attention + 2 * hidden) + 3 * hidden * 10_944;
  const shared = 3 * hidden * 2816 + 64 * hidden; // two shared experts of 1408, the router
  return {
    total: common + 26 * (64 * 3 * hidden * 1408 + shared),
    // A token runs through 6 of the 64 routed experts.
    activated: common + 26 * (6 * 3 * hidden * 1408 + shared),
  };
})();
// stories260K: dim 64, 5 layers, 8 heads of 8, 4 KV heads, FFN 172, vocabulary 512, untied output.
const storiesParameters = 2 * 512 * 64 + 64 + 5 * (2 * 64 + 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 64 * 172);

describe.each(dialects)('hub import on %s', (dialect) => {
  let store: Store;
  let hub: HubPeer;
  let repos: Record<string, HubPeerRepo>;
  let library: LibraryService;
  const count = async () =>
    Number(
      (
        await store.db
          .selectFrom('models')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DevupError);
    return error as DevupError;
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    repos = hubRepos();
    hub = await startHubPeer({ repos, token, treePageSize: 2 });
    library = new LibraryService(store, { sizer: plannerSizer, hub: new HubClient({ baseUrl: hub.url, timeoutMs: 1_000 }) });
  });
  afterAll(async () => {
    await hub.close();
    await store.close();
  });

  it('imports a transformers repo: parameter counts from its config.json equal the hand-computed ones, the checkpoint as a variant', async () => {
    const { model, summary } = await library.importHubRepo({ repo: 'Qwen/Qwen2.5-72B-Instruct', revision: 'main' });
    expect(qwen72b).toBe(72_706_203_648);
    expect(model).toMatchObject({
      id: 'qwen2.5-72b-instruct',
      name: 'Qwen2.5-72B-Instruct',
      publisher: 'Qwen',
      architecture: 'Dense',
      totalParams: qwen72b,
      activatedParams: qwen72b,
      contextLength: 32_768,
      openWeights: true,
      releaseDate: '2024-09-16',
      links: [{ label: 'Hugging Face', url: 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct' }],
    });
    expect(model.spec).toMatchObject({ model_type: 'qwen2', hidden_size: 8192, num_hidden_layers: 80 });
    expect(model.attention).toBe('GQA');
    expect(summary).toMatchObject({ created: true, kept: [], variants: 1, warnings: [] });
    const [checkpoint] = model.downloads;
    const listed = Object.entries(repos['Qwen/Qwen2.5-72B-Instruct'].files).filter(([name]) => name.endsWith('.safetensors'));
    expect(checkpoint).toMatchObject({
      repo: 'Qwen/Qwen2.5-72B-Instruct',
      revision: hub.commitOf('Qwen/Qwen2.5-72B-Instruct'),
      label: 'BF16',
      format: 'safetensors',
      bytes: listed.reduce((sum, [, file]) => sum + file.listed!.size, 0),
    });
    expect(checkpoint.files.map((file) => [file.path, file.sha256])).toEqual(listed.map(([name, file]) => [name, file.listed!.sha256]));
    // vLLM on one GPU at 8K: weights, 80 layers × 8 KV heads × 128 × 2 (K and V) × 2 bytes per token, one 8192-token prefill chunk, 2 GiB runtime.
    const kv = 80 * 2 * 8 * 128 * 2 * 8192;
    const activations = 8192 * 2 * (4 * 8192 + 3 * 29_568);
    expect(checkpoint.memory).toEqual({ context: 8192, ramBytes: null, vramBytes: checkpoint.bytes + kv + activations + 2 * gibibyte });
  });

  it('counts an MLA mixture of experts exactly: DeepSeek-V2-Lite total and activated parameters', async () => {
    const { model } = await library.importHubRepo({ repo: 'deepseek-ai/DeepSeek-V2-Lite', revision: 'main' });
    expect(model).toMatchObject({
      architecture: 'MoE',
      attention: 'MLA',
      totalParams: deepseekV2Lite.total,
      activatedParams: deepseekV2Lite.activated,
    });
    expect(model.totalParams).toBe(15_706_484_224);
    expect(model.downloads).toEqual([]);
  });

  it('imports a GGUF repo: one variant per quantization (a split set joined), sizes, SHA-256s and the planner’s RAM/VRAM', async () => {
    const { model, summary } = await library.importHubRepo({ repo: 'ggml-org/stories260K-GGUF', revision: 'main' });
    expect(model).toMatchObject({
      id: 'stories260k-gguf',
      architecture: 'Dense',
      totalParams: storiesParameters,
      activatedParams: storiesParameters,
      contextLength: 2048,
    });
    expect(storiesParameters).toBe(292_800);
    expect(model.tags).toContain('gguf');
    expect(summary.variants).toBe(2);
    expect(model.downloads.map((download) => [download.label, download.format, download.bytes, download.files.length])).toEqual([
      ['Q8_0', 'gguf', storiesQ8Parts[0].length + storiesQ8Parts[1].length, 2],
      ['F32', 'gguf', stories.length, 1],
    ]);
    expect(model.downloads[0].files).toEqual([
      { path: 'stories260K-Q8_0-00001-of-00002.gguf', bytes: storiesQ8Parts[0].length, sha256: sha256(storiesQ8Parts[0]) },
      { path: 'stories260K-Q8_0-00002-of-00002.gguf', bytes: storiesQ8Parts[1].length, sha256: sha256(storiesQ8Parts[1]) },
    ]);
    // llama.cpp at its 2048-token context: 16-bit KV of 4 heads × 8 dims × 2 per layer, one 512-token batch, 0.5 GiB on a GPU.
    const kv = 5 * 2 * 4 * 8 * 2 * 2048;
    const compute = 512 * 2 * (4 * 64 + 3 * 172);
    for (const download of model.downloads) {
      expect(download.memory).toEqual({
        context: 2048,
        ramBytes: download.bytes + kv + compute,
        vramBytes: download.bytes + kv + compute + 0.5 * gibibyte,
      });
    }
    // The file list came in pages of two (Link: rel="next"), the header by Range requests.
    expect(hub.requests.filter((request) => request.url.includes('/tree/') && request.url.includes('cursor=')).length).toBeGreaterThan(0);
    expect(hub.requests.some((request) => request.range.startsWith('bytes=0-'))).toBe(true);
  });

  it('imports genuine model cards: front matter facts, the body, model-index results each with its source, counts from config.json', async () => {
    const mixtral = (await library.importHubRepo({ repo: 'mistralai/Mixtral-8x7B-Instruct-v0.1', revision: 'main' })).model;
    // 32 layers of 8 experts (2 per token) of 3 × 4096 × 14336, GQA 32/8 heads of 128, untied 32000 vocabulary.
    const attention = 2 * 4096 * 4096 + 2 * 1024 * 4096 + 2 * 4096;
    const common = 2 * 32_000 * 4096 + 4096;
    expect(mixtral).toMatchObject({
      name: 'Mixtral-8x7B-Instruct-v0.1',
      publisher: 'mistralai',
      license: 'apache-2.0',
      architecture: 'MoE',
      totalParams: common + 32 * (attention + 8 * 3 * 4096 * 14_336 + 8 * 4096),
      activatedParams: common + 32 * (attention + 2 * 3 * 4096 * 14_336 + 8 * 4096),
      results: [],
    });
    expect(mixtral.description).toMatch(/^# Model Card for Mixtral-8x7B\nThe Mixtral-8x7B Large Language Model/);
    const phi = (await library.importHubRepo({ repo: 'microsoft/phi-4', revision: 'main' })).model;
    // 40 layers: 40 query heads and 10 KV heads of 128, MLP 3 × 5120 × 17920; untied 100352 vocabulary.
    const layer = 2 * 5120 * 5120 + 2 * 1280 * 5120 + 3 * 5120 * 17_920 + 2 * 5120;
    expect(phi).toMatchObject({ license: 'mit', totalParams: 2 * 100_352 * 5120 + 5120 + 40 * layer, contextLength: 16_384 });
    expect(phi.totalParams).toBe(14_659_507_200);
    expect(phi.tags).toEqual(['phi', 'nlp', 'math', 'code', 'chat', 'conversational']);

    const zephyr = (await library.importHubRepo({ repo: 'HuggingFaceH4/zephyr-7b-beta', revision: 'main' })).model;
    const leaderboard = 'https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard?query=HuggingFaceH4/zephyr-7b-beta';
    expect(zephyr).toMatchObject({ name: 'zephyr-7b-beta', license: 'mit', totalParams: null });
    expect(zephyr.links).toEqual([
      { label: 'Hugging Face', url: 'https://huggingface.co/HuggingFaceH4/zephyr-7b-beta' },
      { label: 'Base model: mistralai/Mistral-7B-v0.1', url: 'https://huggingface.co/mistralai/Mistral-7B-v0.1' },
    ]);
    expect(zephyr.results).toHaveLength(9);
    expect(zephyr.results[0]).toMatchObject({
      benchmark: 'AI2 Reasoning Challenge',
      metric: 'normalized accuracy',
      shots: 25,
      value: 62.03071672354948,
      source: leaderboard,
    });
    expect(zephyr.results.at(-1)).toMatchObject({
      benchmark: 'MT-Bench',
      metric: 'score',
      shots: null,
      value: 7.34,
      source: 'https://huggingface.co/spaces/lmsys/mt-bench',
    });
    // stable-code-3b's model-index calls its model StarCoderBase-3B; its results name no source, so they carry the card's.
    const stableCode = (await library.importHubRepo({ repo: 'stabilityai/stable-code-3b', revision: 'main' })).model;
    const card = `${hub.url}/stabilityai/stable-code-3b/blob/${hub.commitOf('stabilityai/stable-code-3b')}/README.md`;
    expect(stableCode).toMatchObject({ id: 'stable-code-3b', name: 'stable-code-3b', license: 'other' });
    expect(stableCode.results.map((result) => [result.benchmark, result.metric, result.value, result.source])).toEqual([
      ['MultiPL-HumanEval (Python)', 'pass@1', 32.4, card],
      ['MultiPL-HumanEval (C++)', 'pass@1', 30.9, card],
      ['MultiPL-HumanEval (Java)', 'pass@1', 32.1, card],
      ['MultiPL-HumanEval (JavaScript)', 'pass@1', 32.1, card],
      ['MultiPL-HumanEval (PHP)', 'pass@1', 24.2, card],
      ['MultiPL-HumanEval (Rust)', 'pass@1', 23, card],
    ]);
  });

  it('refuses a missing repo, a gated one without a token, a card or config that does not parse and a stalled hub, naming repo and file, writing nothing', async () => {
    const before = await count();
    const missing = await refusal(library.importHubRepo({ repo: 'nobody/nothing', revision: 'main' }));
    expect(missing).toMatchObject({ code: 'not_found' });
    expect(missing.message).toMatch(/'nobody\/nothing' does not exist/);
    const revision = await refusal(library.importHubRepo({ repo: 'deepseek-ai/DeepSeek-V2-Lite', revision: 'v9' }));
    expect(revision.message).toMatch(/revision 'v9' of deepseek-ai\/DeepSeek-V2-Lite does not exist/);
    const gated = await refusal(library.importHubRepo({ repo: 'meta-llama/Llama-3.1-8B-Instruct', revision: 'main' }));
    expect(gated).toMatchObject({ code: 'permission_denied', status: 403 });
    expect(gated.message).toMatch(
      /meta-llama\/Llama-3\.1-8B-Instruct is a gated repo: set HF_TOKEN .* to read config\.json of meta-llama\/Llama-3\.1-8B-Instruct@[0-9a-f]{40}/,
    );
    const card = await refusal(library.importHubRepo({ repo: 'someone/broken-card', revision: 'main' }));
    expect(card).toMatchObject({ code: 'invalid_request' });
    expect(card.message).toMatch(/^README\.md of someone\/broken-card@[0-9a-f]{40} is not a model card we can read: /);
    const config = await refusal(library.importHubRepo({ repo: 'someone/broken-config', revision: 'main' }));
    expect(config.message).toMatch(/^config\.json of someone\/broken-config@[0-9a-f]{40} is not valid JSON/);
    const stalled = await refusal(library.importHubRepo({ repo: 'someone/stalled', revision: 'main' }));
    expect(stalled).toMatchObject({ code: 'upstream_timeout' });
    expect(stalled.message).toMatch(/did not answer within 1 s for someone\/stalled@main/);
    const stalledFile = await refusal(library.importHubRepo({ repo: 'someone/stalled-config', revision: 'main' }));
    expect(stalledFile.message).toMatch(/did not answer within 1 s for config\.json of someone\/stalled-config@/);
    expect(await count()).toBe(before);
    for (const id of ['nothing', 'llama-3.1-8b-instruct', 'broken-card', 'broken-config', 'stalled', 'stalled-config']) {
      await expect(library.get(id)).rejects.toMatchObject({ code: 'not_found' });
    }
  });

  it('reads a gated repo with HF_TOKEN, sending it to the hub and never to the CDN', async () => {
    const withToken = new LibraryService(store, { sizer: plannerSizer, hub: new HubClient({ baseUrl: hub.url, token, timeoutMs: 1_000 }) });
    const { model } = await withToken.importHubRepo({ repo: 'meta-llama/Llama-3.1-8B-Instruct', revision: 'main' });
    expect(model).toMatchObject({ architecture: 'Dense', totalParams: 8_030_261_248, contextLength: 131_072 });
    const wrong = new LibraryService(store, {
      sizer: plannerSizer,
      hub: new HubClient({ baseUrl: hub.url, token: 'hf_not_this_one', timeoutMs: 1_000 }),
    });
    const refused = await refusal(wrong.importHubRepo({ repo: 'meta-llama/Llama-3.1-8B-Instruct', revision: 'main' }));
    expect(refused.message).toMatch(/the hub refused .*check HF_TOKEN/);
    expect(hub.requests.filter((request) => request.cdn && request.authorization)).toEqual([]);
    await library.deleteModel('llama-3.1-8b-instruct');
  });

  it('imports into a model created by hand: fills the fields left out, keeps the ones given', async () => {
    await library.createModel({ id: 'hand-made', name: 'Hand Made', publisher: 'Me', license: 'mine' });
    const { model, summary } = await library.importHubRepo({ repo: 'deepseek-ai/DeepSeek-V2-Lite', revision: 'main', id: 'hand-made' });
    expect(summary.kept).toEqual([{ field: 'name', source: 'admin API' }]);
    expect(model).toMatchObject({
      name: 'Hand Made',
      publisher: 'Me',
      license: 'mine',
      architecture: 'MoE',
      totalParams: deepseekV2Lite.total,
    });
    await library.deleteModel('hand-made');
  });

  it('re-imports: changed values replace the earlier ones, kept in the history with their source and date; hand edits stay', async () => {
    const repo = 'deepseek-ai/DeepSeek-V2-Lite';
    const first = hub.commitOf(repo);
    await library.updateModel('deepseek-v2-lite', { license: 'DeepSeek License (entered by hand)' });
    const config = JSON.parse(repos[repo].files['config.json'].bytes!.toString('utf8'));
    repos[repo].files['config.json'] = { bytes: Buffer.from(JSON.stringify({ ...config, max_position_embeddings: 32_768 }, null, 2)) };
    repos[repo].files['README.md'] = { bytes: Buffer.from('---\nlicense: other\nlicense_name: deepseek\n---\n# DeepSeek-V2-Lite\n') };
    const { model, summary } = await library.importHubRepo({ repo, revision: 'main' });
    expect(hub.commitOf(repo)).not.toBe(first);
    expect(summary.created).toBe(false);
    expect(summary.updated).toEqual(expect.arrayContaining(['contextLength', 'spec', 'description']));
    expect(summary.kept).toEqual([{ field: 'license', source: 'admin API' }]);
    expect(model).toMatchObject({
      contextLength: 32_768,
      license: 'DeepSeek License (entered by hand)',
      totalParams: deepseekV2Lite.total,
    });
    const history = await library.history('deepseek-v2-lite');
    const context = history.earlier.find((entry) => entry.field === 'contextLength');
    expect(context).toMatchObject({
      value: 163_840,
      source: `${hub.url}/${repo}/blob/${first}/config.json`,
      writtenAt: expect.any(Number),
    });
    expect(context!.replacedBy).toBe(`${hub.url}/${repo}/blob/${hub.commitOf(repo)}/config.json`);
    // The license was never imported: its earlier value (none) came with the card's first source, the repo at that commit.
    expect(history.earlier.find((entry) => entry.field === 'license')).toMatchObject({
      value: null,
      source: `${hub.url}/${repo}/tree/${first}`,
      replacedBy: 'admin API',
    });
    expect(history.fields.find((field) => field.field === 'license')).toMatchObject({ manual: true, source: 'admin API' });
    expect(history.fields.find((field) => field.field === 'contextLength')).toMatchObject({
      manual: false,
      source: `${hub.url}/${repo}/blob/${hub.commitOf(repo)}/config.json`,
    });
    // The same commit again changes nothing and adds no history.
    const again = await library.importHubRepo({ repo, revision: hub.commitOf(repo) });
    expect(again.summary.updated).toEqual([]);
    expect((await library.history('deepseek-v2-lite')).earlier).toHaveLength(history.earlier.length);
  });

  it('imports over a seeded card whose planner architecture file is merged into spec, and a second import changes nothing', async () => {
    await library.importBundle(readSeedBundle());
    const { summary } = await library.importHubRepo({ repo: 'Qwen/Qwen2.5-72B-Instruct', revision: 'main' });
    expect(summary.updated).toEqual(['totalParams', 'activatedParams', 'contextLength', 'spec']);
    const history = await library.history('qwen2.5-72b-instruct');
    expect(history.earlier.find((entry) => entry.field === 'totalParams')).toMatchObject({
      value: 72e9,
      source: 'https://github.com/deepseek-ai/DeepSeek-V3',
    });
    const again = await library.importHubRepo({ repo: 'Qwen/Qwen2.5-72B-Instruct', revision: 'main' });
    expect(again.summary.updated).toEqual([]);
    expect((await library.history('qwen2.5-72b-instruct')).earlier).toHaveLength(history.earlier.length);
  });
});
