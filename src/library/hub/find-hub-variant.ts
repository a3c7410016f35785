import { DevupError } from '../../errors.js';
import type { HubClient } from './hub-client.js';
import type { HubReference } from './hub-reference.js';
import { findVariant, ggufVariants, type VariantFiles } from './repo-variants.js';

/**
 * The GGUF variant `devup pull hf:REPO --quant Q` downloads, with the commit its files were listed
 * at (so every part comes from the same one). Without `quant` a repo with one variant gives it; a
 * repo with several, or none of the name asked for, is refused with the variants it has.
 *
 * @example (await findHubVariant(hub, { repo: 'Qwen/Qwen2.5-7B-Instruct-GGUF', revision: 'main' }, 'Q4_K_M')).variant.files
 */
export async function findHubVariant(
  hub: HubClient,
  reference: HubReference,
  quant: string | undefined,
): Promise<{ pinned: HubReference; variant: VariantFiles }> {
  const info = await hub.modelInfo(reference);
  const pinned = { repo: reference.repo, revision: info.sha ?? reference.revision };
  const variants = ggufVariants(await hub.listFiles(pinned));
  const listing = variants
    .map((variant) => `${variant.label} (${variant.files.length > 1 ? `${variant.files.length} parts, ` : ''}${variant.bytes} bytes)`)
    .join(', ');
  if (variants.length === 0) {
    throw new DevupError(
      'invalid_request',
      `${reference.repo}@${reference.revision} has no GGUF files to pull (safetensors checkpoints are served by vLLM or SGLang: see devup plan)`,
      {
        param: 'repo',
      },
    );
  }
  if (quant === undefined) {
    if (variants.length === 1) return { pinned, variant: variants[0] };
    throw new DevupError('invalid_request', `${reference.repo} has ${variants.length} GGUF variants; choose one with --quant: ${listing}`, {
      param: 'quant',
    });
  }
  const variant = findVariant(variants, quant);
  if (!variant)
    throw new DevupError('not_found', `${reference.repo}@${reference.revision} has no ${quant} variant; it has: ${listing}`, {
      param: 'quant',
    });
  return { pinned, variant };
}
