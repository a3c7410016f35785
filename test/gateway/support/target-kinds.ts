import { type RoutableTarget } from '../../../src/gateway/deployment-registry.js';
import { defaultTimeouts, type TargetTimeouts } from '../../../src/providers/target-timeouts.js';
import { createAnthropicProvider } from '../../../src/providers/anthropic/anthropic-provider.js';
import { createOpenAICompatibleProvider } from '../../../src/providers/openai-compatible/openai-compatible-provider.js';
import { startAnthropicPeer } from '../../support/upstreams/anthropic-peer.js';
import { startOpenAIPeer } from '../../support/upstreams/openai-peer.js';
import type { PeerServer } from '../../support/upstreams/peer-server.js';

/** A running upstream of one kind, and targets pointed at it. */
export interface TargetFixture {
  peer: PeerServer;
  /** Builds a routable target with a real provider of this kind aimed at the peer. */
  target(id: string, options?: { weight?: number; timeouts?: Partial<TargetTimeouts>; upstreamModel?: string }): RoutableTarget;
  /** Whether the kind answers embeddings and legacy completions. */
  supports: { embeddings: boolean; completions: boolean };
  /** The upstream's own request body asks for streamed usage (OpenAI's stream_options); Anthropic always sends it. */
  asksStreamUsage(body: Record<string, any>): boolean;
  stop(): Promise<void>;
}

export interface TargetKind {
  kind: string;
  /** True when the kind's upstream is a test peer that can be told to fail (`fixture.peer.queue`, `.behavior`). */
  misbehaves: boolean;
  start(): Promise<TargetFixture>;
}

/**
 * Every target kind the conformance suite runs against. To add one (e.g. `embedded`), append an
 * entry that starts its upstream and builds its provider; every gateway test then runs on it too.
 */
export const targetKinds: TargetKind[] = [
  {
    kind: 'endpoint',
    misbehaves: true,
    async start() {
      const peer = await startOpenAIPeer({ models: ['peer-model'] });
      return {
        peer,
        supports: { embeddings: true, completions: true },
        asksStreamUsage: (body) => body.stream_options?.include_usage === true,
        target: (id, options = {}) => {
          const timeouts = { ...defaultTimeouts, ...options.timeouts };
          return {
            id,
            kind: 'endpoint',
            weight: options.weight ?? 1,
            upstreamModel: options.upstreamModel ?? 'peer-model',
            provider: createOpenAICompatibleProvider({ baseUrl: peer.baseUrl, timeouts }),
            timeouts,
          };
        },
        stop: () => peer.stop(),
      };
    },
  },
  {
    kind: 'anthropic',
    misbehaves: true,
    async start() {
      const peer = await startAnthropicPeer({ apiKey: 'sk-ant-test' });
      return {
        peer,
        supports: { embeddings: false, completions: true },
        asksStreamUsage: (body) => body.stream === true,
        target: (id, options = {}) => {
          const timeouts = { ...defaultTimeouts, ...options.timeouts };
          return {
            id,
            kind: 'anthropic',
            weight: options.weight ?? 1,
            upstreamModel: options.upstreamModel ?? 'claude-peer',
            provider: createAnthropicProvider({ baseUrl: peer.origin, apiKey: 'sk-ant-test', timeouts }),
            timeouts,
          };
        },
        stop: () => peer.stop(),
      };
    },
  },
];
