import type { DevupError } from '../../../errors.js';
import { anthropicErrorBody } from '../../../providers/anthropic/anthropic-errors.js';
import { stopReason } from '../../../providers/anthropic/messages-response.js';
import type { Usage } from '../../../providers/provider.js';
import { readChatDelta, type ToolCallDelta } from '../chat-chunk.js';
import type { AnswerContext, StreamEncoder } from '../dialect.js';
import { messageId } from './message-object.js';

const json = JSON.stringify;

/**
 * Chat chunks → Anthropic's Messages events, the inverse of the Anthropic provider's
 * `MessagesStreamTranslator`: `message_start` and a `ping`, then one content block at a time
 * (`content_block_start`, `content_block_delta` with `text_delta` or `input_json_delta`,
 * `content_block_stop`), and at the end `message_delta` (stop_reason, usage) and `message_stop`.
 * `message_start` carries the input tokens where the provider knows them by the first chunk (the
 * embedded engine, Anthropic targets), as Anthropic's own does (clients such as Claude Code read
 * them there); OpenAI-compatible upstreams tell the prompt's tokens only in their last chunk, so
 * there it says 0. `message_delta` tells the final counts either way. A failure midway is an
 * `error` event in Anthropic's error shape.
 *
 * @example
 *   const encoder = new MessagesEncoder('claude', { requestId: 'r1', createdAt: 0 });
 *   encoder.open(12); // 'event: message_start\ndata: {…}\n\nevent: ping…'
 *   encoder.chunk('{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}'); // content_block_start, text_delta
 */
export class MessagesEncoder implements StreamEncoder {
  /** The index of the open block, -1 before the first. */
  private index = -1;
  private openBlock: 'text' | 'tool' | undefined;
  /** The chat tool-call index of the open tool block. */
  private toolIndex = -1;
  private finishReason: string | null = null;
  /** The head every delta of the open block shares. */
  private deltaHead = '';

  constructor(
    private readonly model: string,
    private readonly context: AnswerContext,
  ) {}

  open(promptTokens: number | undefined): string {
    const message = {
      id: messageId(this.context),
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: promptTokens ?? 0, output_tokens: 0 },
    };
    return `event: message_start\ndata: {"type":"message_start","message":${json(message)}}\n\nevent: ping\ndata: {"type":"ping"}\n\n`;
  }

  chunk(payload: string): string {
    const delta = readChatDelta(payload);
    if (!delta) return ''; // the usage chunk: usage comes from the provider at the end
    let events = '';
    if (delta.content) {
      if (this.openBlock !== 'text') events += this.start('text', { type: 'text', text: '' });
      events += `${this.deltaHead}{"type":"text_delta","text":${json(delta.content)}}}\n\n`;
    }
    if (delta.toolCalls) for (const call of delta.toolCalls) events += this.toolDelta(call);
    if (delta.finishReason) this.finishReason = delta.finishReason;
    return events;
  }

  close(usage: Usage | undefined): string {
    const tokens = { input_tokens: usage?.promptTokens ?? 0, output_tokens: usage?.completionTokens ?? 0 };
    const delta = { stop_reason: stopReason(this.finishReason), stop_sequence: null };
    return `${this.stop()}event: message_delta\ndata: {"type":"message_delta","delta":${json(delta)},"usage":${json(tokens)}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n`;
  }

  fail(error: DevupError): string {
    return `event: error\ndata: ${json(anthropicErrorBody(error.status, error.message))}\n\n`;
  }

  private toolDelta(call: ToolCallDelta): string {
    const index = call.index ?? 0;
    let events = '';
    if (this.openBlock !== 'tool' || index !== this.toolIndex) {
      this.toolIndex = index;
      const id = call.id ?? `toolu_${this.context.requestId}_${index}`;
      events += this.start('tool', { type: 'tool_use', id, name: call.function?.name ?? '', input: {} });
    }
    const piece = call.function?.arguments;
    if (piece) events += `${this.deltaHead}{"type":"input_json_delta","partial_json":${json(piece)}}}\n\n`;
    return events;
  }

  private start(kind: 'text' | 'tool', block: Record<string, unknown>): string {
    const events = this.stop();
    this.index += 1;
    this.openBlock = kind;
    this.deltaHead = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${this.index},"delta":`;
    return `${events}event: content_block_start\ndata: {"type":"content_block_start","index":${this.index},"content_block":${json(block)}}\n\n`;
  }

  private stop(): string {
    if (this.openBlock === undefined) return '';
    this.openBlock = undefined;
    return `event: content_block_stop\ndata: {"type":"content_block_stop","index":${this.index}}\n\n`;
  }
}
