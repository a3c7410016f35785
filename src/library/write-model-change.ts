import type { Transaction } from 'kysely';
import { DevupError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { parseOrThrow } from '../validation.js';
import { mergeChange, type FieldOrigin, type ModelChange, type TrackedField } from './merge-model-change.js';
import { replaceDownloads, type RepoDownloads } from './model-downloads.js';
import { modelInputSchema } from './model-input.js';
import { readModel } from './read-model.js';
import { writeBundleIn, type WriteOptions } from './write-bundle.js';

/** What a change did: the fields it replaced, the hand-entered ones it kept, the variants it wrote. */
export interface ChangeSummary {
  id: string;
  created: boolean;
  updated: TrackedField[];
  kept: Array<{ field: TrackedField; source: string }>;
  variants: number;
}

/**
 * Writes one model change inside the caller's transaction: merges it over the stored model
 * (mergeChange), writes the model, the replaced values with their source and date
 * (`model_history`), each field's new origin (`model_fields`) and the repo's download variants.
 * Any failure (an invalid merged card included) rolls the whole transaction back.
 */
export async function writeModelChange(
  transaction: Transaction<Database>,
  change: ModelChange,
  options: WriteOptions & { downloads?: RepoDownloads },
): Promise<ChangeSummary> {
  const id = change.model.id;
  const existing = await readModel(transaction, id).catch((error: unknown) => {
    if (DevupError.isInstance(error) && error.code === 'not_found') return undefined;
    throw error;
  });
  const origins = new Map<string, FieldOrigin>(
    (await transaction.selectFrom('model_fields').selectAll().where('model_id', '=', id).execute()).map((row) => [
      row.field,
      { source: row.source, writtenAt: row.written_at, manual: row.manual === 1 },
    ]),
  );
  // The planner's architecture file is merged over any spec on write: compare what will be stored.
  const architecture = change.model.spec ? options.architectureSpec?.(id) : undefined;
  const stored = architecture ? { ...change, model: { ...change.model, spec: { ...change.model.spec, ...architecture } } } : change;
  const merged = mergeChange(existing, origins, stored);
  const model = parseOrThrow(modelInputSchema, merged.draft, 'input', ['body']);
  await writeBundleIn(transaction, { benchmarks: [], models: [model] }, options);
  const now = Date.now();
  if (merged.earlier.length > 0) {
    await transaction
      .insertInto('model_history')
      .values(
        merged.earlier.map((entry) => ({
          model_id: id,
          field: entry.field,
          value: JSON.stringify(entry.value ?? null),
          source: entry.source,
          written_at: entry.writtenAt,
          replaced_at: now,
          replaced_by: change.fieldSources?.[entry.field] ?? change.source,
        })),
      )
      .execute();
  }
  if (merged.origins.length > 0) {
    await transaction
      .insertInto('model_fields')
      .values(
        merged.origins.map((origin) => ({
          model_id: id,
          field: origin.field,
          source: origin.source,
          written_at: now,
          manual: origin.manual ? 1 : 0,
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(['model_id', 'field']).doUpdateSet((update) => ({
          source: update.ref('excluded.source'),
          written_at: update.ref('excluded.written_at'),
          manual: update.ref('excluded.manual'),
        })),
      )
      .execute();
  }
  if (options.downloads) await replaceDownloads(transaction, id, options.downloads);
  return { id, created: !existing, updated: merged.updated, kept: merged.kept, variants: options.downloads?.variants.length ?? 0 };
}

/**
 * Writes models that do not exist yet (the catalog at first start) in one go: one bundle write and
 * one insert of every field's origin, instead of a read-merge-write per model.
 */
export async function writeNewModels(transaction: Transaction<Database>, changes: ModelChange[], options: WriteOptions): Promise<void> {
  const merged = changes.map((change) => mergeChange(undefined, new Map(), change));
  const models = merged.map((entry) => parseOrThrow(modelInputSchema, entry.draft, 'input', ['body']));
  await writeBundleIn(transaction, { benchmarks: [], models }, { ...options, mode: 'create' });
  const now = Date.now();
  const origins = merged.flatMap((entry, index) =>
    entry.origins.map((origin) => ({
      model_id: models[index].id,
      field: origin.field,
      source: origin.source,
      written_at: now,
      manual: origin.manual ? 1 : 0,
    })),
  );
  for (let start = 0; start < origins.length; start += 500) {
    await transaction
      .insertInto('model_fields')
      .values(origins.slice(start, start + 500))
      .execute();
  }
}
