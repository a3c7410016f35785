import fs from 'node:fs/promises';
import type { Provider, ProviderReply, ProviderRequest, Usage } from '../provider.js';
import { chatPromptTokens, completionPromptTokens } from './prompt-tokens.js';
import { embeddingsResponse } from './embeddings-request.js';
import type { EngineHolder, EngineUse } from '../../engine/runtime/engine-holder.js';
import { generateText, type GenerationOutcome, type GenerationProgress } from '../../engine/runtime/generate-text.js';
import { parseGenerationSettings } from './generation-settings.js';
import {
  answerIdentity,
  chatCompletion,
  chatDelta,
  chunkJson,
  textChunkTemplate,
  textCompletion,
  usageChunkJson,
} from './openai-shapes.js';
import { readAnswerFormat, type AnswerFormat } from './answer-format.js';
import { AnswerReader, type AnswerDelta } from './answer-reader.js';

export interface EmbeddedProviderOptions {
  holder: EngineHolder;
  file: string;
  /** Whether the GGUF carries a chat template (else chat uses the documented transcript fallback). */
  hasChatTemplate: boolean;
  /** Model name for answers when the request names none. */
  name: string;
}

/**
 * Provider over the in-process llama.cpp engine: chat, completions and embeddings, whole or
 * streamed, in OpenAI shapes, and exact prompt token counts (count_tokens). Requests share one context's parallel sequences; beyond them they
 * queue, and a full queue answers 503 `overloaded` with Retry-After.
 *
 * @example
 *   const provider = new EmbeddedProvider({ holder, file, hasChatTemplate: false, name: 'stories' });
 *   await provider.call({ operation: 'completion', body: { prompt: 'Once upon a time', max_tokens: 16 }, signal });
 */
export class EmbeddedProvider implements Provider {
  readonly kind = 'embedded';

  constructor(private readonly options: EmbeddedProviderOptions) {}

  async call(request: ProviderRequest): Promise<ProviderReply> {
    const model = typeof request.body.model === 'string' ? request.body.model : this.options.name;
    request.signal.throwIfAborted();
    const use = await this.options.holder.acquire();
    try {
      if (request.operation === 'embeddings') {
        const { body, promptTokens } = await embeddingsResponse(use.engine, request.body, model);
        use.done();
        return { kind: 'json', body, usage: { promptTokens, completionTokens: 0 } };
      }
      if (request.operation === 'count_tokens') {
        // Exact: the prompt as the model would read it, chat template and tool instructions included.
        const prompt = await chatPromptTokens(use.engine, request.body, this.options.hasChatTemplate, readAnswerFormat(request.body));
        use.done();
        return { kind: 'json', body: { input_tokens: prompt.tokens.length } };
      }
      return await this.generate(use, request, request.operation, model);
    } catch (error) {
      use.done();
      throw error;
    }
  }

  async health(): Promise<void> {
    await fs.access(this.options.file);
  }

  close(): Promise<void> {
    return this.options.holder.close();
  }

  private async generate(use: EngineUse, request: ProviderRequest, kind: 'chat' | 'completion', model: string): Promise<ProviderReply> {
    const { engine } = use;
    const format = kind === 'chat' ? readAnswerFormat(request.body) : textAnswer;
    const prompt =
      kind === 'chat'
        ? await chatPromptTokens(engine, request.body, this.options.hasChatTemplate, format)
        : completionPromptTokens(engine, request.body.prompt);
    const settings = { ...parseGenerationSettings(request.body, prompt.stops), constraint: format.constraint };
    const lease = await engine.pool.acquire(request.signal);
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await lease.slot.clearHistory().catch(() => undefined);
      lease.release();
      use.done();
    };
    const identity = answerIdentity(kind, model);
    const progress: GenerationProgress = { completionTokens: 0 };
    const pieces = generateText(engine, lease.slot, prompt.tokens, settings, request.signal, progress);
    const reader = new AnswerReader(format);
    const usageOf = (outcome: GenerationOutcome): Usage => ({
      promptTokens: outcome.promptTokens,
      completionTokens: outcome.completionTokens,
    });
    // A call the model completed ends the answer with tool_calls; one cut short by the budget, with length.
    const finishReasonOf = (outcome: GenerationOutcome) =>
      reader.call && outcome.finishReason === 'stop' ? 'tool_calls' : outcome.finishReason;

    if (!settings.stream) {
      try {
        let step = await pieces.next();
        for (; !step.done; step = await pieces.next()) reader.push(step.value);
        reader.finish(step.value.finishReason === 'stop');
        const usage = usageOf(step.value);
        const finishReason = finishReasonOf(step.value);
        const body =
          kind === 'chat'
            ? chatCompletion(identity, reader, finishReason, usage)
            : textCompletion(identity, reader.content, finishReason, usage);
        return { kind: 'json', body, usage };
      } finally {
        await release();
      }
    }

    let usage: Usage | undefined;
    // Text answers announce the role at once; one that may be a call, with its first piece.
    let role = kind === 'chat' && format.calls !== 'never';
    const textChunk = textChunkTemplate(kind, identity);
    const chunkOf = (delta: AnswerDelta) => {
      if (!role && delta.kind === 'content') return textChunk(delta.text);
      const json = chunkJson(kind, identity, { ...(role ? { role: 'assistant' as const } : {}), ...chatDelta(delta) });
      role = false;
      return json;
    };
    async function* chunks(): AsyncGenerator<string> {
      try {
        if (kind === 'chat' && !role) yield chunkJson(kind, identity, { role: 'assistant', content: '' });
        let step = await pieces.next();
        for (; !step.done; step = await pieces.next()) for (const delta of reader.push(step.value)) yield chunkOf(delta);
        for (const delta of reader.finish(step.value.finishReason === 'stop')) yield chunkOf(delta);
        if (role) yield chunkJson(kind, identity, { role: 'assistant', content: '' });
        usage = usageOf(step.value);
        yield chunkJson(kind, identity, {}, finishReasonOf(step.value));
        if (settings.includeUsage) yield usageChunkJson(kind, identity, usage);
      } finally {
        request.signal.removeEventListener('abort', onAbort);
        await pieces.return(undefined as never).catch(() => undefined);
        await release();
      }
    }
    const stream = chunks();
    // A client that leaves frees its sequence even if nobody pulls the stream again.
    const onAbort = () => {
      void stream.return(undefined).finally(release);
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    // Exact even for a stream cut mid-way (the client left): the prompt's tokens and those decoded until then.
    const usageSoFar = (): Usage => usage ?? { promptTokens: prompt.tokens.length, completionTokens: progress.completionTokens };
    return { kind: 'stream', chunks: stream, usage: usageSoFar, promptTokens: () => prompt.tokens.length };
  }
}

/** Completions and chats without tools or a response format: plain text. */
const textAnswer: AnswerFormat = { calls: 'never', tools: [] };
