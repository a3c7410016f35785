import { z } from 'zod';
import { timeoutsSchema } from '../deployment-input.js';
import type { TargetTimeouts } from '../../providers/target-timeouts.js';
import { definedFields, splitUrl, splitValues, type SplitSpec } from '../spec-secrets.js';

const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Spec fields shared by targets that talk to an existing HTTP server (`endpoint`, `anthropic`).
 * The API key is not part of the spec: it travels as the target's `secret`, encrypted at rest;
 * header values and URL credentials are encrypted too (`splitHttpSecrets`).
 */
export function httpTargetSpec(defaultUrl?: string) {
  const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
  return z
    .object({
      url: defaultUrl ? url.default(defaultUrl) : url,
      /** The model name the upstream expects; defaults to the deployment's model, else its name. */
      upstreamModel: z.string().min(1).max(200).optional(),
      headers: z.record(z.string().regex(headerName, 'must be a valid header name'), z.string().max(8192)).default({}),
      timeouts: timeoutsSchema.optional(),
    })
    .strict();
}

export type HttpTargetSpec = z.output<ReturnType<typeof httpTargetSpec>>;

/** Every header value (any may be a credential) and the URL's `user:pass@` and `?api_key=` are secret. */
export function splitHttpSecrets(spec: HttpTargetSpec): SplitSpec<HttpTargetSpec> {
  const url = splitUrl(spec.url);
  const headers = splitValues(spec.headers);
  return {
    spec: { ...spec, url: url.shown, headers: headers.shown },
    secrets: definedFields({ url: url.secret, headers: headers.secret }),
  };
}

export function mergeTimeouts(base: TargetTimeouts, own: Partial<TargetTimeouts> | undefined): TargetTimeouts {
  return { ...base, ...own };
}

/**
 * A freshly configured upstream may still be starting: check its health a few times before
 * calling the start failed.
 */
export async function waitForHealth(
  check: (signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  attempts = 3,
  spacingMs = 1_000,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await check(AbortSignal.any([signal, AbortSignal.timeout(5_000)]));
      return;
    } catch (error) {
      if (attempt >= attempts || signal.aborted) throw new Error(`health check failed: ${(error as Error).message}`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, spacingMs));
  }
}
