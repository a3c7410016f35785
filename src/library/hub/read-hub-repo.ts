import { DevupError } from '../../errors.js';
import { ggufMetadataMap } from '../../engine/gguf/gguf-model-info.js';
import { importGgufHeader, modelIdFor } from '../importers/gguf-import.js';
import { modelFromConfig } from '../importers/hf-config.js';
import { parseModelCard } from '../importers/hf-model-card.js';
import type { ModelChange, TrackedField } from '../merge-model-change.js';
import type { RepoDownloads } from '../model-downloads.js';
import type { ModelImport } from '../model-input.js';
import type { ArchitectureFacts, ModelSizer, VariantMemory } from '../model-sizer.js';
import type { HubClient } from './hub-client.js';
import { hubPageUrl, type HubReference } from './hub-reference.js';
import { readVariantHeader } from './read-remote-gguf.js';
import { ggufVariants, safetensorsVariant, type VariantFiles } from './repo-variants.js';

/** Everything an import of a hub repo will write, read and checked before anything is written. */
export interface HubImport {
  change: ModelChange;
  downloads: RepoDownloads;
  /** What the planner read from the config or GGUF header, when it could. */
  facts?: ArchitectureFacts;
  /** Things the import could not do (an architecture the planner does not know); the rest was imported. */
  warnings: string[];
}

const cardFields: TrackedField[] = ['name', 'description', 'license', 'tags', 'links', 'results'];

/**
 * Reads a model repository from the hub into one change: the model info pins the commit; the file
 * list gives the variants (GGUF quantizations, the safetensors checkpoint) with sizes and SHA-256s;
 * README.md gives the card (front matter, `model-index` results with their sources, markdown body);
 * config.json, or else the header of the smallest GGUF, gives the architecture, whose parameter
 * counts and the variants' memory the planner computes. A card or config that does not parse, a
 * missing repo, a gated file without access, a timeout: a DevupError naming the repo and file.
 *
 * @example const { change, downloads } = await readHubRepo(hub, plannerSizer, { repo: 'Qwen/Qwen2.5-7B-Instruct-GGUF', revision: 'main' });
 */
export async function readHubRepo(hub: HubClient, sizer: ModelSizer, request: HubReference & { id?: string }): Promise<HubImport> {
  const info = await hub.modelInfo(request);
  const pinned: HubReference = { repo: request.repo, revision: info.sha ?? request.revision };
  const files = await hub.listFiles(pinned);
  const has = (name: string) => files.some((file) => file.path === name);
  const [cardText, configText] = await Promise.all([
    has('README.md') ? hub.readText(pinned, 'README.md') : undefined,
    has('config.json') ? hub.readText(pinned, 'config.json') : undefined,
  ]);
  const blob = (file: string) => `${hub.baseUrl}/${request.repo}/blob/${pinned.revision}/${file}`;
  const id = request.id ?? modelIdFor(request.repo.split('/')[1]);
  const warnings: string[] = [];
  const fieldSources: Partial<Record<TrackedField, string>> = {};

  const card = cardText === undefined ? undefined : readCard(cardText, request, pinned, id, blob('README.md'));
  if (card) for (const field of cardFields) fieldSources[field] = blob('README.md');
  const gguf = ggufVariants(files);
  let architecture: { model: ModelImport; description: Record<string, unknown>; facts?: ArchitectureFacts } | undefined;
  if (configText !== undefined) {
    const config = readConfig(configText, pinned);
    const read = modelFromConfig(config, { id, sizer, source: `config.json of ${pinned.repo}@${pinned.revision}` });
    if (read.problem) warnings.push(`parameter counts and memory not computed: ${read.problem}`);
    architecture = { model: read.model, description: config, facts: read.facts };
    for (const field of ['architecture', 'totalParams', 'activatedParams', 'contextLength', 'spec'] as const)
      fieldSources[field] = blob('config.json');
  } else if (gguf.length > 0) {
    architecture = await readGgufArchitecture(hub, sizer, pinned, gguf, id, blob, warnings);
    for (const field of ['architecture', 'totalParams', 'activatedParams', 'contextLength', 'spec'] as const) {
      fieldSources[field] = blob(smallestSingleFile(gguf).files[0].path);
    }
  }

  const dtypeLabel = (architecture?.facts?.checkpointDtype ?? dominantDtype(info.safetensors?.parameters) ?? 'safetensors').toUpperCase();
  const checkpoint = safetensorsVariant(files, dtypeLabel);
  const variants = [...gguf, ...(checkpoint ? [checkpoint] : [])];
  const downloads: RepoDownloads = {
    repo: request.repo,
    revision: pinned.revision,
    variants: variants.map((variant) => ({ ...variant, memory: memoryOf(sizer, architecture?.description, variant, pinned, warnings) })),
  };
  const [owner, name] = request.repo.split('/');
  const { links, tags, ...cardFacts } = card ?? { id };
  const model: ModelImport = {
    ...architecture?.model,
    name,
    ...cardFacts,
    id,
    ...(variants.length > 0 ? { openWeights: true } : {}),
    source: `${hub.baseUrl}/${request.repo}/tree/${pinned.revision}`,
  };
  const created = info.createdAt ? /^\d{4}-\d{2}-\d{2}/.exec(info.createdAt)?.[0] : undefined;
  return {
    change: {
      model,
      source: `${hub.baseUrl}/api/models/${request.repo} at ${pinned.revision}`,
      fieldSources,
      manual: false,
      defaults: { publisher: owner, ...(created ? { releaseDate: created } : {}) },
      additions: {
        links: links ?? [{ label: 'Hugging Face', url: hubPageUrl(request.repo) }],
        tags: [...(tags ?? []), ...(gguf.length > 0 ? ['gguf'] : [])],
      },
    },
    downloads,
    facts: architecture?.facts,
    warnings,
  };
}

function readCard(text: string, request: HubReference, pinned: HubReference, id: string, source: string): ModelImport {
  try {
    const { id: _id, source: _source, ...card } = parseModelCard(text, { repo: request.repo, id, source });
    // What the card leaves out (no license, no results) is unknown, not a value to write over the entry.
    const stated = Object.entries(card).filter(
      ([, value]) => value !== null && value !== '' && !(Array.isArray(value) && value.length === 0),
    );
    return { id, ...Object.fromEntries(stated) };
  } catch (error) {
    throw new DevupError(
      'invalid_request',
      `README.md of ${pinned.repo}@${pinned.revision} is not a model card we can read: ${(error as Error).message}`,
      {
        param: 'repo',
      },
    );
  }
}

function readConfig(text: string, pinned: HubReference): Record<string, unknown> {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new DevupError(
      'invalid_request',
      `config.json of ${pinned.repo}@${pinned.revision} is not valid JSON: ${(error as Error).message}`,
      {
        param: 'repo',
      },
    );
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new DevupError('invalid_request', `config.json of ${pinned.repo}@${pinned.revision} must hold a JSON object`, { param: 'repo' });
  }
  return config as Record<string, unknown>;
}

/** A GGUF-only repo's architecture: the header of its smallest variant (every part of a split set). */
async function readGgufArchitecture(
  hub: HubClient,
  sizer: ModelSizer,
  pinned: HubReference,
  variants: VariantFiles[],
  id: string,
  blob: (file: string) => string,
  warnings: string[],
) {
  const variant = smallestSingleFile(variants);
  const header = await readVariantHeader(hub, pinned, variant.files);
  const { model } = importGgufHeader(header, variant.files[0].path, { id, source: blob(variant.files[0].path) });
  const description = ggufMetadataMap(header);
  let facts: ArchitectureFacts | undefined;
  try {
    facts = sizer.describe(description, `${variant.files[0].path} of ${pinned.repo}@${pinned.revision}`);
  } catch (error) {
    if (!DevupError.isInstance(error)) throw error;
    warnings.push(`memory not computed: ${error.message}`);
  }
  // The header's tensor list is the exact parameter count; the planner adds the share a token uses.
  const total = model.totalParams ?? undefined;
  const { id: _id, name: _name, publisher: _publisher, source: _source, tags: _tags, ...architecture } = model;
  return {
    model: {
      id,
      ...architecture,
      ...(facts && total ? { activatedParams: Math.min(facts.activatedParams, total) } : {}),
    },
    description,
    facts,
  };
}

/** The variant whose header describes the repo most cheaply: one file if there is one, else the smallest set. */
function smallestSingleFile(variants: VariantFiles[]): VariantFiles {
  return variants.find((variant) => variant.files.length === 1) ?? variants[0];
}

function memoryOf(
  sizer: ModelSizer,
  description: Record<string, unknown> | undefined,
  variant: VariantFiles,
  pinned: HubReference,
  warnings: string[],
): VariantMemory | null {
  if (!description) return null;
  try {
    return sizer.memory(description, `${pinned.repo}@${pinned.revision}`, {
      weightsBytes: variant.bytes,
      engine: variant.format === 'gguf' ? 'llama.cpp' : 'vllm',
    });
  } catch (error) {
    if (!DevupError.isInstance(error)) throw error;
    if (!warnings.some((warning) => warning.includes(error.message))) warnings.push(`memory not computed: ${error.message}`);
    return null;
  }
}

/** The dtype holding most parameters in the hub's safetensors summary (`{BF16: …, F32: …}`). */
function dominantDtype(parameters: Record<string, number> | undefined): string | undefined {
  const [largest] = Object.entries(parameters ?? {}).sort((left, right) => right[1] - left[1]);
  return largest?.[0];
}
