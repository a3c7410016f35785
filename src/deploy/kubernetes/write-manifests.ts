import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Manifest } from './render-manifests.js';

/**
 * Writes one YAML file per manifest (`01-leaderworkerset.yaml`, `02-service.yaml`…) in apply
 * order, and returns their paths. `kubectl apply -f DIR` applies them.
 *
 * @example writeManifests(renderManifests(plan, { name: 'deepseek-v3' }), './k8s')
 */
export function writeManifests(manifests: Manifest[], directory: string): string[] {
  fs.mkdirSync(directory, { recursive: true });
  return manifests.map((manifest, index) => {
    const file = path.join(directory, `${String(index + 1).padStart(2, '0')}-${manifest.kind!.toLowerCase()}.yaml`);
    fs.writeFileSync(file, YAML.stringify(manifest, { lineWidth: 0 }));
    return file;
  });
}
