import type {
  BatchingOptions,
  LlamaContext,
  LlamaContextSequence,
  LlamaEmbeddingContext,
  LlamaGrammar,
  LlamaModel,
  Token,
} from 'node-llama-cpp';
import { DevupError } from '../../errors.js';
import { loadLlamaRuntime } from './llama-runtime.js';
import { SequencePool } from './sequence-pool.js';

/**
 * When llama.cpp decodes the tokens the sequences asked for: once the current turn's microtasks are
 * done (every stream that got a token has asked for its next one by then, so they share one batch),
 * rather than node-llama-cpp's default of the turn's end (setImmediate), which comes after the turn's
 * I/O. Streams write their tokens to sockets at the end of the turn, so the next decode runs on its
 * thread while those writes cost their system calls, instead of after them.
 */
export const engineBatching: BatchingOptions = { dispatchSchedule: (dispatch) => process.nextTick(dispatch) };

/** Grammars kept compiled (a client sends the same schema or tools again and again). */
const grammarCacheSize = 32;

export interface EngineOptions {
  file: string;
  /** Tokens per sequence (prompt + completion). */
  contextSize: number;
  /** Sequences decoding together in one batch. */
  parallel: number;
  threads: number;
  /** Requests that may wait for a sequence before new ones get 503. */
  queueSize: number;
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

/**
 * One loaded GGUF model with one context of `parallel` sequences that llama.cpp decodes together
 * in a batch, and the pool that lends those sequences to requests.
 *
 * @example
 *   const engine = await EmbeddedEngine.load({ file, contextSize: 2048, parallel: 8, threads: 1, queueSize: 64 });
 *   const lease = await engine.pool.acquire(signal); // …generate with lease.slot…; lease.release()
 */
export class EmbeddedEngine {
  private embeddingContext?: Promise<LlamaEmbeddingContext>;
  private embeddingQueue: Promise<unknown> = Promise.resolve();
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    readonly pool: SequencePool<LlamaContextSequence>,
    readonly options: EngineOptions,
    private readonly contextBytes: number,
  ) {}

  static async load(options: EngineOptions): Promise<EmbeddedEngine> {
    const llama = await loadLlamaRuntime();
    const model = await llama.loadModel({
      modelPath: options.file,
      gpuLayers: 0,
      onLoadProgress: options.onProgress,
      loadSignal: options.signal,
    });
    try {
      const context = await model.createContext({
        contextSize: options.contextSize,
        sequences: options.parallel,
        threads: options.threads,
        createSignal: options.signal,
        batching: engineBatching,
      });
      const sequences = Array.from({ length: options.parallel }, () => context.getSequence());
      const estimate = await model.fileInsights.estimateContextResourceRequirementsV2({
        contextSize: options.contextSize,
        sequences: options.parallel,
        modelGpuLayers: 0,
      });
      return new EmbeddedEngine(model, context, new SequencePool(sequences, options.queueSize), options, estimate.cpuRam);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /** Text → tokens; `withBos` prepends the model's BOS token when its tokenizer asks for one. */
  tokenize(text: string, withBos: boolean): Token[] {
    const tokens = this.model.tokenize(text, false);
    const bos = this.model.tokens.bos;
    return withBos && bos !== null && this.model.tokens.shouldPrependBosToken ? [bos, ...tokens] : tokens;
  }

  /** The parsed GBNF grammar for this text, from a small cache (least recently used leaves first). */
  grammar(text: string): Promise<LlamaGrammar> {
    const cached = this.grammars.get(text) ?? this.model.llama.createGrammar({ grammar: text });
    this.grammars.delete(text);
    this.grammars.set(text, cached);
    cached.catch(() => this.grammars.delete(text));
    if (this.grammars.size > grammarCacheSize) this.grammars.delete(this.grammars.keys().next().value!);
    return cached;
  }

  /** Mean-pooled (as llama.cpp pools for this model) embedding vectors; one request at a time. */
  embed(inputs: Array<string | Token[]>): Promise<{ vectors: number[][]; promptTokens: number }> {
    const run = this.embeddingQueue.then(async () => {
      this.embeddingContext ??= this.model.createEmbeddingContext({ contextSize: this.options.contextSize, threads: this.options.threads });
      const context = await this.embeddingContext;
      const vectors: number[][] = [];
      let promptTokens = 0;
      for (const input of inputs) {
        const tokens = typeof input === 'string' ? this.tokenize(input, true) : input;
        if (tokens.length > this.contextSize) {
          throw new DevupError(
            'invalid_request',
            `An input has ${tokens.length} tokens; this deployment's context holds ${this.contextSize}`,
            { param: 'input' },
          );
        }
        promptTokens += tokens.length;
        vectors.push([...(await context.getEmbeddingFor(tokens)).vector]);
      }
      return { vectors, promptTokens };
    });
    this.embeddingQueue = run.catch(() => undefined);
    return run;
  }

  /** Weights plus the context's KV cache and compute buffers, as llama.cpp sizes them. */
  memoryBytes(): number {
    return this.model.size + this.contextBytes;
  }

  /** Frees the context and the weights; requests still waiting for a sequence get 503. */
  async unload(): Promise<void> {
    this.pool.drain(new DevupError('unavailable', 'The embedded model was unloaded'));
    if (this.embeddingContext) await (await this.embeddingContext.catch(() => undefined))?.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }
}
