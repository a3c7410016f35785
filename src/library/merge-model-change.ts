import type { Model } from './library-shapes.js';
import type { ModelImport, ModelInput, ModelInputDraft } from './model-input.js';
import { toModelInput } from './model-rows.js';

/** The card fields whose origin is recorded and whose earlier values are kept. */
export const trackedFields = [
  'name',
  'publisher',
  'family',
  'variant',
  'description',
  'architecture',
  'totalParams',
  'activatedParams',
  'contextLength',
  'license',
  'openWeights',
  'releaseDate',
  'tags',
  'links',
  'notes',
  'spec',
  'pricing',
  'results',
  'niah',
] as const;
export type TrackedField = (typeof trackedFields)[number];

/** Where a field's current value came from. */
export interface FieldOrigin {
  source: string;
  writtenAt: number;
  /** Entered through the admin API: imports keep it. */
  manual: boolean;
}

/** One change to a model: an import (hub repo, card, config, GGUF, catalog) or a hand edit. */
export interface ModelChange {
  model: ModelImport;
  /** Where the values come from (a URL, `admin API`), recorded for every field it sets. */
  source: string;
  /** Sources of single fields, where they differ from `source` (the catalog's per-fact sources). */
  fieldSources?: Partial<Record<TrackedField, string>>;
  /** A hand edit: always applied, and marked so later imports keep it. */
  manual: boolean;
  /**
   * Weaker values, used only where the entry has none yet: a repo's creation date as its release
   * date, the repo owner as publisher (a curated publisher name stays).
   */
  defaults?: Partial<Pick<ModelInputDraft, 'releaseDate' | 'publisher'>>;
  /** Entries added to the entry's lists, not replacing them (a repo's link beside the catalog's GGUF links). */
  additions?: Partial<Pick<ModelInputDraft, 'links' | 'tags'>>;
}

export interface MergedChange {
  draft: ModelInputDraft;
  updated: TrackedField[];
  /** Fields the change would have altered but that were entered by hand. */
  kept: Array<{ field: TrackedField; source: string }>;
  earlier: Array<{ field: TrackedField; value: unknown; source: string | null; writtenAt: number | null }>;
  origins: Array<{ field: TrackedField; source: string; manual: boolean }>;
}

/**
 * Merges a change over the stored model (or starts one: name = id, publisher 'unknown'): every
 * field the change defines replaces the stored one, unless the stored value was entered by hand
 * and the change is an import (then it is kept and reported). A replaced value goes to `earlier`
 * with its source and date; every field set gets its new origin.
 *
 * @example mergeChange(stored, origins, { model: { id: 'x', license: 'mit' }, source: 'https://…/README.md', manual: false }).updated // ['license']
 */
export function mergeChange(existing: Model | undefined, origins: Map<string, FieldOrigin>, change: ModelChange): MergedChange {
  const stored = existing ? toModelInput(existing) : undefined;
  const merged: MergedChange = {
    draft: stored ? { ...stored } : { id: change.model.id, name: change.model.id, publisher: 'unknown' },
    updated: [],
    kept: [],
    earlier: [],
    origins: [],
  };
  if (change.model.source !== undefined) merged.draft.source = change.model.source;
  const proposed: Partial<Record<TrackedField, unknown>> = { ...change.defaults };
  for (const field of trackedFields) if (change.model[field] !== undefined) proposed[field] = change.model[field];
  for (const [field, added] of Object.entries(change.additions ?? {}) as Array<['links' | 'tags', unknown[]]>) {
    proposed[field] = withAdditions((proposed[field] as unknown[] | undefined) ?? stored?.[field] ?? [], added);
  }
  for (const field of trackedFields) {
    if (!(field in proposed)) continue;
    const fromDefaults = change.model[field] === undefined && !(field in (change.additions ?? {}));
    const value = proposed[field];
    const source = change.fieldSources?.[field] ?? change.source;
    const origin = origins.get(field);
    if (!stored) {
      setField(merged.draft, field, value);
      merged.origins.push({ field, source, manual: change.manual });
      continue;
    }
    const current = stored[field];
    if (fromDefaults && !isEmpty(current)) continue;
    if (sameValue(field, current, value, existing!, merged.draft.source ?? null)) {
      if (!origin || (change.manual && !origin.manual))
        merged.origins.push({ field, source, manual: change.manual || (origin?.manual ?? false) });
      continue;
    }
    if (origin?.manual && !change.manual) {
      merged.kept.push({ field, source: origin.source });
      continue;
    }
    setField(merged.draft, field, value);
    merged.updated.push(field);
    merged.earlier.push({
      field,
      value: current,
      source: origin?.source ?? existing!.source,
      writtenAt: origin?.writtenAt ?? existing!.updatedAt,
    });
    merged.origins.push({ field, source, manual: change.manual });
  }
  return merged;
}

function setField(draft: ModelInputDraft, field: TrackedField, value: unknown): void {
  (draft as Record<string, unknown>)[field] = value;
}

/** `added` appended to `list` where not already there (links compared by URL). */
function withAdditions(list: unknown[], added: unknown[]): unknown[] {
  const key = (entry: unknown) =>
    typeof entry === 'object' && entry !== null && 'url' in entry ? String(entry.url) : JSON.stringify(entry);
  const present = new Set(list.map(key));
  return [...list, ...added.filter((entry) => !present.has(key(entry)))];
}

function isEmpty(value: unknown): boolean {
  // 'unknown' is the publisher an import without one leaves.
  return value === null || value === undefined || value === '' || value === 'unknown';
}

/** Equal as stored: results compared by benchmark identity, setting, value and source; the rest as JSON with sorted keys. */
function sameValue(field: TrackedField, current: unknown, proposed: unknown, existing: Model, modelSource: string | null): boolean {
  if (field !== 'results') return stableJson(current) === stableJson(proposed);
  const stored = existing.results.map((result) => resultKey(result, result.value, result.setting, result.source));
  const incoming = (proposed as ModelInput['results']).map((result) => {
    const source = result.source ?? modelSource;
    if (typeof result.benchmark !== 'string') {
      const { suite, name, metric, shots } = result.benchmark;
      return resultKey(
        { suite: suite ?? 'base', benchmark: name, metric, shots: shots ?? null },
        result.value,
        result.setting ?? '',
        source,
      );
    }
    const known = existing.results.find((candidate) => candidate.benchmarkId === result.benchmark);
    return known ? resultKey(known, result.value, result.setting ?? '', source) : `unknown benchmark ${result.benchmark}`;
  });
  return stableJson(stored.sort()) === stableJson(incoming.sort());
}

function resultKey(
  benchmark: { suite: string; benchmark: string; metric: string; shots: number | null },
  value: number,
  setting: string,
  source: string | null,
): string {
  return JSON.stringify([
    benchmark.suite,
    benchmark.benchmark.toLowerCase(),
    benchmark.metric.toLowerCase(),
    benchmark.shots,
    setting,
    value,
    source,
  ]);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry) =>
    entry && typeof entry === 'object' && !Array.isArray(entry)
      ? Object.fromEntries(Object.entries(entry).sort(([left], [right]) => left.localeCompare(right)))
      : entry,
  );
}
