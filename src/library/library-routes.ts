import { z } from 'zod';
import type { RouteModule } from '../http/route-module.js';
import type { LibraryService } from './library-service.js';
import { benchmarkPatchSchema, resultPatchSchema } from './benchmark-catalog.js';
import { importDocumentSchema } from './importers/import-document.js';
import {
  benchmarkSchema,
  comparisonSchema,
  importSummarySchema,
  modelHistorySchema,
  modelSchema,
  resultSchema,
  searchPageSchema,
} from './library-shapes.js';
import { benchmarkInputSchema, modelCreateSchema, modelPatchSchema, resultInputSchema, slugSchema, suiteSchema } from './model-input.js';
import { searchQuerySchema } from './search-query.js';

const idParams = z.object({ id: z.string().min(1).max(200) });
const resultIdParams = z.object({ id: z.coerce.number().int().positive() });
const tags = ['library'];

/**
 * `/api` routes of the Model Library: public reads (search, cards, compare, benchmarks,
 * leaderboards) and admin writes (models, benchmarks, results, imports).
 */
export const libraryRoutes: RouteModule<{ library: LibraryService }> = ({ router, services }) => {
  const library = services.library;

  router.route({
    method: 'GET',
    url: '/api/models',
    summary: 'Search the library',
    tags,
    auth: 'public',
    query: searchQuerySchema.extend({
      facets: z.enum(['true', 'false', '1', '0']).optional().describe('Include facet counts (default true)'),
    }),
    response: searchPageSchema,
    handler: async ({ query }) => {
      const { facets, ...search } = query;
      const [page, counts] = await Promise.all([
        library.search(search),
        facets === 'false' || facets === '0' ? undefined : library.facets(search),
      ]);
      return { ...page, ...(counts ? { facets: counts } : {}) };
    },
  });
  router.route({
    method: 'GET',
    url: '/api/models/:id',
    summary: 'Read a model card',
    tags,
    auth: 'public',
    params: idParams,
    response: modelSchema,
    handler: ({ params }) => library.get(params.id),
  });
  router.route({
    method: 'GET',
    url: '/api/models/:id/history',
    summary: "A model's field origins and the earlier values imports and edits replaced",
    tags,
    auth: 'public',
    params: idParams,
    response: modelHistorySchema,
    handler: ({ params }) => library.history(params.id),
  });
  router.route({
    method: 'GET',
    url: '/api/compare',
    summary: 'Compare 2–8 models over their shared benchmarks',
    tags,
    auth: 'public',
    query: z.object({ models: z.string().min(1).max(2000).describe('Comma-separated model ids') }),
    response: comparisonSchema,
    handler: ({ query }) =>
      library.compare(
        query.models
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
  });
  router.route({
    method: 'GET',
    url: '/api/benchmarks',
    summary: 'List benchmarks with their result counts',
    tags,
    auth: 'public',
    query: z.object({ suite: suiteSchema.optional(), category: z.string().max(100).optional() }),
    response: z.object({ data: z.array(benchmarkSchema.extend({ results: z.number().int() })) }),
    handler: async ({ query }) => ({ data: await library.benchmarks.list(query) }),
  });
  router.route({
    method: 'GET',
    url: '/api/benchmarks/:id',
    summary: 'Read a benchmark',
    tags,
    auth: 'public',
    params: idParams,
    response: benchmarkSchema,
    handler: ({ params }) => library.benchmarks.get(params.id),
  });
  router.route({
    method: 'GET',
    url: '/api/benchmarks/:id/leaderboard',
    summary: 'Models ranked by one benchmark (best first)',
    tags,
    auth: 'public',
    params: idParams,
    query: z.object({
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .default(50)
        .transform((limit) => Math.min(limit, 500)),
    }),
    handler: ({ params, query }) => library.benchmarks.leaderboard(params.id, query.limit),
  });

  router.route({
    method: 'POST',
    url: '/api/models',
    summary: 'Create a model (its given fields count as entered by hand)',
    tags,
    status: 201,
    body: modelCreateSchema,
    response: modelSchema,
    handler: ({ body }) => library.createModel(body),
  });
  router.route({
    method: 'PATCH',
    url: '/api/models/:id',
    summary: 'Change a model (results/niah, when given, replace the lists)',
    tags,
    params: idParams,
    body: modelPatchSchema,
    response: modelSchema,
    handler: ({ params, body }) => library.updateModel(params.id, body),
  });
  router.route({
    method: 'DELETE',
    url: '/api/models/:id',
    summary: 'Delete a model and its results',
    tags,
    status: 204,
    params: idParams,
    handler: ({ params }) => library.deleteModel(params.id),
  });

  router.route({
    method: 'POST',
    url: '/api/benchmarks',
    summary: 'Create a benchmark',
    tags,
    status: 201,
    body: benchmarkInputSchema,
    response: benchmarkSchema,
    handler: ({ body }) => library.benchmarks.create(body),
  });
  router.route({
    method: 'PATCH',
    url: '/api/benchmarks/:id',
    summary: 'Change a benchmark',
    tags,
    params: idParams,
    body: benchmarkPatchSchema,
    response: benchmarkSchema,
    handler: ({ params, body }) => library.benchmarks.update(params.id, body),
  });
  router.route({
    method: 'DELETE',
    url: '/api/benchmarks/:id',
    summary: 'Delete a benchmark and its results',
    tags,
    status: 204,
    params: idParams,
    handler: ({ params }) => library.benchmarks.delete(params.id),
  });

  router.route({
    method: 'POST',
    url: '/api/models/:id/results',
    summary: 'Add a result (replaces the same benchmark and setting)',
    tags,
    status: 201,
    params: idParams,
    body: resultInputSchema.extend({ benchmark: slugSchema }),
    response: resultSchema,
    handler: ({ params, body }) => library.benchmarks.addResult(params.id, body),
  });
  router.route({
    method: 'PATCH',
    url: '/api/results/:id',
    summary: 'Change a result',
    tags,
    params: resultIdParams,
    body: resultPatchSchema,
    response: resultSchema,
    handler: ({ params, body }) => library.benchmarks.updateResult(params.id, body),
  });
  router.route({
    method: 'DELETE',
    url: '/api/results/:id',
    summary: 'Delete a result',
    tags,
    status: 204,
    params: resultIdParams,
    handler: ({ params }) => library.benchmarks.deleteResult(params.id),
  });

  router.route({
    method: 'POST',
    url: '/api/import',
    summary: 'Import a Hugging Face hub repo, model card or config.json (merged over an existing card; hand-entered fields kept)',
    tags,
    status: 201,
    body: importDocumentSchema,
    response: modelSchema.extend({ import: importSummarySchema }),
    handler: async ({ body }) => {
      const { model, summary } = await library.importDocument(body);
      return { ...model, import: summary };
    },
  });
};
