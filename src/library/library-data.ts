import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { DevupError, type FieldError } from '../errors.js';
import { fieldErrorsOf, invalidRequest } from '../validation.js';
import { bundleSchema, type LibraryBundle } from './model-input.js';

/** The repository's `data/` folder (from `src/library` and from `dist/library` alike). */
export const defaultLibraryDataDir = fileURLToPath(new URL('../../data/', import.meta.url));

const seedModelSchema = z
  .object({
    descriptionFile: z
      .string()
      .regex(/^[\w.-]+\.md$/)
      .optional(),
    resultsSource: z.string().optional(),
    results: z.record(z.string(), z.number()).default({}),
  })
  .loose();

/**
 * Reads the seeded catalog: `benchmarks.yaml` and `models/<id>.yaml` (results as a map from
 * benchmark id to value; a long description may live in `models/<file>.md`) into one bundle,
 * validated like any import. Problems are reported with the file they came from.
 */
export function readSeedBundle(dataDir: string = defaultLibraryDataDir): LibraryBundle {
  const errors: FieldError[] = [];
  const benchmarks = readYaml(path.join(dataDir, 'benchmarks.yaml'));
  const modelsDir = path.join(dataDir, 'models');
  const models = fs
    .readdirSync(modelsDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const parsed = seedModelSchema.safeParse(readYaml(path.join(modelsDir, file)));
      if (!parsed.success) {
        errors.push(...fieldErrorsOf(parsed.error.issues, [`models/${file}`]));
        return {};
      }
      const { descriptionFile, resultsSource, results, ...model } = parsed.data;
      return {
        ...model,
        ...(descriptionFile ? { description: fs.readFileSync(path.join(modelsDir, descriptionFile), 'utf8') } : {}),
        source: resultsSource,
        results: Object.entries(results).map(([benchmark, value]) => ({ benchmark, value })),
      };
    });
  const bundle = bundleSchema.safeParse({ benchmarks, models });
  if (!bundle.success) errors.push(...fieldErrorsOf(bundle.error.issues));
  if (errors.length > 0 || !bundle.success) {
    throw invalidRequest(`seed data in ${dataDir}`, errors);
  }
  return bundle.data;
}

/**
 * The planner's architecture parameters for a model, `architectures/<model-id>.yaml`, or
 * undefined when the planner has not written one.
 */
export function readArchitectureSpec(dataDir: string, modelId: string): Record<string, unknown> | undefined {
  const file = path.join(dataDir, 'architectures', `${modelId}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  const spec = readYaml(file);
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new DevupError('invalid_request', `${file} must hold a YAML mapping`);
  }
  return spec as Record<string, unknown>;
}

function readYaml(file: string): unknown {
  return YAML.parse(fs.readFileSync(file, 'utf8'));
}
