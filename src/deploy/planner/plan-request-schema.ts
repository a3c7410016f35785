import { z } from 'zod';
import { weightDtypes } from './architecture-spec.js';
import { engineNames } from './engine-name.js';
import { gpuCatalog } from './gpu-catalog.js';
import { kvDtypeBytes, type KvDtype } from './weight-bytes.js';

const count = z.coerce.number().int().positive();

/**
 * The planner's options as the API takes them (body of `POST /api/plan`, query of `GET /api/plan`).
 *
 * @example planOptionsSchema.parse({ model: 'deepseek-v3', gpu: 'h200', dtype: 'fp8' })
 */
export const planOptionsSchema = z.object({
  model: z.string().min(1).optional().describe('Library model id (its spec, or data/architectures/<id>.yaml)'),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('A config.json, DeepSeek config, GGUF metadata map or our own architecture format'),
  gpu: z.enum(gpuCatalog.map((gpu) => gpu.id) as [string, ...string[]]).default('h100'),
  dtype: z.enum(weightDtypes).optional(),
  kvDtype: z.enum(Object.keys(kvDtypeBytes) as [KvDtype, ...KvDtype[]]).optional(),
  context: count.optional(),
  concurrency: count.optional(),
  engine: z.enum(engineNames).optional(),
  gpus: count.optional().describe('Pin the GPU count instead of searching the fewest'),
});

export type PlanOptions = z.output<typeof planOptionsSchema>;

/** `/api/plan` and `devup plan`: the planner's options, and the address the launch command binds the engine to. */
export const planRequestSchema = planOptionsSchema.extend({
  host: z
    .string()
    .min(1)
    .max(253)
    .optional()
    .describe("Address the engine binds in the launch command: 127.0.0.1 (default; the gateway's keys do not guard the engine) or 0.0.0.0"),
});

export type PlanRequest = z.output<typeof planRequestSchema>;
