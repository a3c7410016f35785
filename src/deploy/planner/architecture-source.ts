import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { DevupError } from '../../errors.js';
import type { Store } from '../../store/database.js';
import type { ArchitectureSpec } from './architecture-spec.js';
import { readArchitecture } from './read-architecture.js';

/** `data/architectures/`: the seeded open models' architecture facts, in our own format. */
export const defaultArchitecturesDir = fileURLToPath(new URL('../../../data/architectures/', import.meta.url));

export interface ArchitectureLookup {
  /** The library store: a model's `spec` column wins over the seeded files. */
  store?: Store;
  architecturesDir?: string;
}

/**
 * Finds a model's architecture: its library `spec` (our format, or a config it was imported
 * from), else `data/architectures/<id>.yaml`.
 *
 * @example await findArchitecture('deepseek-v3') // { family: 'deepseek_v3', attention: { kind: 'mla', … }, … }
 */
export async function findArchitecture(modelId: string, lookup: ArchitectureLookup = {}): Promise<ArchitectureSpec> {
  if (lookup.store) {
    const row = await lookup.store.db.selectFrom('models').select(['spec']).where('id', '=', modelId).executeTakeFirst();
    if (row?.spec) return readArchitecture(JSON.parse(row.spec), `the library spec of '${modelId}'`);
    if (row)
      throw new DevupError('invalid_request', `The library has no architecture for '${modelId}'; plan it with a config (--config PATH)`, {
        param: 'model',
      });
  }
  const file = path.join(lookup.architecturesDir ?? defaultArchitecturesDir, `${path.basename(modelId)}.yaml`);
  if (!fs.existsSync(file)) {
    throw new DevupError('model_not_found', `No architecture is known for '${modelId}'; pass a config.json (--config PATH)`, {
      param: 'model',
    });
  }
  return readArchitecture(YAML.parse(fs.readFileSync(file, 'utf8')), `architectures/${path.basename(file)}`);
}

/** Reads a config file: JSON (Hugging Face, DeepSeek, GGUF metadata map) or YAML (our format). */
export function readArchitectureFile(file: string): ArchitectureSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new DevupError('invalid_request', `Cannot read ${file}: ${(error as Error).message}`, { param: 'config' });
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw new DevupError(
      'invalid_request',
      `${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
      { param: 'config' },
    );
  }
  return readArchitecture(parsed, path.basename(file));
}
