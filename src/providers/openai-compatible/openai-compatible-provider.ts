import { redactUrl } from '../../redact-url.js';
import type { TargetTimeouts } from '../target-timeouts.js';
import { DevupError } from '../../errors.js';
import { UpstreamError, type Operation, type Provider, type ProviderReply, type Usage } from '../provider.js';
import { assertNotErrorPayload, readSseStream, type SseStreamOptions } from '../sse-payloads.js';
import { readJson, UpstreamClient } from '../upstream-client.js';
import { chunkTextCharacters, estimatedUsage } from '../usage-estimate.js';

export interface OpenAICompatibleProviderOptions {
  /** Base URL including the API prefix, e.g. `http://127.0.0.1:8000/v1` (vLLM) or `https://api.deepseek.com/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Extra headers for every request (e.g. `OpenAI-Organization`); they override the defaults. */
  headers?: Record<string, string>;
  timeouts: TargetTimeouts;
}

const paths: Record<Exclude<Operation, 'count_tokens'>, string> = {
  chat: '/chat/completions',
  completion: '/completions',
  embeddings: '/embeddings',
};

/**
 * A Provider for any server speaking the OpenAI HTTP API: vLLM, SGLang, TGI, llama.cpp's
 * llama-server, Ollama's `/v1`, LM Studio, hosted APIs (OpenAI, DeepSeek, Together, Groq…).
 * Request bodies go out exactly as given (unknown fields included; a JSON request as the client's
 * own text when the gateway has it), except that a stream always asks for usage (so a stream's
 * body is always serialised here); JSON answers come back with their exact text in `reply.text`; streams yield each
 * SSE data payload as it arrives, up to `[DONE]`, without the usage the client did not ask for.
 *
 * @example
 *   const provider = createOpenAICompatibleProvider({ baseUrl: 'http://127.0.0.1:8000/v1', timeouts: defaultTimeouts });
 *   const reply = await provider.call({ operation: 'chat', body: { model: 'qwen', messages, stream: true }, signal });
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): Provider {
  // The label goes into error messages: the URL's credentials stay out of it.
  const label = `openai-compatible ${redactUrl(options.baseUrl)}`;
  const client = new UpstreamClient({
    baseUrl: options.baseUrl,
    headers: { ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}), ...options.headers },
    timeouts: options.timeouts,
    label,
  });

  return {
    kind: 'openai-compatible',

    async call({ operation, body, text, signal }): Promise<ProviderReply> {
      if (operation === 'count_tokens') {
        throw new DevupError(
          'invalid_request',
          'This deployment cannot count tokens: OpenAI-compatible servers have no token-counting API',
          {
            param: 'model',
          },
        );
      }
      if (body.stream === true) {
        // Every stream is accounted: usage is asked for always, and its chunk dropped if the client did not ask.
        const streamOptions = body.stream_options as Record<string, unknown> | null | undefined;
        const clientWantsUsage = streamOptions?.include_usage === true;
        const sent = clientWantsUsage ? body : { ...body, stream_options: { ...streamOptions, include_usage: true } };
        const response = await client.post(paths[operation], JSON.stringify(sent), signal);
        const tap = new StreamUsageTap(label, clientWantsUsage);
        const chunks = await readSseStream(response, signal, label, tap);
        return { kind: 'stream', chunks, usage: () => tap.usage ?? estimatedUsage(operation, body, tap.deliveredCharacters) };
      }
      const response = await client.post(paths[operation], text ?? JSON.stringify(body), signal);
      const answer = await readJson(response, signal, label);
      return { kind: 'json', body: answer.body, usage: usageOf(answer.body), text: answer.text };
    },

    async health(signal) {
      const response = await client.get('/models', signal);
      await response.dump();
    },

    close: () => client.close(),
  };
}

/**
 * One stream's payloads: passed on as the upstream wrote them, except the one that tells the
 * usage, which is read, and dropped (or stripped of its usage when it also has choices) when the
 * client did not ask for usage. Counts the generated text that passes, for a stream that ends
 * without a usage report.
 */
class StreamUsageTap implements SseStreamOptions {
  usage: Usage | undefined = undefined;
  deliveredCharacters = 0;

  constructor(
    private readonly label: string,
    private readonly clientWantsUsage: boolean,
  ) {}

  isLast(payload: string): boolean {
    return payload === '[DONE]';
  }

  map(payload: string, started: boolean): string | string[] {
    assertNotErrorPayload(payload, this.label, started);
    this.deliveredCharacters += chunkTextCharacters(payload);
    // Only payloads that mention usage are parsed. The search is for `usage"`, not `"usage"`: string
    // search runs from the pattern's first character, and a quote, frequent in JSON, made it 5×
    // slower per chunk. A text that ends a string with the word is parsed for nothing, harmlessly.
    if (!payload.includes('usage"')) return payload;
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      throw new UpstreamError(`${this.label} sent a chunk that is not JSON: ${payload.slice(0, 200)}`, undefined, false);
    }
    this.usage = usageOf(chunk) ?? this.usage;
    if (this.clientWantsUsage) return payload;
    if (!Array.isArray(chunk.choices) || chunk.choices.length === 0) return [];
    delete chunk.usage;
    return JSON.stringify(chunk);
  }
}

/** Normalised usage of an OpenAI answer or chunk; embeddings have no completion tokens. */
function usageOf(body: Record<string, unknown>): Usage | undefined {
  const usage = body.usage as { prompt_tokens?: number; completion_tokens?: number } | null | undefined;
  if (!usage || typeof usage.prompt_tokens !== 'number') return undefined;
  return { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens ?? 0 };
}
