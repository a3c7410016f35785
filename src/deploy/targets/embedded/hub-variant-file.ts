import path from 'node:path';
import type { HubClient } from '../../../library/hub/hub-client.js';
import { parseHubReference } from '../../../library/hub/hub-reference.js';
import { findPulledVariant, pullHubVariant } from '../../../library/hub/pull-hub-variant.js';
import type { TargetContext } from '../../deployment-target.js';
import { PullProgress } from './pull-progress.js';

/**
 * The GGUF file an embedded target with a hub `source` loads: the variant an earlier pull left in
 * `modelsDir` (no hub needed: a restart offline, a second deployment of it), else pulled now with
 * `progress` events and its steps in the event log. Answers the first file (a split set's part 1).
 *
 * @example await hubVariantFile(hub, { source: 'hf:ggml-org/stories260K-GGUF@main', quant: 'Q8_0' }, modelsDir, context)
 */
export async function hubVariantFile(
  hub: HubClient,
  spec: { source: string; quant?: string },
  modelsDir: string,
  context: Pick<TargetContext, 'emit' | 'signal'>,
): Promise<string> {
  const reference = parseHubReference(spec.source, 'source');
  const earlier = spec.quant === undefined ? undefined : findPulledVariant(modelsDir, reference, spec.quant);
  const say = (message: string) => context.emit({ type: 'state', state: 'provisioning', message });
  if (earlier) {
    say(
      `${earlier.label} of ${earlier.repo}@${earlier.commit} is in models/ from an earlier pull: ${names(earlier.files.map((file) => file.fileName))}`,
    );
    return earlier.path;
  }
  let progress: PullProgress | undefined;
  const startedAt = Date.now();
  const pulled = await pullHubVariant(hub, reference, spec.quant, {
    modelsDir,
    idleTimeoutMs: hub.timeoutMs,
    signal: context.signal,
    onVariant: (pinned, variant) => {
      const files = variant.files.length > 1 ? ` (${variant.files.length} files)` : '';
      progress = new PullProgress(context.emit, `${spec.source} ${variant.label}${files}`);
      say(
        `pulling ${variant.label} of ${pinned.repo}@${pinned.revision}: ${variant.bytes} bytes in ${names(variant.files.map((file) => file.path))}`,
      );
    },
    onProgress: (update) => progress?.update(update),
    onLog: (message) => context.emit({ type: 'log', message }),
  }).catch((error: unknown) => {
    progress?.stop();
    throw error;
  });
  const speed = progress?.finish() ?? 0;
  const bytes = pulled.files.reduce((sum, file) => sum + file.bytes, 0);
  say(
    `pulled ${bytes} bytes in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${Math.round(speed)} bytes/s), SHA-256 ${pulled.files.every((file) => file.verified) ? 'verified' : 'not given by the hub'}: ${names(pulled.files.map((file) => file.path))}`,
  );
  return pulled.path;
}

function names(paths: string[]): string {
  return paths.map((filePath) => path.basename(filePath)).join(', ');
}
