import { z } from 'zod';
import { DevupError } from '../../errors.js';
import { slugSchema, suiteSchema, type ModelImport } from '../model-input.js';
import type { ModelSizer } from '../model-sizer.js';
import { modelFromConfig } from './hf-config.js';
import { parseModelCard } from './hf-model-card.js';

const repoSchema = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must look like owner/name');

/** Body of `POST /api/import`: a repo on the Hugging Face hub, or a model card or `config.json` given as text. */
export const importDocumentSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('hf-card'),
      content: z.string().min(1).max(2_000_000).describe('README.md with YAML front matter (model-index)'),
      repo: repoSchema.optional(),
      id: slugSchema.optional(),
      publisher: z.string().min(1).max(100).optional(),
      suite: suiteSchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('hf-repo'),
      repo: repoSchema.describe('OWNER/REPO on the hub (DEVUP_HUB_URL; HF_TOKEN for gated repos)'),
      revision: z
        .string()
        .regex(/^[\w./-]{1,200}$/)
        .refine((revision) => !revision.includes('..'), 'must not contain ..')
        .optional()
        .describe('Branch, tag or commit (default main)'),
      id: slugSchema.optional().describe('Library id to import into (default: the repo name, lowercased)'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('config-json'),
      content: z.union([z.string().min(2).max(2_000_000), z.record(z.string(), z.unknown())]).describe('config.json text or object'),
      id: slugSchema,
      name: z.string().min(1).max(200).optional(),
      publisher: z.string().min(1).max(100).optional(),
    })
    .strict(),
]);

export type ImportDocument = z.output<typeof importDocumentSchema>;

/** Turns a card or config document into what the importer knows about the model. */
export function modelFromDocument(document: Exclude<ImportDocument, { kind: 'hf-repo' }>, sizer?: ModelSizer): ModelImport {
  try {
    if (document.kind === 'hf-card') return parseModelCard(document.content, document);
    const config = typeof document.content === 'string' ? JSON.parse(document.content) : document.content;
    if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new Error('config.json must hold a JSON object');
    return modelFromConfig(config, { ...document, sizer }).model;
  } catch (error) {
    throw new DevupError('invalid_request', `Cannot read the ${document.kind} document: ${(error as Error).message}`, {
      fieldErrors: [{ path: 'body.content', message: (error as Error).message }],
    });
  }
}
