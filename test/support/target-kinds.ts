import { expect } from 'vitest';
import type { RoutableTarget } from '../../src/gateway/deployment-registry.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible/openai-compatible-provider.js';
import { defaultTimeouts, type TargetTimeouts } from '../../src/providers/target-timeouts.js';
import { DirectReference } from '../engine/support/direct-reference.js';
import { startEmbedded } from '../engine/support/embedded-deployment.js';
import { storiesPath } from './fixtures.js';
import { startAnthropicPeer } from './upstreams/anthropic-peer.js';
import { startOpenAIPeer } from './upstreams/openai-peer.js';
import { countWords, type PeerServer } from './upstreams/peer-server.js';

/** What a kind answers to a chat or completion request sent with `temperature: 0`. */
export interface ExpectedAnswer {
  text: string;
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
}

export interface TargetOptions {
  weight?: number;
  timeouts?: Partial<TargetTimeouts>;
  upstreamModel?: string;
}

/** A running upstream of one kind, and targets pointed at it. */
export interface TargetFixture {
  /** Builds a routable target with a provider of this kind aimed at the upstream (closed with the registry that holds it). */
  target(id: string, options?: TargetOptions): RoutableTarget;
  /** The answer of this kind (the peers echo and count words; the engine's greedy text and token counts, from node-llama-cpp directly). */
  expected(operation: 'chat' | 'completion', body: Record<string, any>): Promise<ExpectedAnswer>;
  /** Vector length and prompt tokens of the kind's embeddings, or null where it has none. */
  embeddings: { dimensions: number; promptTokens(inputs: string[]): number } | null;
  /** Turns requests away as this kind does when it has no room, until the returned function makes room again. */
  overload(): Promise<() => Promise<void>>;
  /** How a provider call then fails (`toMatchObject`). */
  overloadedError: Record<string, unknown>;
  /** How the gateway then answers the client (always with Retry-After: 1). */
  overloaded: { status: number; code: string };
  /** Makes streams long enough for a client to leave in the middle (a peer: a chunk every 500 ms); returns the undo. */
  slowStreams(): () => void;
  /**
   * Call before a request whose client will leave: the returned function resolves once the upstream
   * stopped working on it (a peer saw it aborted; the engine's one sequence is free), and throws after 2 s.
   */
  watchAbort(): () => Promise<void>;
  stop(): Promise<void>;
}

/** A kind whose upstream is a test peer: it records requests and misbehaves on demand (`peer.queue`, `peer.behavior`). */
export interface PeerFixture extends TargetFixture {
  peer: PeerServer;
  /** The upstream's own request body asks for streamed usage (OpenAI's stream_options); Anthropic always sends it. */
  asksStreamUsage(body: Record<string, any>): boolean;
}

export interface TargetKind<Fixture extends TargetFixture = TargetFixture> {
  kind: string;
  start(): Promise<Fixture>;
}

/** The HTTP kinds, over test peers: the suites about upstream failures (routing, provider failures) run on these. */
export const peerKinds: TargetKind<PeerFixture>[] = [
  {
    kind: 'endpoint',
    async start() {
      const peer = await startOpenAIPeer({ models: ['peer-model'] });
      return peerFixture(peer, {
        asksStreamUsage: (body) => body.stream_options?.include_usage === true,
        embeddings: { dimensions: 8, promptTokens: (inputs) => countWords(inputs.join(' ')) },
        target: (id, options, timeouts) => ({
          id,
          kind: 'endpoint',
          weight: options.weight ?? 1,
          upstreamModel: options.upstreamModel ?? 'peer-model',
          provider: createOpenAICompatibleProvider({ baseUrl: peer.baseUrl, timeouts }),
          timeouts,
        }),
      });
    },
  },
  {
    kind: 'anthropic',
    async start() {
      const peer = await startAnthropicPeer({ apiKey: 'sk-ant-test' });
      return peerFixture(peer, {
        asksStreamUsage: (body) => body.stream === true,
        embeddings: null,
        target: (id, options, timeouts) => ({
          id,
          kind: 'anthropic',
          weight: options.weight ?? 1,
          upstreamModel: options.upstreamModel ?? 'claude-peer',
          provider: createAnthropicProvider({ baseUrl: peer.origin, apiKey: 'sk-ant-test', timeouts }),
          timeouts,
        }),
      });
    },
  },
];

/**
 * Every target kind the conformance suites run against: the peers and the embedded engine
 * (stories260K). To add one, append an entry that starts its upstream and builds its targets;
 * every conformance test then runs on it too.
 */
export const targetKinds: TargetKind[] = [
  ...peerKinds,
  {
    kind: 'embedded',
    async start() {
      // One sequence and no queue: a request beyond it is turned away at once, and a sequence kept after its client left shows.
      const [engine, reference] = await Promise.all([
        startEmbedded('stories', { file: storiesPath, parallel: 1, contextSize: 1024, queueSize: 0 }),
        DirectReference.open(storiesPath),
      ]);
      const provider = engine.deployment.targets[0].provider;
      const hasRoom = async () => {
        const deadline = Date.now() + 2_000;
        for (;;) {
          const probe = { prompt: 'The', max_tokens: 1, temperature: 0 };
          const refused = await provider.call({ operation: 'completion', body: probe, signal: new AbortController().signal }).then(
            () => undefined,
            (error: unknown) => error,
          );
          if (!refused) return;
          if ((refused as { code?: string }).code !== 'overloaded' || Date.now() > deadline) throw refused;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      return {
        target: (id, options = {}) => ({
          id,
          kind: 'embedded',
          weight: options.weight ?? 1,
          upstreamModel: options.upstreamModel ?? 'stories',
          provider,
          timeouts: { ...defaultTimeouts, ...options.timeouts },
        }),
        async expected(operation, body) {
          if (typeof body.max_tokens !== 'number') throw new Error('conformance requests to the engine give max_tokens');
          const prompt = operation === 'chat' ? transcript(body.messages) : String(body.prompt);
          const answer = await reference.generate(prompt, body.max_tokens, operation === 'chat' ? ['\nUser:'] : []);
          return {
            text: answer.text,
            finishReason: answer.finishReason,
            promptTokens: answer.promptTokens,
            completionTokens: answer.completionTokens,
          };
        },
        embeddings: {
          dimensions: 64,
          promptTokens: (inputs) => inputs.reduce((sum, input) => sum + reference.promptTokens(input).length, 0),
        },
        async overload() {
          // A stream nobody reads on holds the one sequence.
          const controller = new AbortController();
          const reply = await provider.call({
            operation: 'completion',
            body: { prompt: 'Once upon a time', max_tokens: 200, temperature: 0, stream: true },
            signal: controller.signal,
          });
          if (reply.kind !== 'stream') throw new Error('expected a stream');
          const chunks = reply.chunks[Symbol.asyncIterator]();
          await chunks.next();
          return async () => {
            controller.abort();
            await chunks.return?.();
            await hasRoom();
          };
        },
        overloadedError: { code: 'overloaded', status: 503, retryAfterSeconds: 1 },
        overloaded: { status: 503, code: 'overloaded' },
        slowStreams: () => () => undefined,
        watchAbort: () => hasRoom,
        async stop() {
          await Promise.all([engine.stop(), reference.close()]);
        },
      };
    },
  },
];

/** The transcript the engine renders a chat into when the GGUF has no chat template (stories260K has none). */
function transcript(messages: Array<{ role: string; content: string }>): string {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  const dialogue = messages
    .filter((message) => message.role !== 'system')
    .map((message) => `${message.role === 'user' ? 'User' : 'Assistant'}: ${message.content}\n`);
  return `${system.length > 0 ? `${system.join('\n')}\n\n` : ''}${dialogue.join('')}Assistant:`;
}

function peerFixture(
  peer: PeerServer,
  kind: {
    asksStreamUsage: PeerFixture['asksStreamUsage'];
    embeddings: TargetFixture['embeddings'];
    target(id: string, options: TargetOptions, timeouts: TargetTimeouts): RoutableTarget;
  },
): PeerFixture {
  return {
    peer,
    asksStreamUsage: kind.asksStreamUsage,
    embeddings: kind.embeddings,
    target: (id, options = {}) => kind.target(id, options, { ...defaultTimeouts, ...options.timeouts }),
    expected: async (operation, body) => echo(operation, body),
    async overload() {
      peer.behavior = { status: 503, retryAfter: '1', message: 'busy right now' };
      return async () => {
        peer.behavior = {};
      };
    },
    overloadedError: {
      upstreamStatus: 503,
      retryable: true,
      retryAfterMs: 1_000,
      code: 'upstream_error',
      status: 502,
      message: expect.stringContaining('busy right now'),
    },
    // The router tries again (after the Retry-After) and then answers with the upstream's failure.
    overloaded: { status: 502, code: 'upstream_error' },
    slowStreams() {
      peer.behavior = { chunkDelayMs: 500 };
      return () => {
        peer.behavior = {};
      };
    },
    watchAbort() {
      const before = peer.aborted;
      return async () => {
        const deadline = Date.now() + 2_000;
        while (peer.aborted === before) {
          if (Date.now() > deadline) throw new Error('the peer saw no aborted request');
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      };
    },
    stop: () => peer.stop(),
  };
}

/** The peers' answer: `Echo: ` and the last user message (or the prompt), cut to `max_tokens` words; tokens are words. */
function echo(operation: 'chat' | 'completion', body: Record<string, any>): ExpectedAnswer {
  const messages: Array<{ role: string; content: string }> = operation === 'chat' ? body.messages : [];
  const replyTo = operation === 'chat' ? messages.filter((message) => message.role === 'user').at(-1)!.content : String(body.prompt);
  let text = `Echo: ${replyTo}`;
  let finishReason = 'stop';
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number' && countWords(text) > maxTokens) {
    text = text.split(/\s+/).filter(Boolean).slice(0, maxTokens).join(' ');
    finishReason = 'length';
  }
  const promptText = operation === 'chat' ? messages.map((message) => message.content).join(' ') : replyTo;
  return { text, finishReason, promptTokens: countWords(promptText), completionTokens: countWords(text) };
}
