import { z } from 'zod';

/**
 * The parts of the hub's model API the importer reads (`GET /api/models/{repo}[/revision/{rev}]`,
 * as `huggingface_hub`'s `ModelInfo`); other keys are kept but not looked at.
 */
export const hubModelInfoSchema = z
  .object({
    id: z.string(),
    /** Commit the answer describes. */
    sha: z.string().optional(),
    /** false, or "auto"/"manual" when downloads need an accepted access request. */
    gated: z.union([z.boolean(), z.string()]).optional(),
    private: z.boolean().optional(),
    lastModified: z.string().optional(),
    createdAt: z.string().optional(),
    pipeline_tag: z.string().optional(),
    library_name: z.string().optional(),
    tags: z.array(z.string()).default([]),
    /** The model card's front matter, parsed by the hub. */
    cardData: z.record(z.string(), z.unknown()).nullable().optional(),
    siblings: z.array(z.object({ rfilename: z.string() }).loose()).default([]),
    /** Parameter counts per dtype from the safetensors headers. */
    safetensors: z
      .object({ parameters: z.record(z.string(), z.number()), total: z.number() })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();

/** One entry of `GET /api/models/{repo}/tree/{revision}?recursive=true`. */
export const hubTreeEntrySchema = z
  .object({
    type: z.enum(['file', 'directory']),
    path: z.string(),
    size: z.number().nonnegative(),
    /** Git object id (SHA-1) of the file or pointer. */
    oid: z.string(),
    /** Present for files stored in LFS: `oid` is the content's SHA-256. */
    lfs: z.object({ oid: z.string(), size: z.number().nonnegative(), pointerSize: z.number().optional() }).loose().nullable().optional(),
  })
  .loose();

export type HubModelInfo = z.output<typeof hubModelInfoSchema>;
export type HubTreeEntry = z.output<typeof hubTreeEntrySchema>;

/** A file of a repository with what a download needs to check it. */
export interface HubFile {
  path: string;
  bytes: number;
  /** SHA-256 of the content (LFS files); absent for small files kept in git. */
  sha256?: string;
}

export function toHubFile(entry: HubTreeEntry): HubFile {
  const sha256 = entry.lfs?.oid?.replace(/^sha256:/, '');
  return {
    path: entry.path,
    bytes: entry.lfs?.size ?? entry.size,
    ...(sha256 && /^[0-9a-f]{64}$/.test(sha256) ? { sha256 } : {}),
  };
}
