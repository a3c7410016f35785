import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRoutes } from '../../src/deploy/planner/plan-routes.js';
import { ApiRouter } from '../../src/http/api-router.js';
import { installErrorHandler } from '../../src/server/error-handler.js';
import { OpenApiRegistry } from '../../src/http/openapi.js';
import type { AppServices } from '../../src/server/services.js';
import type { Store } from '../../src/store/database.js';
import { dialects, openTestStore } from '../support/stores.js';
import { referenceJson } from './planner-support.js';

describe.each(dialects)('/api/plan over %s', (dialect) => {
  let store: Store;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    app = Fastify();
    installErrorHandler(app);
    planRoutes({ app, router: new ApiRouter(app, new OpenApiRegistry()), services: { store } as AppServices });
    await app.ready();
    const now = Date.now();
    const row = {
      name: 'x',
      publisher: 'Test',
      family: null,
      variant: null,
      description: '',
      architecture: 'Dense' as const,
      total_params: null,
      activated_params: null,
      context_length: null,
      license: null,
      open_weights: 1,
      release_date: null,
      tags: '[]',
      links: '[]',
      notes: '[]',
      pricing: null,
      source: null,
      created_at: now,
      updated_at: now,
    };
    // An imported model whose spec is the config.json it came from, and one without a spec.
    await store.db
      .insertInto('models')
      .values([
        { ...row, id: 'llama-8b-import', spec: JSON.stringify(referenceJson('configs/Llama-3.1-8B-Instruct.json')) },
        { ...row, id: 'no-spec', spec: null },
      ])
      .execute();
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('POST plans a seeded model with its launch command', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/plan', payload: { model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8' } });
    expect(response.statusCode).toBe(200);
    const plan = response.json();
    expect(plan).toMatchObject({ kvBytesPerToken: 70_272, gpuCount: 8, nodes: 1, gpusPerNode: 8, tensorParallel: 8, fits: true });
    expect(plan.recipe.nodes[0].argv).toContain('--tensor-parallel-size');
    expect(plan.recipe.shell.join('\n')).toContain('--host 127.0.0.1 ');
  });

  it('binds the launch command to the host asked for', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/plan?model=deepseek-v3&gpu=h200&engine=sglang&host=10.0.0.5' });
    expect(response.statusCode).toBe(200);
    expect(response.json().recipe.shell.join('\n')).toContain('--host 10.0.0.5 ');
  });

  it('GET plans a library model from its spec column', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/plan?model=llama-8b-import&gpu=l40s&context=8192&concurrency=4' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ model: 'llama-8b-import', kvBytesPerToken: 131_072, gpuCount: 1, concurrency: 4, fits: true });
  });

  it('POST plans an inline config.json', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/plan',
      payload: { config: referenceJson('configs/Qwen3-30B-A3B.json'), gpu: 'h100', engine: 'sglang' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ family: 'qwen3_moe', engine: 'sglang', gpuCount: 1 });
  });

  it('answers 400 with every bad field, and names a config’s missing fields', async () => {
    const invalid = await app.inject({ method: 'POST', url: '/api/plan', payload: { model: 'deepseek-v3', gpu: 'tpu', context: -1 } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.details.map((detail: { path: string }) => detail.path)).toEqual(['body.gpu', 'body.context']);
    const config = referenceJson('configs/Llama-3.1-8B-Instruct.json');
    delete config.num_hidden_layers;
    const missing = await app.inject({ method: 'POST', url: '/api/plan', payload: { config } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'invalid_request', param: 'num_hidden_layers' });
  });

  it('answers 404 for an unknown model and 400 for a model without architecture', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/plan?model=nothing-here' })).statusCode).toBe(404);
    const noSpec = await app.inject({ method: 'GET', url: '/api/plan?model=no-spec' });
    expect(noSpec.statusCode).toBe(400);
    expect(noSpec.json().error.message).toContain('--config');
  });

  it('reports a plan that cannot fit with its shortfall and no recipe', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/plan', payload: { model: 'llama-3.1-405b', gpu: 'rtx-4090', gpus: 4 } });
    expect(response.statusCode).toBe(200);
    const plan = response.json();
    expect(plan.fits).toBe(false);
    expect(plan.recipe).toBeNull();
    expect(plan.shortfall.bytes).toBeGreaterThan(700e9);
    expect(plan.alternatives.length).toBeGreaterThan(0);
  });
});
