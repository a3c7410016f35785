import type { TargetRecord } from './deployment-record.js';
import type { DeploymentTarget } from './deployment-target.js';
import type { SecretBox } from './secrets.js';
import { overlaySecrets } from './spec-secrets.js';

/**
 * A target's spec made fit to store: its kind's secret-bearing values (header values, an engine's
 * environment, URL credentials) replaced by placeholders and encrypted apart, as one JSON object.
 * `earlier` is what a previous seal encrypted; its values stay where the spec shows placeholders.
 *
 * @example sealSpec(endpointTarget, { url, headers: { 'X-Api-Key': 'k-1' } }, box) // { spec: { url, headers: { 'X-Api-Key': '***' } }, encryptedSpecSecrets: 'v1:…' }
 */
export function sealSpec(
  kind: DeploymentTarget | undefined,
  spec: unknown,
  box: SecretBox,
  earlier: string | null = null,
): Pick<TargetRecord, 'spec' | 'encryptedSpecSecrets'> {
  const split = kind?.splitSecrets?.(spec);
  if (!split || Object.keys(split.secrets).length === 0) return { spec: split?.spec ?? spec, encryptedSpecSecrets: earlier };
  const secrets = earlier ? overlaySecrets(readSecrets(earlier, box), split.secrets) : split.secrets;
  return { spec: split.spec, encryptedSpecSecrets: box.encrypt(JSON.stringify(secrets)) };
}

/** The whole spec a target starts with: the stored one with its decrypted secrets laid back in. */
export function openSpec(target: TargetRecord, box: SecretBox): unknown {
  return target.encryptedSpecSecrets ? overlaySecrets(target.spec, readSecrets(target.encryptedSpecSecrets, box)) : target.spec;
}

/**
 * Seals the targets that an older gateway stored with secrets in their spec: each one changed is
 * replaced in `records` and handed to `save`.
 */
export async function sealStoredTargets(
  records: Array<{ targets: TargetRecord[] }>,
  kinds: ReadonlyMap<string, DeploymentTarget>,
  box: SecretBox,
  save: (target: TargetRecord) => Promise<void>,
): Promise<void> {
  for (const record of records) {
    for (const [index, target] of record.targets.entries()) {
      const sealed = sealSpec(kinds.get(target.kind), target.spec, box, target.encryptedSpecSecrets);
      if (sealed.encryptedSpecSecrets === target.encryptedSpecSecrets) continue;
      record.targets[index] = { ...target, ...sealed };
      await save(record.targets[index]);
    }
  }
}

function readSecrets(stored: string, box: SecretBox): Record<string, unknown> {
  return JSON.parse(box.decrypt(stored)) as Record<string, unknown>;
}
