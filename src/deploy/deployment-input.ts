import { z } from 'zod';
import { DevupError } from '../errors.js';
import type { DeploymentTarget } from './deployment-target.js';

/** Target kinds by name (`endpoint`, `anthropic`, `process`, `embedded`, `kubernetes`). */
export type TargetKinds = ReadonlyMap<string, DeploymentTarget>;

/** Deployment names are what clients send as `model`: letters, digits and `._:/@-`. */
export const deploymentNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'must start with a letter or digit and hold only letters, digits and . _ : @ / -');

const positiveMs = z.number().int().min(1).max(3_600_000);

export const timeoutsSchema = z.object({ connectMs: positiveMs, firstByteMs: positiveMs, idleMs: positiveMs }).partial().strict();

export const settingsSchema = z
  .object({
    pricing: z
      .object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) })
      .strict()
      .optional(),
    timeouts: timeoutsSchema.optional(),
    healthIntervalMs: z.number().int().min(100).max(3_600_000).optional(),
  })
  .strict();

/**
 * The body of `POST /api/deployments`. Each target's `spec` is checked by its kind's
 * `parseSpec`, so one 400 lists every bad field of every target.
 *
 * @example
 *   { "name": "deepseek", "model": "deepseek-v3",
 *     "targets": [{ "kind": "endpoint", "spec": { "url": "https://api.deepseek.com/v1", "upstreamModel": "deepseek-chat" }, "secret": "sk-…" }],
 *     "fallbacks": ["deepseek-local"], "settings": { "timeouts": { "firstByteMs": 30000 } } }
 */
export function deploymentInputSchema(kinds: TargetKinds) {
  return z
    .object({
      name: deploymentNameSchema,
      model: z.string().min(1).max(200).optional(),
      targets: z.array(targetInputSchema(kinds)).min(1).max(32),
      fallbacks: z.array(deploymentNameSchema).max(8).default([]),
      settings: settingsSchema.default({}),
      /** Start it now (default) or only record it. */
      start: z.boolean().default(true),
    })
    .strict();
}

export type DeploymentInput = z.output<ReturnType<typeof deploymentInputSchema>>;

function targetInputSchema(kinds: TargetKinds) {
  return z
    .object({
      kind: z.string().min(1),
      weight: z.number().positive().max(1_000_000).default(1),
      spec: z.record(z.string(), z.unknown()).default({}),
      /** Upstream API key; stored encrypted, never returned. */
      secret: z.string().min(1).max(16_384).optional(),
    })
    .strict()
    .transform((target, context) => {
      const kind = kinds.get(target.kind);
      if (!kind) {
        context.issues.push({
          code: 'custom',
          path: ['kind'],
          input: target.kind,
          message: `unknown target kind '${target.kind}'; known: ${[...kinds.keys()].join(', ')}`,
        });
        return z.NEVER;
      }
      try {
        return { ...target, spec: kind.parseSpec(target.spec) };
      } catch (error) {
        const fieldErrors =
          DevupError.isInstance(error) && error.fieldErrors ? error.fieldErrors : [{ path: '', message: (error as Error).message }];
        for (const fieldError of fieldErrors) {
          const path = fieldError.path ? fieldError.path.split('.') : [];
          context.issues.push({ code: 'custom', path: ['spec', ...path], input: target.spec, message: fieldError.message });
        }
        return z.NEVER;
      }
    });
}
