import { z } from 'zod';

/**
 * The one input shape every path into the library produces: seed files, Hugging Face model
 * cards, `config.json`, GGUF headers and the admin API all become a `ModelInput` (or a
 * `LibraryBundle` of several), validated here and written by `writeBundle` in one transaction.
 *
 * @example
 *   modelInputSchema.parse({ id: 'tiny-llama', name: 'Tiny Llama', publisher: 'Me', architecture: 'Dense',
 *     totalParams: 1.1e9, results: [{ benchmark: { name: 'MMLU', metric: 'Acc.', shots: 5, suite: 'base' }, value: 25.3 }] })
 */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'must be 1-128 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit');

export const suiteSchema = z.enum(['base', 'chat', 'open-ended']);
export const directionSchema = z.enum(['higher', 'lower']);
export const architectureSchema = z.enum(['MoE', 'Dense', 'unknown']);

const parameterCount = z.number().positive().max(1e15).nullable();

export const pricingSchema = z
  .object({
    inputPerMillion: z.number().nonnegative().describe('USD per million input tokens'),
    outputPerMillion: z.number().nonnegative().describe('USD per million output tokens'),
  })
  .strict();

export const linkSchema = z.object({ label: z.string().min(1).max(100), url: z.url({ protocol: /^https?$/ }) }).strict();

/** A benchmark named by what identifies it, for importers that do not know our ids. */
export const benchmarkDescriptorSchema = z
  .object({
    name: z.string().min(1).max(200),
    metric: z.string().min(1).max(100),
    shots: z.number().int().min(0).max(1000).nullable().default(null),
    suite: suiteSchema.default('base'),
    category: z.string().min(1).max(100).default('Other'),
    direction: directionSchema.optional(),
    description: z.string().max(10_000).nullable().optional(),
  })
  .strict();

export const benchmarkInputSchema = benchmarkDescriptorSchema.extend({ id: slugSchema.optional() });

export const resultInputSchema = z
  .object({
    /**
     * A benchmark id, or a descriptor resolved to (and if needed creating) a benchmark; a created
     * one takes the descriptor's `id` when given and free (an exported card importing back).
     */
    benchmark: z.union([slugSchema, benchmarkInputSchema]),
    value: z.number().finite(),
    setting: z.string().max(100).default(''),
    source: z.string().max(2000).nullable().optional(),
  })
  .strict();

export const niahInputSchema = z
  .object({
    contextLength: z.number().int().positive(),
    depthPercent: z.number().min(0).max(100),
    score: z.number().finite(),
    source: z.string().max(2000).nullable().optional(),
  })
  .strict();

const modelFields = {
  name: z.string().min(1).max(200),
  publisher: z.string().min(1).max(100),
  family: z.string().max(200).nullable(),
  variant: z.string().max(100).nullable(),
  description: z.string().max(200_000),
  architecture: architectureSchema,
  totalParams: parameterCount,
  activatedParams: parameterCount,
  contextLength: z.number().int().positive().max(1e9).nullable(),
  license: z.string().max(200).nullable(),
  openWeights: z.boolean(),
  releaseDate: z.iso.date().nullable(),
  tags: z.array(z.string().min(1).max(64)).max(100),
  links: z.array(linkSchema).max(50),
  notes: z.array(z.string().min(1).max(5000)).max(50),
  /** Architecture parameters for the planner; `data/architectures/<id>.yaml` is merged over it. */
  spec: z.record(z.string(), z.unknown()).nullable(),
  pricing: pricingSchema.nullable(),
  source: z.string().max(2000).nullable(),
  results: z.array(resultInputSchema).max(10_000),
  niah: z.array(niahInputSchema).max(10_000),
};

const activatedWithinTotal = (model: { totalParams?: number | null; activatedParams?: number | null }) =>
  model.totalParams == null || model.activatedParams == null || model.activatedParams <= model.totalParams;
const activatedIssue = { message: 'activatedParams cannot exceed totalParams', path: ['activatedParams'] };

export const modelInputSchema = z
  .object({
    id: slugSchema,
    ...modelFields,
    family: modelFields.family.default(null),
    variant: modelFields.variant.default(null),
    description: modelFields.description.default(''),
    architecture: modelFields.architecture.default('unknown'),
    totalParams: modelFields.totalParams.default(null),
    activatedParams: modelFields.activatedParams.default(null),
    contextLength: modelFields.contextLength.default(null),
    license: modelFields.license.default(null),
    openWeights: modelFields.openWeights.default(false),
    releaseDate: modelFields.releaseDate.default(null),
    tags: modelFields.tags.default([]),
    links: modelFields.links.default([]),
    notes: modelFields.notes.default([]),
    spec: modelFields.spec.default(null),
    pricing: modelFields.pricing.default(null),
    source: modelFields.source.default(null),
    results: modelFields.results.default([]),
    niah: modelFields.niah.default([]),
  })
  .strict()
  .refine(activatedWithinTotal, activatedIssue);

/** PATCH body: any model field; `results`/`niah`, when present, replace the model's lists. */
export const modelPatchSchema = z.object(modelFields).partial().strict().refine(activatedWithinTotal, activatedIssue);

/**
 * POST body: id, name and publisher, any other field; the ones left out take their defaults when
 * written, and only the ones given count as entered by hand.
 */
export const modelCreateSchema = z
  .object({ id: slugSchema, ...modelFields })
  .partial()
  .required({ id: true, name: true, publisher: true })
  .strict()
  .refine(activatedWithinTotal, activatedIssue);

export const bundleSchema = z
  .object({
    benchmarks: z.array(benchmarkInputSchema).max(10_000).default([]),
    models: z.array(modelInputSchema).max(10_000).default([]),
  })
  .strict();

export type ModelInput = z.output<typeof modelInputSchema>;
export type ModelInputDraft = z.input<typeof modelInputSchema>;
/** What an importer knows about a model: merged over the existing card, or completed with defaults. */
export type ModelImport = Partial<ModelInputDraft> & { id: string };
export type ModelPatch = z.input<typeof modelPatchSchema>;
export type ModelCreate = z.input<typeof modelCreateSchema>;
export type BenchmarkInput = z.output<typeof benchmarkInputSchema>;
export type BenchmarkDescriptor = z.output<typeof benchmarkDescriptorSchema>;
export type ResultInput = z.output<typeof resultInputSchema>;
export type NiahInput = z.output<typeof niahInputSchema>;
export type LibraryBundle = z.output<typeof bundleSchema>;
export type LibraryBundleDraft = z.input<typeof bundleSchema>;
