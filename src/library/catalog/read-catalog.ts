import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { FieldError } from '../../errors.js';
import { fieldErrorsOf, invalidRequest } from '../../validation.js';
import { hubPageUrl } from '../hub/hub-reference.js';
import { modelFromConfig } from '../importers/hf-config.js';
import type { ModelChange, TrackedField } from '../merge-model-change.js';
import { slugSchema } from '../model-input.js';
import type { ModelSizer } from '../model-sizer.js';

const repoSchema = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must look like owner/name');

/** One entry of `data/catalog/models.yaml`: card facts, each with its source; parameter counts come from the config. */
const catalogEntrySchema = z
  .object({
    id: slugSchema,
    hubRepo: repoSchema,
    name: z.string().min(1).max(200),
    publisher: z.string().min(1).max(100),
    family: z.string().max(200).nullable().default(null),
    variant: z.string().max(100).nullable().default(null),
    license: z.string().max(200).nullable().default(null),
    releaseDate: z.iso.date().nullable().default(null),
    /** The context the card or publisher states; null: the config's. */
    contextLength: z.number().int().positive().nullable().default(null),
    tags: z.array(z.string().min(1).max(64)).default([]),
    description: z.string().max(200_000).default(''),
    ggufRepos: z.array(repoSchema).default([]),
    notes: z.array(z.string().min(1).max(5000)).default([]),
    /** Where each fact was read: `card` for the entry as a whole, or a fact's name (`license`, `releaseDate`…). */
    sources: z.record(z.string(), z.url()).refine((sources) => 'card' in sources, 'needs a card source'),
  })
  .strict();

export type CatalogEntry = z.output<typeof catalogEntrySchema>;

/** Catalog facts and which source each field's value came from. */
const factSources: Array<[TrackedField, string]> = [
  ['license', 'license'],
  ['releaseDate', 'releaseDate'],
  ['links', 'ggufRepos'],
];

/**
 * The starting catalog beyond the seed: `catalog/models.yaml` (card facts with their sources) and
 * `catalog/configs/<Owner>__<Repo>.json` (each model's genuine `config.json`; provenance in
 * `catalog/SOURCES.md`), as changes built by the importers' code path: the config through
 * `modelFromConfig` (architecture, parameter counts from the planner, context, spec), the facts
 * as a card import with per-field sources. Empty when the data dir has no catalog.
 *
 * @example readCatalog(defaultLibraryDataDir, plannerSizer).map((change) => change.model.id) // ['deepseek-r1', …]
 */
export function readCatalog(dataDir: string, sizer: ModelSizer): ModelChange[] {
  const file = path.join(dataDir, 'catalog', 'models.yaml');
  if (!fs.existsSync(file)) return [];
  const parsed = z.array(catalogEntrySchema).safeParse(YAML.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw invalidRequest(`catalog in ${file}`, fieldErrorsOf(parsed.error.issues, ['catalog/models.yaml']));
  const errors: FieldError[] = [];
  const changes = parsed.data.flatMap((entry, index) => {
    const configFile = path.join(dataDir, 'catalog', 'configs', `${entry.hubRepo.replace('/', '__')}.json`);
    try {
      return [catalogChange(entry, JSON.parse(fs.readFileSync(configFile, 'utf8')), path.relative(dataDir, configFile), sizer)];
    } catch (error) {
      errors.push({ path: `catalog/models.yaml.${index}.hubRepo`, message: `${path.basename(configFile)}: ${(error as Error).message}` });
      return [];
    }
  });
  if (errors.length > 0) throw invalidRequest(`catalog in ${file}`, errors);
  return changes;
}

function catalogChange(entry: CatalogEntry, config: Record<string, unknown>, configFile: string, sizer: ModelSizer): ModelChange {
  const card = entry.sources.card;
  const configSource = `${hubPageUrl(entry.hubRepo)}/blob/main/config.json (copy: data/${configFile})`;
  const { model } = modelFromConfig(config, { id: entry.id, sizer, source: configSource });
  const fieldSources: Partial<Record<TrackedField, string>> = {};
  for (const field of ['architecture', 'totalParams', 'activatedParams', 'spec'] as const) fieldSources[field] = configSource;
  for (const [field, fact] of factSources) fieldSources[field] = entry.sources[fact] ?? card;
  fieldSources.contextLength = entry.contextLength === null ? configSource : (entry.sources.contextLength ?? card);
  return {
    model: {
      ...model,
      name: entry.name,
      publisher: entry.publisher,
      family: entry.family,
      variant: entry.variant,
      description: entry.description,
      license: entry.license,
      releaseDate: entry.releaseDate,
      ...(entry.contextLength === null ? {} : { contextLength: entry.contextLength }),
      tags: entry.tags,
      notes: entry.notes,
      links: [
        { label: 'Hugging Face', url: hubPageUrl(entry.hubRepo) },
        ...entry.ggufRepos.map((repo) => ({ label: `GGUF: ${repo}`, url: hubPageUrl(repo) })),
      ],
      source: card,
    },
    source: card,
    fieldSources,
    manual: false,
  };
}
