import type { LlamaContext, LlamaModel, Token } from 'node-llama-cpp';
import { loadLlamaRuntime } from '../../../src/engine/runtime/llama-runtime.js';

export interface Reference {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
}

/**
 * Greedy generation straight through node-llama-cpp (no gateway, no provider): the engine's own
 * answer and token counts that the gateway's answers are compared with.
 */
export class DirectReference {
  private constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
  ) {}

  static async open(file: string): Promise<DirectReference> {
    const llama = await loadLlamaRuntime();
    const model = await llama.loadModel({ modelPath: file });
    const context = await model.createContext({ contextSize: 256, sequences: 1, threads: 1 });
    return new DirectReference(model, context);
  }

  /** Prompt text → tokens as the engine feeds them (BOS first). */
  promptTokens(text: string): Token[] {
    return [this.model.tokens.bos!, ...this.model.tokenize(text, false)];
  }

  async generate(prompt: string, maxTokens: number, stops: string[] = []): Promise<Reference> {
    const sequence = this.context.getSequence();
    const tokens = this.promptTokens(prompt);
    const generated: Token[] = [];
    let text = '';
    let finishReason: Reference['finishReason'] = 'stop';
    try {
      for await (const token of sequence.evaluate(tokens, { temperature: 0 })) {
        generated.push(token);
        text = this.model.detokenize(generated);
        const stopAt = Math.min(...stops.map((stop) => text.indexOf(stop)).filter((index) => index >= 0));
        if (Number.isFinite(stopAt)) {
          text = text.slice(0, stopAt);
          break;
        }
        if (generated.length >= maxTokens) {
          finishReason = 'length';
          break;
        }
      }
    } finally {
      sequence.dispose();
    }
    return { text, promptTokens: tokens.length, completionTokens: generated.length, finishReason };
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}
