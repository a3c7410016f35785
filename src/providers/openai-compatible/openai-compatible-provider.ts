import type { TargetTimeouts } from '../target-timeouts.js';
import type { Operation, Provider, ProviderReply, Usage } from '../provider.js';
import { assertNotErrorPayload, readSseStream } from '../sse-payloads.js';
import { readJson, UpstreamClient } from '../upstream-client.js';

export interface OpenAICompatibleProviderOptions {
  /** Base URL including the API prefix, e.g. `http://127.0.0.1:8000/v1` (vLLM) or `https://api.deepseek.com/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Extra headers for every request (e.g. `OpenAI-Organization`); they override the defaults. */
  headers?: Record<string, string>;
  timeouts: TargetTimeouts;
}

const paths: Record<Operation, string> = {
  chat: '/chat/completions',
  completion: '/completions',
  embeddings: '/embeddings',
};

/**
 * A Provider for any server speaking the OpenAI HTTP API: vLLM, SGLang, TGI, llama.cpp's
 * llama-server, Ollama's `/v1`, LM Studio, hosted APIs (OpenAI, DeepSeek, Together, Groq…).
 * Request bodies go out exactly as given (unknown fields included); JSON answers come back with
 * their exact text in `reply.text`; streams yield each SSE data payload as it arrives, up to
 * `[DONE]`.
 *
 * @example
 *   const provider = createOpenAICompatibleProvider({ baseUrl: 'http://127.0.0.1:8000/v1', timeouts: defaultTimeouts });
 *   const reply = await provider.call({ operation: 'chat', body: { model: 'qwen', messages, stream: true }, signal });
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): Provider {
  const label = `openai-compatible ${options.baseUrl}`;
  const client = new UpstreamClient({
    baseUrl: options.baseUrl,
    headers: { ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}), ...options.headers },
    timeouts: options.timeouts,
    label,
  });

  const streamOptions = {
    isLast: (payload: string) => payload === '[DONE]',
    map(payload: string, started: boolean) {
      assertNotErrorPayload(payload, label, started);
      return payload;
    },
  };

  return {
    kind: 'openai-compatible',

    async call({ operation, body, signal }): Promise<ProviderReply> {
      const response = await client.post(paths[operation], JSON.stringify(body), signal);
      if (body.stream === true) {
        return { kind: 'stream', chunks: await readSseStream(response, signal, label, streamOptions) };
      }
      const { body: answer, text } = await readJson(response, signal, label);
      return { kind: 'json', body: answer, usage: usageOf(answer), text };
    },

    async health(signal) {
      const response = await client.get('/models', signal);
      await response.dump();
    },

    close: () => client.close(),
  };
}

/** Normalised usage of an OpenAI answer; embeddings have no completion tokens. */
export function usageOf(body: Record<string, unknown>): Usage | undefined {
  const usage = body.usage as { prompt_tokens?: number; completion_tokens?: number } | null | undefined;
  if (!usage || typeof usage.prompt_tokens !== 'number') return undefined;
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens ?? 0 };
}
