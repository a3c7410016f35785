import { z } from 'zod';
import { architectureSchema } from './model-input.js';

export const maxPageSize = 100;

/** `a,b` or repeated `key=a&key=b` in a query string; trimmed, empty parts dropped. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => {
    const parts = (Array.isArray(value) ? value : [value]).flatMap((part) => (typeof part === 'string' ? part.split(',') : [part]));
    const kept = parts.map((part) => (typeof part === 'string' ? part.trim() : part)).filter((part) => part !== '' && part !== undefined);
    return kept.length > 0 ? kept : undefined;
  }, z.array(item).max(50).optional());

const count = z.coerce.number().finite().nonnegative().optional();
const booleanText = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const sortSchema = z.union([
  z.enum(['relevance', 'name', 'params', 'activatedParams', 'context', 'released']),
  z
    .string()
    .regex(/^benchmark:[a-z0-9][a-z0-9._-]{0,127}$/, 'must be relevance, name, params, activatedParams, context, released or benchmark:ID'),
]);

/**
 * What a library search asks for. Used by `GET /api/models` (query string), the service and the CLI.
 *
 * @example searchQuerySchema.parse({ q: 'mixture of experts', architecture: 'MoE', minContext: '131072', sort: 'benchmark:chat-mmlu-em' })
 */
export const searchQuerySchema = z
  .object({
    q: z.string().max(500).optional().describe('Full-text search over name, publisher, description and tags'),
    publisher: list(z.string().max(100)),
    architecture: list(architectureSchema),
    license: list(z.string().max(200)),
    openWeights: z.union([z.boolean(), booleanText]).optional(),
    minTotalParams: count,
    maxTotalParams: count,
    minActivatedParams: count,
    maxActivatedParams: count,
    minContext: count.describe('Minimum context length in tokens'),
    hasResultsFor: list(z.string().max(128)).describe('Benchmark ids the model must have results for'),
    sort: sortSchema
      .optional()
      .describe('relevance (default with q), name (default), params, activatedParams, context, released, or benchmark:ID'),
    order: z.enum(['asc', 'desc']).optional().describe('Default: the natural order of the sort (best first for benchmarks)'),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce
      .number()
      .int()
      .min(1)
      .default(20)
      .transform((size) => Math.min(size, maxPageSize))
      .describe(`Clamped to ${maxPageSize}`),
  })
  .strip();

export type SearchQuery = z.output<typeof searchQuerySchema>;
export type SearchQueryInput = z.input<typeof searchQuerySchema>;
