import type { ZodType } from 'zod';
import type { DevupError } from '../../errors.js';
import type { ErrorShape } from '../../http/error-shape.js';
import type { JsonReply, Operation, Usage } from '../../providers/provider.js';

/**
 * A client dialect of `/v1` (Chat Completions, Responses, Messages): how its request becomes the
 * one internal request every Provider serves (OpenAI chat completions, or the OpenAI operation
 * itself), and how the answer goes back in the dialect. Everything between (key, deployment,
 * limits, routing, usage, metrics, log) is the same pipeline for every dialect.
 *
 * @example
 *   const request = responsesDialect.read(body); // throws invalid_request, in the dialect's error shape
 *   const routed = await router.route(deployment, responsesDialect.operation, request.body, outcome);
 *   response.end(request.json(routed.answer, { requestId, model: request.model }));
 */
export interface Dialect {
  /** What the Providers are asked for. */
  readonly operation: Operation;
  /** The operation named in usage records and the request log. */
  readonly recordAs: RecordedOperation;
  /** The shape the one error handler writes this route's errors in. */
  readonly errorShape: ErrorShape;
  /** The body schema `read` validates with (also the route's OpenAPI body). */
  readonly schema: ZodType;
  /** Validates a client body, listing every bad field in one `invalid_request`, and translates it. */
  read(body: unknown): DialectRequest;
}

/** The operation a usage record names: the route the client called. */
export type RecordedOperation = Operation | 'responses' | 'messages';

/** One client request, read: the deployment it names, the internal request, and its answer writers. */
export interface DialectRequest {
  /** The deployment name the client sent. */
  model: string;
  stream: boolean;
  /** The internal request (the Provider's body; its `model` is replaced by the router). */
  body: Record<string, unknown>;
  /** The whole answer as the dialect's JSON text. */
  json(reply: JsonReply, context: AnswerContext): string;
  /** Writes the answer's chunks as the dialect's SSE events. */
  encoder(context: AnswerContext): StreamEncoder;
}

export interface AnswerContext {
  /** The gateway's request id (answers built here take their id from it). */
  requestId: string;
  /** Seconds since the epoch. */
  createdAt: number;
}

/** Internal stream chunks (OpenAI chunk JSON texts) → the dialect's SSE text, one call per chunk. */
export interface StreamEncoder {
  /** Events before the first chunk ('' for none); `promptTokens` where the provider knows them by then (`StreamReply.promptTokens`). */
  open(promptTokens: number | undefined): string;
  /** The events for one chunk ('' when it adds nothing the dialect shows). */
  chunk(payload: string): string;
  /** The closing events once the stream ended, with the usage its provider told. */
  close(usage: Usage | undefined): string;
  /** The event that ends a stream that failed midway. */
  fail(error: DevupError): string;
}
