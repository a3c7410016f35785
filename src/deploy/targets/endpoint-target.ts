import { createOpenAICompatibleProvider } from '../../providers/openai-compatible/openai-compatible-provider.js';
import { parseOrThrow } from '../../validation.js';
import type { DeploymentTarget } from '../deployment-target.js';
import { splitUrl } from '../spec-secrets.js';
import { httpTargetSpec, mergeTimeouts, splitHttpSecrets, waitForHealth, type HttpTargetSpec } from './http-target-spec.js';

const specSchema = httpTargetSpec();

/**
 * Target `endpoint`: an OpenAI-compatible server that already runs (vLLM, SGLang, TGI,
 * llama-server, Ollama's `/v1`, hosted APIs). Spec: `url` (with the `/v1` prefix),
 * `upstreamModel`, `headers`, `timeouts`; the target's secret is sent as `Authorization: Bearer`.
 * Header values and URL credentials are encrypted at rest like the secret and shown as `***`.
 * It must answer `GET {url}/models` to start; the manager keeps checking it afterwards.
 *
 * @example { "kind": "endpoint", "spec": { "url": "https://api.deepseek.com/v1", "upstreamModel": "deepseek-chat" }, "secret": "sk-…" }
 */
export const endpointTarget: DeploymentTarget<HttpTargetSpec> = {
  kind: 'endpoint',
  parseSpec: (input) => parseOrThrow(specSchema, input, 'endpoint spec'),
  splitSecrets: splitHttpSecrets,
  async start(spec, context) {
    const timeouts = mergeTimeouts(context.timeouts, spec.timeouts);
    const provider = createOpenAICompatibleProvider({ baseUrl: spec.url, apiKey: context.secret, headers: spec.headers, timeouts });
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
