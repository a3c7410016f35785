import { createAnthropicProvider } from '../../providers/anthropic/anthropic-provider.js';
import { parseOrThrow } from '../../validation.js';
import type { DeploymentTarget } from '../deployment-target.js';
import { splitUrl } from '../spec-secrets.js';
import { httpTargetSpec, mergeTimeouts, splitHttpSecrets, waitForHealth, type HttpTargetSpec } from './http-target-spec.js';

const specSchema = httpTargetSpec('https://api.anthropic.com');

/**
 * Target `anthropic`: Anthropic's Messages API (or a compatible proxy), served to clients as
 * OpenAI chat completions by the Anthropic provider. Spec: `url` (default
 * https://api.anthropic.com), `upstreamModel` (e.g. `claude-sonnet-4-5`), `headers`
 * (e.g. `anthropic-beta`), `timeouts`; the target's secret is sent as `x-api-key`. Header values
 * and URL credentials are encrypted at rest like the secret and shown as `***`.
 *
 * @example { "kind": "anthropic", "spec": { "upstreamModel": "claude-sonnet-4-5" }, "secret": "sk-ant-…" }
 */
export const anthropicTarget: DeploymentTarget<HttpTargetSpec> = {
  kind: 'anthropic',
  parseSpec: (input) => parseOrThrow(specSchema, input, 'anthropic spec'),
  splitSecrets: splitHttpSecrets,
  async start(spec, context) {
    const provider = createAnthropicProvider({
      baseUrl: spec.url,
      apiKey: context.secret,
      headers: spec.headers,
      timeouts: mergeTimeouts(context.timeouts, spec.timeouts),
    });
    try {
      await waitForHealth((signal) => provider.health(signal), context.signal);
    } catch (error) {
      await provider.close();
      throw error;
    }
    return {
      provider,
      address: splitUrl(spec.url).shown,
      upstreamModel: spec.upstreamModel,
      timeouts: spec.timeouts,
      stop: () => provider.close(),
    };
  },
};
