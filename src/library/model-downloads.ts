import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { HubFile } from './hub/hub-shapes.js';
import type { ModelDownload } from './library-shapes.js';
import type { VariantMemory } from './model-sizer.js';

/** The download variants one hub repository gives a model, as an import found them. */
export interface RepoDownloads {
  repo: string;
  /** The commit the file list was read at. */
  revision: string;
  variants: Array<{ label: string; format: 'gguf' | 'safetensors'; files: HubFile[]; bytes: number; memory: VariantMemory | null }>;
}

/** Replaces the variants a model has from `downloads.repo` (other repos' variants stay). */
export async function replaceDownloads(transaction: Transaction<Database>, modelId: string, downloads: RepoDownloads): Promise<void> {
  await transaction.deleteFrom('model_variants').where('model_id', '=', modelId).where('repo', '=', downloads.repo).execute();
  if (downloads.variants.length === 0) return;
  await transaction
    .insertInto('model_variants')
    .values(
      downloads.variants.map((variant, position) => ({
        model_id: modelId,
        repo: downloads.repo,
        revision: downloads.revision,
        label: variant.label,
        format: variant.format,
        bytes: variant.bytes,
        files: JSON.stringify(variant.files),
        memory: variant.memory === null ? null : JSON.stringify(variant.memory),
        position,
      })),
    )
    .execute();
}

export async function readDownloads(db: Kysely<Database>, modelId: string): Promise<ModelDownload[]> {
  const rows = await db
    .selectFrom('model_variants')
    .selectAll()
    .where('model_id', '=', modelId)
    .orderBy('repo')
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    repo: row.repo,
    revision: row.revision,
    label: row.label,
    format: row.format,
    bytes: row.bytes,
    files: JSON.parse(row.files),
    memory: row.memory === null ? null : JSON.parse(row.memory),
  }));
}
