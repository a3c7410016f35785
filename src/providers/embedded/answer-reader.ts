import crypto from 'node:crypto';
import type { AnswerFormat } from './answer-format.js';

/** One call the model made; `arguments` is the JSON text it wrote. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What a piece of generated text adds to the answer. */
export type AnswerDelta = { kind: 'content'; text: string } | { kind: 'call'; call: ToolCall } | { kind: 'arguments'; text: string };

/**
 * Reads a generated answer as it arrives: plain content, or a tool call, which the grammar has the
 * model write as `{"name":"<tool>","arguments":{…}}` (compact, name first; blanks before it when
 * the model could also have answered in text). A call's arguments stream on as they come, one
 * character behind (the call object's closing brace is not part of them).
 *
 * @example
 *   const reader = new AnswerReader(format);
 *   reader.push('{"name":"get_weather","arguments":{"ci'); // [{ kind: 'call', call }, { kind: 'arguments', text: '{"c' }]
 */
export class AnswerReader {
  private mode: 'undecided' | 'content' | 'call';
  /** Undecided text, or the last character of a call not yet passed on. */
  private pending = '';
  content = '';
  call?: ToolCall;

  constructor(private readonly format: Pick<AnswerFormat, 'calls' | 'tools'>) {
    this.mode = format.calls === 'never' ? 'content' : 'undecided';
  }

  push(text: string): AnswerDelta[] {
    if (this.mode === 'content') return this.addContent(text);
    this.pending += text;
    if (this.mode === 'call') return this.addArguments(this.pending.slice(0, -1), this.pending.slice(-1));
    const written = this.pending.trimStart();
    if (written === '') return [];
    for (const tool of this.format.tools) {
      const prefix = `{"name":${JSON.stringify(tool.name)},"arguments":`;
      if (written.startsWith(prefix)) {
        this.mode = 'call';
        this.call = { id: `call_${crypto.randomBytes(18).toString('base64url')}`, name: tool.name, arguments: '' };
        this.pending = '';
        return [{ kind: 'call', call: { ...this.call } }, ...this.push(written.slice(prefix.length))];
      }
      if (prefix.startsWith(written)) return [];
    }
    this.mode = 'content';
    const undecided = this.pending;
    this.pending = '';
    return this.addContent(undecided);
  }

  /** The rest, once generation ended; `complete` when it ended on its own (the call object closed). */
  finish(complete: boolean): AnswerDelta[] {
    const rest = this.pending;
    this.pending = '';
    if (this.mode !== 'call') return rest ? this.addContent(rest) : [];
    return complete ? [] : this.addArguments(rest, '');
  }

  private addContent(text: string): AnswerDelta[] {
    this.content += text;
    return text ? [{ kind: 'content', text }] : [];
  }

  private addArguments(text: string, held: string): AnswerDelta[] {
    this.pending = held;
    this.call!.arguments += text;
    return text ? [{ kind: 'arguments', text }] : [];
  }
}
