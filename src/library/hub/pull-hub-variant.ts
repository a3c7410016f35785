import fs from 'node:fs';
import path from 'node:path';
import { pullFiles, type PulledModel, type PullOptions } from '../../engine/pull/pull-model.js';
import { writePrivateFile } from '../../private-files.js';
import { findHubVariant } from './find-hub-variant.js';
import type { HubClient } from './hub-client.js';
import type { HubReference } from './hub-reference.js';
import type { VariantFiles } from './repo-variants.js';

export type HubVariantPullOptions = Omit<PullOptions, 'hubUrl' | 'authorization' | 'sha256'> & {
  /** Told which variant (and commit) the files come from before the download starts. */
  onVariant?(pinned: HubReference, variant: VariantFiles): void;
};

export interface HubVariantPull extends PulledModel {
  /** The commit the files come from. */
  pinned: HubReference;
  variant: VariantFiles;
}

/** What an earlier pull of a variant left in the models folder (`<modelsDir>/.hub/…/LABEL.json`). */
export interface PulledVariant {
  repo: string;
  revision: string;
  commit: string;
  label: string;
  /** The first file (a split set's first part): what llama.cpp is given. */
  path: string;
  files: Array<{ fileName: string; bytes: number; sha256?: string }>;
}

/**
 * `hf:OWNER/REPO[@REV] --quant Q` into the models folder: the variant's files (every part of a
 * split set) pulled at one commit, resumed, checked against the hub's LFS SHA-256s (files already
 * there with the right hash are kept), then recorded so that `findPulledVariant` finds them again
 * without asking the hub. `devup pull` and the embedded deployment target both pull through here.
 *
 * @example await pullHubVariant(hub, { repo: 'ggml-org/stories260K-GGUF', revision: 'main' }, 'Q8_0', { modelsDir })
 */
export async function pullHubVariant(
  hub: HubClient,
  reference: HubReference,
  quant: string | undefined,
  options: HubVariantPullOptions,
): Promise<HubVariantPull> {
  const { pinned, variant } = await findHubVariant(hub, reference, quant);
  options.onVariant?.(pinned, variant);
  const pulled = await pullFiles(
    variant.files.map((file) => ({
      url: hub.fileUrl(pinned, file.path),
      fileName: path.posix.basename(file.path),
      sha256: file.sha256,
      bytes: file.bytes,
    })),
    { ...options, hubUrl: hub.baseUrl, authorization: hub.authorization },
  );
  const record: PulledVariant = {
    repo: reference.repo,
    revision: reference.revision,
    commit: pinned.revision,
    label: variant.label,
    path: pulled.path,
    files: pulled.files.map((file) => ({ fileName: path.basename(file.path), bytes: file.bytes, sha256: file.sha256 })),
  };
  writePrivateFile(recordPathOf(options.modelsDir, reference, variant.label), `${JSON.stringify(record, null, 2)}\n`);
  return { ...pulled, pinned, variant };
}

/**
 * The variant an earlier pull left, when every one of its files is still there at its size: a
 * deployment restarted offline, or a second deployment of the same variant, loads it without the hub.
 */
export function findPulledVariant(modelsDir: string, reference: HubReference, quant: string): PulledVariant | undefined {
  const recordPath = recordPathOf(modelsDir, reference, quant);
  if (!fs.existsSync(recordPath)) return undefined;
  const record = JSON.parse(fs.readFileSync(recordPath, 'utf8')) as PulledVariant;
  const complete = record.files.every((file) => {
    const filePath = path.join(modelsDir, file.fileName);
    return fs.existsSync(filePath) && fs.statSync(filePath).size === file.bytes;
  });
  return complete ? { ...record, path: path.join(modelsDir, record.files[0].fileName) } : undefined;
}

function recordPathOf(modelsDir: string, reference: HubReference, label: string): string {
  return path.join(
    modelsDir,
    '.hub',
    encodeURIComponent(`${reference.repo}@${reference.revision}`),
    `${encodeURIComponent(label.toUpperCase())}.json`,
  );
}
