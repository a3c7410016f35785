import { z } from 'zod';
import { architectureSchema, directionSchema, linkSchema, pricingSchema, suiteSchema } from './model-input.js';

/**
 * The JSON shapes the library answers with (camelCase). The UI, the gateway (`pricing`) and the
 * planner (`spec`) read these; the zod schemas document them in `/api/openapi.json`.
 */
export const benchmarkSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  metric: z.string(),
  shots: z.number().int().nullable(),
  direction: directionSchema,
  suite: suiteSchema,
  description: z.string().nullable(),
});

export const resultSchema = z.object({
  id: z.number().int(),
  benchmark: z.string().describe('Benchmark name, e.g. "MMLU"'),
  benchmarkId: z.string(),
  category: z.string(),
  metric: z.string(),
  shots: z.number().int().nullable(),
  suite: suiteSchema,
  direction: directionSchema,
  value: z.number(),
  setting: z.string(),
  source: z.string().nullable(),
});

export const niahResultSchema = z.object({
  contextLength: z.number().int(),
  depthPercent: z.number(),
  score: z.number(),
  source: z.string().nullable(),
});

export const modelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  publisher: z.string(),
  family: z.string().nullable(),
  variant: z.string().nullable(),
  architecture: architectureSchema,
  totalParams: z.number().nullable().describe('Parameter count, 671e9 for 671B; null when unpublished'),
  activatedParams: z.number().nullable(),
  contextLength: z.number().int().nullable().describe('Tokens, 131072 for 128K'),
  license: z.string().nullable(),
  openWeights: z.boolean(),
  releaseDate: z.string().nullable().describe('YYYY-MM-DD'),
  tags: z.array(z.string()),
  pricing: pricingSchema.nullable(),
});

export const modelDownloadSchema = z.object({
  repo: z.string().describe('Hub repository the files are in'),
  revision: z.string().describe('Commit the file list was read at'),
  label: z.string().describe('Quantization (Q4_K_M, Q8_0…) or checkpoint dtype (BF16, FP8…)'),
  format: z.enum(['gguf', 'safetensors']),
  bytes: z.number().describe('All files together'),
  files: z.array(z.object({ path: z.string(), bytes: z.number(), sha256: z.string().optional() })).describe('A split set in part order'),
  memory: z
    .object({
      context: z.number().int().describe('Tokens of the one sequence sized'),
      ramBytes: z.number().nullable().describe('Running on CPU (llama.cpp); null where the engine needs a GPU'),
      vramBytes: z.number().describe('Running on one GPU'),
    })
    .nullable()
    .describe("The planner's estimate: weights, 16-bit KV cache at `context`, compute buffers (and the GPU runtime)"),
});

export const modelSchema = modelSummarySchema.extend({
  description: z.string().describe('Markdown'),
  links: z.array(linkSchema),
  notes: z.array(z.string()),
  spec: z.record(z.string(), z.unknown()).nullable().describe('Architecture parameters for the planner'),
  attention: z
    .enum(['MHA', 'GQA', 'MQA', 'MLA'])
    .nullable()
    .describe('The attention kind the planner reads from `spec`; null when it cannot read it'),
  source: z.string().nullable(),
  results: z.array(resultSchema),
  niah: z.array(niahResultSchema),
  variants: z
    .array(z.object({ id: z.string(), name: z.string(), variant: z.string().nullable() }))
    .describe('Other models of the same family'),
  downloads: z
    .array(modelDownloadSchema)
    .describe('Download variants from hub imports: one per GGUF quantization or safetensors checkpoint'),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export const modelHistorySchema = z.object({
  fields: z
    .array(z.object({ field: z.string(), source: z.string(), writtenAt: z.number(), manual: z.boolean() }))
    .describe('Where each recorded field came from; manual ones were entered through the admin API and imports keep them'),
  earlier: z
    .array(
      z.object({
        field: z.string(),
        value: z.unknown().describe('The value before it was replaced'),
        source: z.string().nullable().describe('Where that value came from'),
        writtenAt: z.number().nullable().describe('When that value was written (epoch ms)'),
        replacedAt: z.number(),
        replacedBy: z.string().describe('Source of the value that replaced it'),
      }),
    )
    .describe('Earlier values, newest replacement first'),
});

export const importSummarySchema = z.object({
  created: z.boolean(),
  updated: z.array(z.string()).describe('Fields the import changed (their earlier values are in the history)'),
  kept: z.array(z.object({ field: z.string(), source: z.string() })).describe('Fields entered by hand that the import left as they were'),
  variants: z.number().int().describe('Download variants written'),
  warnings: z.array(z.string()),
});

const facetSchema = z.array(z.object({ value: z.string(), count: z.number().int() }));
export const facetsSchema = z.object({ publisher: facetSchema, architecture: facetSchema, license: facetSchema, openWeights: facetSchema });

export const searchPageSchema = z.object({
  items: z.array(modelSummarySchema.extend({ score: z.number().nullable().describe('Value of the sort benchmark, when sorting by one') })),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  facets: facetsSchema.optional(),
});

export const comparisonSchema = z.object({
  models: z.array(modelSummarySchema),
  rows: z.array(
    z.object({
      benchmark: z.string(),
      benchmarkIds: z.array(z.string()),
      category: z.string(),
      metric: z.string(),
      shots: z.number().int().nullable(),
      setting: z.string(),
      direction: directionSchema,
      values: z.array(z.number().nullable()).describe('One cell per model, in `models` order; null where missing'),
      best: z.array(z.boolean()).describe('Best value, or within 0.3 of it (the same level)'),
    }),
  ),
  categories: z.array(
    z.object({
      category: z.string(),
      benchmarks: z.number().int(),
      wins: z.array(z.number().int()).describe('Rows where each model is at the best level'),
      averages: z.array(z.number().nullable()).describe('Mean over the category rows every model has (higher-is-better rows only)'),
    }),
  ),
});

export type Benchmark = z.infer<typeof benchmarkSchema>;
export type Result = z.infer<typeof resultSchema>;
export type NiahResult = z.infer<typeof niahResultSchema>;
export type ModelSummary = z.infer<typeof modelSummarySchema>;
export type Model = z.infer<typeof modelSchema>;
export type ModelDownload = z.infer<typeof modelDownloadSchema>;
export type ModelHistory = z.infer<typeof modelHistorySchema>;
export type Facets = z.infer<typeof facetsSchema>;
export type SearchPage = z.infer<typeof searchPageSchema>;
export type Comparison = z.infer<typeof comparisonSchema>;
