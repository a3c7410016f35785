import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKey, startApp, type TestApp } from '../support/start-app.js';
import { seededModels } from '../support/seeded-models.js';

const admin = { authorization: `Bearer ${adminKey}` };

describe('library API', () => {
  let server: TestApp;
  let app: FastifyInstance;
  beforeAll(async () => {
    server = await startApp({ config: { seedLibrary: true } });
    app = server.app;
  });
  afterAll(async () => {
    await server.stop();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('seeds on first start and serves the card publicly, in camelCase', async () => {
    const response = await get('/api/models/deepseek-v3');
    expect(response.statusCode).toBe(200);
    const model = response.json();
    expect(model).toMatchObject({
      id: 'deepseek-v3',
      architecture: 'MoE',
      totalParams: 671e9,
      activatedParams: 37e9,
      contextLength: 131072,
      openWeights: true,
      pricing: { inputPerMillion: 0.27, outputPerMillion: 1.1 },
    });
    expect(model.results[0]).toEqual({
      id: expect.any(Number),
      benchmark: 'MMLU',
      benchmarkId: 'chat-mmlu-em',
      category: 'English',
      metric: 'EM',
      shots: null,
      suite: 'chat',
      direction: 'higher',
      value: 88.5,
      setting: '',
      source: 'https://github.com/deepseek-ai/DeepSeek-V3',
    });
    expect(model.variants).toEqual([{ id: 'deepseek-v3-base', name: 'DeepSeek-V3-Base', variant: 'Base' }]);
  });

  it('searches with query parameters, facets and a benchmark sort', async () => {
    const response = await get('/api/models?q=instruct&publisher=Meta,Qwen&sort=benchmark:open-ended-arena-hard-win-rate&pageSize=5');
    expect(response.statusCode).toBe(200);
    const page = response.json();
    expect(page.items.map((item: { id: string; score: number }) => [item.id, item.score])).toEqual([
      ['qwen2.5-72b-instruct', 81.2],
      ['llama-3.1-405b-instruct', 69.3],
    ]);
    expect(page.facets.publisher).toEqual([
      { value: 'Meta', count: 1 },
      { value: 'Qwen', count: 1 },
    ]);
    const repeated = await get('/api/models?architecture=MoE&architecture=Dense&facets=false');
    // Every model but the two API-only ones of the seed, whose architecture is unpublished.
    const { seed, catalog } = seededModels();
    expect(repeated.json()).toMatchObject({ total: seed.length - 2 + catalog.length });
    expect(repeated.json().facets).toBeUndefined();
  });

  it('answers malformed query strings with 400 listing every field, and clamps huge page sizes', async () => {
    const bad = await get('/api/models?page=abc&minContext=-5&architecture=Transformer&sort=random&openWeights=maybe');
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.details.map((detail: { path: string }) => detail.path)
        .sort(),
    ).toEqual(['query.architecture.0', 'query.minContext', 'query.openWeights', 'query.page', 'query.sort']);
    const huge = await get('/api/models?pageSize=99999999999');
    expect(huge.statusCode).toBe(200);
    expect(huge.json().pageSize).toBe(100);
    expect((await get('/api/models?q=%E0%A4%A')).statusCode).toBeLessThan(500);
    expect((await get('/api/models?q=x&q=y')).statusCode).toBe(400);
  });

  it('answers injection-shaped search text safely', async () => {
    for (const q of [`'; DROP TABLE models; --`, '"', '*', 'NEAR(a b)', 'a" OR "b', '🤗 модель', "\\'"]) {
      const response = await get(`/api/models?q=${encodeURIComponent(q)}`);
      expect(response.statusCode, q).toBe(200);
    }
    const { seed, catalog } = seededModels();
    expect((await get('/api/models')).json().total).toBe(seed.length + catalog.length);
  });

  it('compares, lists benchmarks and ranks a leaderboard', async () => {
    const compare = await get('/api/compare?models=deepseek-v3,qwen2.5-72b-instruct,llama-3.1-405b-instruct');
    expect(compare.statusCode).toBe(200);
    expect(compare.json().rows[0]).toMatchObject({ benchmark: 'MMLU', values: [88.5, 85.3, 88.6], best: [true, false, true] });
    expect((await get('/api/compare?models=deepseek-v3')).statusCode).toBe(400);
    expect((await get('/api/compare?models=deepseek-v3,nope')).statusCode).toBe(404);
    const benchmarks = (await get('/api/benchmarks?suite=open-ended')).json();
    expect(benchmarks.data.map((benchmark: { name: string; results: number }) => [benchmark.name, benchmark.results])).toEqual([
      ['AlpacaEval 2.0', 6],
      ['Arena-Hard', 6],
    ]);
    const board = (await get('/api/benchmarks/base-pile-test-bpb/leaderboard?limit=2')).json();
    expect(board.entries.map((entry: { model: { id: string }; value: number }) => [entry.model.id, entry.value])).toEqual([
      ['llama-3.1-405b', 0.542],
      ['deepseek-v3-base', 0.548],
    ]);
  });

  it('answers 404 for unknown ids', async () => {
    for (const url of ['/api/models/nope', '/api/benchmarks/nope', '/api/benchmarks/nope/leaderboard']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    const patch = await app.inject({ method: 'PATCH', url: '/api/models/nope', headers: admin, payload: { name: 'x' } });
    expect(patch.statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/results/999999', headers: admin })).statusCode).toBe(404);
  });

  it('routes ids of the longest allowed length (128) to their handler, not to the catch-all', async () => {
    const longest = `m${'x'.repeat(127)}`;
    const response = await get(`/api/models/${longest}`);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.message).toBe(`Model '${longest}' does not exist`);
  });

  it('needs the admin key for writes', async () => {
    const body = { id: 'keyless', name: 'Keyless', publisher: 'p' };
    expect((await app.inject({ method: 'POST', url: '/api/models', payload: body })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/api/models', payload: body, headers: { authorization: 'Bearer wrong-key-wrong-key' } }))
        .statusCode,
    ).toBe(401);
    expect((await app.inject({ method: 'DELETE', url: '/api/models/deepseek-v3' })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/api/import', payload: { kind: 'config-json', id: 'x', content: '{}' } })).statusCode,
    ).toBe(401);
    expect((await get('/api/models/deepseek-v3')).statusCode).toBe(200);
  });

  it('creates, changes and deletes models, benchmarks and results; 400 lists every bad field', async () => {
    const invalid = await app.inject({
      method: 'POST',
      url: '/api/models',
      headers: admin,
      payload: { id: 'Bad Id', name: '', totalParams: 'many', openWeights: 'yes', extra: 1 },
    });
    expect(invalid.statusCode).toBe(400);
    expect(
      invalid
        .json()
        .error.details.map((detail: { path: string }) => detail.path)
        .sort(),
    ).toEqual(['body', 'body.id', 'body.name', 'body.openWeights', 'body.publisher', 'body.totalParams']);
    const created = await app.inject({
      method: 'POST',
      url: '/api/models',
      headers: admin,
      payload: { id: 'api-model', name: 'API Model', publisher: 'Tests', architecture: 'Dense', totalParams: 7e9 },
    });
    expect(created.statusCode).toBe(201);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/models',
          headers: admin,
          payload: { id: 'api-model', name: 'Again', publisher: 'Tests' },
        })
      ).statusCode,
    ).toBe(400);
    const benchmark = await app.inject({
      method: 'POST',
      url: '/api/benchmarks',
      headers: admin,
      payload: { name: 'API Bench', metric: 'Acc.', shots: 5, suite: 'base', category: 'English' },
    });
    expect(benchmark.statusCode).toBe(201);
    const result = await app.inject({
      method: 'POST',
      url: '/api/models/api-model/results',
      headers: admin,
      payload: { benchmark: benchmark.json().id, value: 71.5 },
    });
    expect(result.statusCode).toBe(201);
    const patched = await app.inject({ method: 'PATCH', url: `/api/results/${result.json().id}`, headers: admin, payload: { value: 72 } });
    expect(patched.json().value).toBe(72);
    const model = await app.inject({
      method: 'PATCH',
      url: '/api/models/api-model',
      headers: admin,
      payload: { contextLength: 8192, pricing: { inputPerMillion: 0.1, outputPerMillion: 0.2 } },
    });
    expect(model.json()).toMatchObject({
      contextLength: 8192,
      pricing: { inputPerMillion: 0.1, outputPerMillion: 0.2 },
      results: [{ value: 72 }],
    });
    expect((await app.inject({ method: 'DELETE', url: `/api/benchmarks/${benchmark.json().id}`, headers: admin })).statusCode).toBe(204);
    expect((await get('/api/models/api-model')).json().results).toEqual([]);
    expect((await app.inject({ method: 'DELETE', url: '/api/models/api-model', headers: admin })).statusCode).toBe(204);
    expect((await get('/api/models/api-model')).statusCode).toBe(404);
  });

  it('imports a config.json (400 for a broken one); a failed update leaves the model as it was', async () => {
    const config = fs.readFileSync(new URL('./fixtures/qwen2.5-72b-instruct.config.json', import.meta.url), 'utf8');
    const imported = await app.inject({
      method: 'POST',
      url: '/api/import',
      headers: admin,
      payload: { kind: 'config-json', id: 'qwen-import', name: 'Qwen import', publisher: 'Qwen', content: config },
    });
    expect(imported.statusCode).toBe(201);
    expect(imported.json()).toMatchObject({
      id: 'qwen-import',
      architecture: 'Dense',
      contextLength: 32768,
      spec: { hidden_size: 8192, num_hidden_layers: 80 },
    });
    const broken = await app.inject({
      method: 'POST',
      url: '/api/import',
      headers: admin,
      payload: { kind: 'config-json', id: 'qwen-import', content: '{"unterminated' },
    });
    expect(broken.statusCode).toBe(400);
    const badKind = await app.inject({ method: 'POST', url: '/api/import', headers: admin, payload: { kind: 'pdf', content: 'x' } });
    expect(badKind.statusCode).toBe(400);
    const failedUpdate = await app.inject({
      method: 'PATCH',
      url: '/api/models/deepseek-v3',
      headers: admin,
      payload: {
        name: 'Renamed',
        results: [
          { benchmark: 'chat-mmlu-em', value: 1 },
          { benchmark: 'missing-benchmark', value: 2 },
        ],
      },
    });
    expect(failedUpdate.statusCode).toBe(400);
    const unchanged = (await get('/api/models/deepseek-v3')).json();
    expect(unchanged.name).toBe('DeepSeek-V3');
    expect(unchanged.results).toHaveLength(24);
  });

  it('documents the library routes and response shapes in the OpenAPI document', async () => {
    const document = (await get('/api/openapi.json')).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/models',
        '/api/models/{id}',
        '/api/compare',
        '/api/benchmarks',
        '/api/benchmarks/{id}/leaderboard',
        '/api/import',
        '/api/models/{id}/history',
      ]),
    );
    const importBody = document.paths['/api/import'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(importBody)).toContain('hf-repo');
    const modelResponse = document.paths['/api/models/{id}'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(modelResponse.properties)).toEqual(
      expect.arrayContaining(['totalParams', 'contextLength', 'results', 'variants', 'downloads', 'attention', 'spec', 'pricing']),
    );
  });
});
