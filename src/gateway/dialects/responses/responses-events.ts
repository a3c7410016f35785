import type { DevupError } from '../../../errors.js';
import type { Usage } from '../../../providers/provider.js';
import { readChatDelta, type ToolCallDelta } from '../chat-chunk.js';
import type { AnswerContext, StreamEncoder } from '../dialect.js';
import { messageItem, outputText, responseObject, responsesUsage, statusOf, type OutputItem } from './response-object.js';
import type { ResponsesRequest } from './responses-schema.js';

const json = JSON.stringify;

interface OpenItem {
  item: OutputItem;
  outputIndex: number;
  /** The text or the arguments so far. */
  text: string;
}

/**
 * Chat chunks → the Responses API's typed SSE events, each with its `sequence_number`:
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added`
 * (+ `response.content_part.added` for text), `response.output_text.delta` or
 * `response.function_call_arguments.delta`, and at the end their `….done` events and
 * `response.completed` (or `response.incomplete` when the answer was cut) with the whole Response
 * and its usage. A failure midway is an `error` event, then `response.failed`.
 *
 * @example
 *   const encoder = new ResponsesEncoder(request, { requestId: 'r1', createdAt: 0 });
 *   encoder.open(undefined); // 'event: response.created\ndata: {…"sequence_number":0…}\n\nevent: response.in_progress…'
 *   encoder.chunk('{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}'); // output_item.added … output_text.delta
 */
export class ResponsesEncoder implements StreamEncoder {
  private sequence = 0;
  private readonly items: OpenItem[] = [];
  private text: OpenItem | undefined;
  /** Chat tool-call index → its open item. */
  private readonly calls = new Map<number, OpenItem>();
  private finishReason: string | null = null;
  /** The head every text delta of the message item shares. */
  private deltaHead = '';

  constructor(
    private readonly request: ResponsesRequest,
    private readonly context: AnswerContext,
  ) {}

  open(): string {
    const response = `"response":${json(responseObject(this.request, this.context, { status: 'in_progress', output: [] }))}`;
    return this.event('response.created', response) + this.event('response.in_progress', response);
  }

  chunk(payload: string): string {
    const delta = readChatDelta(payload);
    if (!delta) return ''; // the usage chunk: usage comes from the provider at the end
    let events = delta.content ? this.textDelta(delta.content) : '';
    if (delta.toolCalls) for (const call of delta.toolCalls) events += this.callDelta(call);
    if (delta.finishReason) this.finishReason = delta.finishReason;
    return events;
  }

  close(usage: Usage | undefined): string {
    // An answer with neither text nor calls still has its (empty) message.
    let events = this.items.length === 0 ? this.openText() : '';
    for (const open of this.items) events += this.itemDone(open);
    const status = statusOf(this.finishReason);
    const response = responseObject(this.request, this.context, {
      status,
      finishReason: this.finishReason,
      output: this.items.map((open) => open.item),
      usage: usage ? responsesUsage(usage.promptTokens, usage.completionTokens) : null,
    });
    return events + this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', `"response":${json(response)}`);
  }

  fail(error: DevupError): string {
    const response = responseObject(this.request, this.context, {
      status: 'failed',
      output: this.items.map((open) => open.item),
      error: { code: error.code, message: error.message },
    });
    return (
      this.event('error', `"code":${json(error.code)},"message":${json(error.message)},"param":${json(error.param)}`) +
      this.event('response.failed', `"response":${json(response)}`)
    );
  }

  private textDelta(text: string): string {
    const opening = this.text ? '' : this.openText();
    (this.text as OpenItem).text += text;
    return `${opening}${this.event('response.output_text.delta', `${this.deltaHead}"delta":${json(text)},"logprobs":[]`)}`;
  }

  private openText(): string {
    const open = this.add(messageItem(`msg_${this.context.requestId}`, '', 'in_progress'));
    this.text = open;
    const at = `"item_id":${json(open.item.id)},"output_index":${open.outputIndex},"content_index":0`;
    this.deltaHead = `${at},`;
    return (
      this.event('response.output_item.added', `"output_index":${open.outputIndex},"item":${json(open.item)}`) +
      this.event('response.content_part.added', `${at},"part":${json(outputText(''))}`)
    );
  }

  private callDelta(call: ToolCallDelta): string {
    const index = call.index ?? 0;
    let open = this.calls.get(index);
    let events = '';
    if (!open) {
      const callId = call.id ?? `call_${this.context.requestId}_${index}`;
      const item: OutputItem = {
        type: 'function_call',
        id: `fc_${callId}`,
        call_id: callId,
        name: call.function?.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      open = this.add(item);
      this.calls.set(index, open);
      events += this.event('response.output_item.added', `"output_index":${open.outputIndex},"item":${json(item)}`);
    }
    const piece = call.function?.arguments;
    if (piece) {
      open.text += piece;
      events += this.event(
        'response.function_call_arguments.delta',
        `"item_id":${json(open.item.id)},"output_index":${open.outputIndex},"delta":${json(piece)}`,
      );
    }
    return events;
  }

  private add(item: OutputItem): OpenItem {
    const open = { item, outputIndex: this.items.length, text: '' };
    this.items.push(open);
    return open;
  }

  private itemDone(open: OpenItem): string {
    const { item, outputIndex } = open;
    let events = '';
    if (item.type === 'message') {
      const at = `"item_id":${json(item.id)},"output_index":${outputIndex},"content_index":0`;
      const part = outputText(open.text);
      events += this.event('response.output_text.done', `${at},"text":${json(open.text)},"logprobs":[]`);
      events += this.event('response.content_part.done', `${at},"part":${json(part)}`);
      open.item = { ...item, status: 'completed', content: [part] };
    } else {
      events += this.event(
        'response.function_call_arguments.done',
        `"item_id":${json(item.id)},"output_index":${outputIndex},"name":${json(item.name)},"arguments":${json(open.text)}`,
      );
      open.item = { ...item, arguments: open.text, status: 'completed' };
    }
    return `${events}${this.event('response.output_item.done', `"output_index":${outputIndex},"item":${json(open.item)}`)}`;
  }

  /** One SSE event: its name, and the data with its type and sequence number first. */
  private event(type: string, fields: string): string {
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${this.sequence++},${fields}}\n\n`;
  }
}
