import { redactUrl } from '../../redact-url.js';
import type { TargetTimeouts } from '../target-timeouts.js';
import { DevupError } from '../../errors.js';
import { UpstreamError, type Provider, type ProviderReply } from '../provider.js';
import { readSseStream } from '../sse-payloads.js';
import { readJson, UpstreamClient } from '../upstream-client.js';
import { toMessagesCall, toMessagesRequest } from './messages-request.js';
import { normalizedUsage, toChatCompletion, toTextCompletion, type AnthropicMessage } from './messages-response.js';
import { MessagesStreamTranslator } from './messages-stream.js';

export interface AnthropicProviderOptions {
  /** Default `https://api.anthropic.com`; a trailing `/v1` is accepted and ignored. */
  baseUrl?: string;
  /** Sent as `x-api-key`. */
  apiKey?: string;
  /** Extra headers for every request (e.g. `anthropic-beta`); they override the defaults. */
  headers?: Record<string, string>;
  timeouts: TargetTimeouts;
  /** The `anthropic-version` header, default `2023-06-01`. */
  anthropicVersion?: string;
}

/**
 * A Provider for Anthropic's Messages API that speaks OpenAI shapes to the gateway: chat and
 * completions are translated to `POST /v1/messages` and back (see toMessagesCall,
 * toChatCompletion and MessagesStreamTranslator; a `response_format` is answered through a forced tool, see formatTool), count_tokens to `POST /v1/messages/count_tokens`;
 * embeddings are refused with `invalid_request` because Anthropic has none. Health is `GET /v1/models`.
 *
 * @example
 *   const provider = createAnthropicProvider({ apiKey, timeouts: defaultTimeouts });
 *   const reply = await provider.call({ operation: 'chat', body: { model: 'claude-sonnet-4-5', messages }, signal });
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const baseUrl = (options.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '').replace(/\/v1$/, '');
  const label = `anthropic ${redactUrl(baseUrl)}`;
  const client = new UpstreamClient({
    baseUrl,
    headers: {
      ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      'anthropic-version': options.anthropicVersion ?? '2023-06-01',
      ...options.headers,
    },
    timeouts: options.timeouts,
    label,
  });

  /** Anthropic's own count of a chat request's prompt (`POST /v1/messages/count_tokens` takes the prompt fields only). */
  async function countTokens(body: Record<string, unknown>, signal: AbortSignal): Promise<ProviderReply> {
    const { model, system, messages, tools, tool_choice, thinking } = toMessagesRequest(body, 'chat');
    const response = await client.post(
      '/v1/messages/count_tokens',
      JSON.stringify({ model, system, messages, tools, tool_choice, thinking }),
      signal,
    );
    const answer = (await readJson(response, signal, label)).body;
    if (typeof answer.input_tokens !== 'number')
      throw new UpstreamError(`${label}: count_tokens answered without input_tokens`, undefined, false);
    return { kind: 'json', body: { input_tokens: answer.input_tokens } };
  }

  return {
    kind: 'anthropic',

    async call({ operation, body, signal }): Promise<ProviderReply> {
      if (operation === 'embeddings') {
        throw new DevupError('invalid_request', 'Anthropic has no embeddings API; deploy an embedding model for this deployment', {
          param: 'model',
        });
      }
      if (operation === 'count_tokens') return countTokens(body, signal);
      const { request, formatTool } = toMessagesCall(body, operation);
      const response = await client.post('/v1/messages', JSON.stringify(request), signal);
      if (request.stream === true) {
        const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
        const translator = new MessagesStreamTranslator(operation, includeUsage, label, formatTool);
        const chunks = await readSseStream(response, signal, label, {
          isLast: isMessageStop,
          map: (payload) => translator.translate(payload),
          onEnd() {
            if (!translator.finished)
              throw new UpstreamError(`${label}: the stream ended before its message_delta event`, undefined, false);
          },
        });
        return { kind: 'stream', chunks, usage: () => translator.usage(), promptTokens: () => translator.promptTokens() };
      }
      const message = (await readJson(response, signal, label)).body as unknown as AnthropicMessage;
      return {
        kind: 'json',
        body: operation === 'chat' ? toChatCompletion(message, { formatTool }) : toTextCompletion(message),
        usage: normalizedUsage(message.usage ?? {}),
      };
    },

    async health(signal) {
      const response = await client.get('/v1/models', signal);
      await response.dump();
    },

    close: () => client.close(),
  };
}

/** Anthropic sends compact JSON; inside a JSON string the quotes would be escaped, so this cannot match text. */
const isMessageStop = (payload: string) => payload.includes('"type":"message_stop"');
