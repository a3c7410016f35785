import { UpstreamError, type Usage } from '../provider.js';
import { anthropicErrorStatus } from './anthropic-errors.js';
import { estimatedTokens } from '../usage-estimate.js';
import { finishReason, normalizedUsage, openAIUsage, type AnthropicUsage } from './messages-response.js';

const json = JSON.stringify;

/**
 * Translates a Messages API event stream into OpenAI chunks, one event at a time.
 * message_start → (held) first chunk with `role: assistant`, sent with the first content so that
 * an error before any content still fails the call and can be retried; text_delta → content
 * deltas; thinking_delta → `reasoning_content` deltas (the field DeepSeek and vLLM use); tool_use blocks and input_json_delta → `tool_calls` deltas; message_delta → the final
 * chunk with finish_reason, then the usage chunk (`choices: []`) when `includeUsage`; ping and
 * block stops → nothing; an error event → UpstreamError. In `completion` mode the chunks are
 * `text_completion` objects. With `formatTool` (the tool a `response_format` became), that tool's
 * input_json_delta pieces are the content deltas, text blocks are left out, and a turn that ended
 * only to deliver it finishes with `stop` (as `toChatCompletion` answers it whole).
 *
 * @example
 *   const translator = new MessagesStreamTranslator('chat', true, 'anthropic');
 *   translator.translate('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}');
 *   // ['{"id":…,"choices":[{"index":0,"delta":{"role":"assistant","content":""},…}]}', '{…"delta":{"content":"Hi"}…}']
 */
export class MessagesStreamTranslator {
  /** True once the final chunk went out (message_delta seen). */
  finished = false;
  private prefix = '';
  private rolePending: boolean;
  private emitted = false;
  private usageSoFar: AnthropicUsage = {};
  /** Characters of text, reasoning and tool arguments passed on, for a stream cut before its final counts. */
  private deliveredCharacters = 0;
  private readonly toolIndexes = new Map<number, number>();
  /** The block index of the format tool's call, once it started. */
  private formatIndex: number | undefined;

  constructor(
    private readonly operation: 'chat' | 'completion',
    private readonly includeUsage: boolean,
    private readonly label: string,
    private readonly formatTool?: string,
  ) {
    this.rolePending = operation === 'chat';
  }

  /** The prompt's tokens, once message_start told them. */
  promptTokens(): number | undefined {
    return this.prefix ? normalizedUsage(this.usageSoFar).promptTokens : undefined;
  }

  /**
   * The answer's usage: the final counts once message_delta told them. Cut before that,
   * message_start's prompt count and the estimate of the text delivered so far, flagged.
   */
  usage(): Usage {
    const reported = normalizedUsage(this.usageSoFar);
    if (this.finished) return reported;
    const delivered = estimatedTokens(this.deliveredCharacters);
    return { promptTokens: reported.promptTokens, completionTokens: Math.max(reported.completionTokens, delivered), estimated: true };
  }

  /** The OpenAI chunks (JSON texts) for one Anthropic event payload; often none. */
  translate(payload: string): string[] {
    let event: any;
    try {
      event = JSON.parse(payload);
    } catch {
      throw new UpstreamError(`${this.label} sent an event that is not JSON: ${payload.slice(0, 200)}`, undefined, false);
    }
    switch (event.type) {
      case 'message_start': {
        const message = event.message ?? {};
        const object = this.operation === 'chat' ? 'chat.completion.chunk' : 'text_completion';
        // Every chunk shares this head; building it once saves a JSON.stringify of it per chunk.
        this.prefix = `{"id":${json(message.id)},"object":"${object}","created":${Math.floor(Date.now() / 1000)},"model":${json(message.model)},"choices":[`;
        this.addUsage(message.usage);
        return [];
      }
      case 'content_block_start':
        return this.blockStart(event.index, event.content_block ?? {});
      case 'content_block_delta':
        return this.blockDelta(event.index, event.delta ?? {});
      case 'message_delta': {
        this.addUsage(event.usage);
        const chunks = this.rolePending ? [this.roleChunk()] : [];
        const stopReason = event.delta?.stop_reason;
        const formatted = this.formatIndex !== undefined && this.toolIndexes.size === 0 && stopReason === 'tool_use';
        chunks.push(this.choice(this.operation === 'chat' ? '{}' : '""', formatted ? 'stop' : finishReason(stopReason)));
        if (this.includeUsage) chunks.push(`${this.prefix}],"usage":${json(openAIUsage(this.usageSoFar))}}`);
        this.finished = true;
        return chunks;
      }
      case 'error':
        throw this.streamError(event.error ?? {});
      default:
        return []; // ping, content_block_stop, message_stop and event types added later
    }
  }

  private blockStart(index: number, block: any): string[] {
    if (block.type === 'text' && block.text && this.formatTool === undefined) return this.content(block.text);
    if (block.type !== 'tool_use' || this.operation !== 'chat') return [];
    if (block.name === this.formatTool && this.formatIndex === undefined) {
      this.formatIndex = index;
      return [];
    }
    const toolIndex = this.toolIndexes.size;
    this.toolIndexes.set(index, toolIndex);
    const call = { index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } };
    return this.withRole(this.choice(`{"tool_calls":[${json(call)}]}`, null));
  }

  private blockDelta(index: number, delta: any): string[] {
    if (delta.type === 'text_delta') return this.formatTool === undefined ? this.content(delta.text ?? '') : [];
    if (delta.type === 'thinking_delta') {
      if (this.operation !== 'chat' || !delta.thinking) return [];
      this.deliveredCharacters += delta.thinking.length;
      return this.withRole(this.choice(`{"reasoning_content":${json(delta.thinking)}}`, null));
    }
    if (delta.type !== 'input_json_delta' || !delta.partial_json) return [];
    if (index === this.formatIndex) return this.content(delta.partial_json);
    const toolIndex = this.toolIndexes.get(index);
    if (toolIndex === undefined) return [];
    this.deliveredCharacters += delta.partial_json.length;
    return this.withRole(this.choice(`{"tool_calls":[{"index":${toolIndex},"function":{"arguments":${json(delta.partial_json)}}}]}`, null));
  }

  private content(text: string): string[] {
    this.deliveredCharacters += text.length;
    return this.withRole(this.choice(this.operation === 'chat' ? `{"content":${json(text)}}` : json(text), null));
  }

  private withRole(chunk: string): string[] {
    this.emitted = true;
    if (!this.rolePending) return [chunk];
    return [this.roleChunk(), chunk];
  }

  private roleChunk(): string {
    this.rolePending = false;
    return this.choice('{"role":"assistant","content":""}', null);
  }

  /** One chunk with one choice: `body` is the delta object (chat) or the text (completion), as JSON. */
  private choice(body: string, finish: string | null): string {
    const field = this.operation === 'chat' ? 'delta' : 'text';
    return `${this.prefix}{"index":0,"${field}":${body},"logprobs":null,"finish_reason":${finish === null ? 'null' : json(finish)}}]}`;
  }

  private addUsage(usage: AnthropicUsage | undefined) {
    if (!usage) return;
    for (const [key, value] of Object.entries(usage)) {
      if (typeof value === 'number') (this.usageSoFar as Record<string, number>)[key] = value;
    }
  }

  private streamError(error: { type?: string; message?: string }): UpstreamError {
    const status = anthropicErrorStatus(error.type);
    // Retryable only while the client has nothing yet: overloads, rate limits, server errors.
    const retryable = !this.emitted && (status === 429 || status >= 500);
    return new UpstreamError(`${this.label} stream error ${error.type ?? 'error'}: ${error.message ?? 'unknown'}`, status, retryable);
  }
}
