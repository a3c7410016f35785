import type { RoutableDeployment } from '../../../src/gateway/deployment-registry.js';
import { targetKinds } from '../../support/target-kinds.js';
import type { PeerServer } from '../../support/upstreams/peer-server.js';

/** A running upstream of one kind for the dialect suites, and deployments served by it. */
export interface DialectFixture {
  /** A deployment named `name` with one target of this kind. */
  deployment(name: string, options?: Partial<RoutableDeployment>): RoutableDeployment;
  /** The test peer, where the kind has one (to read what reached the upstream, and to make it fail). */
  peer?: PeerServer;
  stop(): Promise<void>;
}

/** What a kind can do, beyond answering text. */
interface Capabilities {
  /** Answers `Echo: <text of the last user turn or tool result>`, counting words as tokens (the test peers). */
  echoes: boolean;
  /** Calls a tool when the request forces one (OpenAI `required`/named, Anthropic `any`/`tool`), with arguments that fit its parameters. */
  tools: boolean;
  /** Answers a `json_schema` response format with a document that fits the schema. */
  jsonSchema: boolean;
  /** Counts prompt tokens (`/v1/messages/count_tokens`). */
  countsTokens: boolean;
  /** Knows a stream's prompt tokens by its first chunk (so a Messages stream's `message_start` tells them). */
  promptTokensFirst: boolean;
  /** What a chat `json_schema` format became in the request its peer received (for `toMatchObject`); absent without a peer. */
  formatSent?(format: { name: unknown; schema: unknown; strict?: boolean }): Record<string, unknown>;
}

export interface DialectTarget extends Capabilities {
  kind: string;
  start(): Promise<DialectFixture>;
}

/**
 * What each kind can do. The embedded engine writes stories, so its answers are compared with its
 * own chat completions, and its tool calls and JSON documents are checked against their schemas
 * (its grammar holds them). Anthropic targets answer a JSON schema through a forced tool.
 */
const capabilities: Record<string, Capabilities> = {
  endpoint: {
    echoes: true,
    tools: true,
    jsonSchema: true,
    countsTokens: false,
    promptTokensFirst: false,
    formatSent: (format) => ({ response_format: { type: 'json_schema', json_schema: format } }),
  },
  anthropic: {
    echoes: true,
    tools: true,
    jsonSchema: true,
    countsTokens: true,
    promptTokensFirst: true,
    formatSent: ({ name, schema }) => ({ tools: [{ name, input_schema: schema }], tool_choice: { type: 'tool', name } }),
  },
  embedded: { echoes: false, tools: true, jsonSchema: true, countsTokens: true, promptTokensFirst: true },
};

/** Every target kind of the conformance suites, for the dialect suites (Responses, Messages, AI SDK). */
export const dialectTargets: DialectTarget[] = targetKinds.map((targetKind) => ({
  kind: targetKind.kind,
  ...capabilities[targetKind.kind],
  async start() {
    const fixture = await targetKind.start();
    return {
      peer: 'peer' in fixture ? (fixture.peer as PeerServer) : undefined,
      deployment: (name, options = {}) => ({ name, modelId: null, targets: [fixture.target(`${name}-1`)], fallbacks: [], ...options }),
      stop: () => fixture.stop(),
    };
  },
}));
