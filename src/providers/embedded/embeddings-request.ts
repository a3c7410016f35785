import type { Token } from 'node-llama-cpp';
import { z } from 'zod';
import type { EmbeddedEngine } from '../../engine/runtime/embedded-engine.js';
import { parseOrThrow } from '../../validation.js';

const tokens = z.array(z.number().int().min(0)).min(1);
const embeddingsSchema = z.object({
  input: z.union([z.string(), z.array(z.string()).min(1), tokens, z.array(tokens).min(1)]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.undefined({ error: 'the embedded engine returns the model’s own dimensions; leave dimensions out' }).nullish(),
});

/**
 * Answers an OpenAI embeddings request (`input` as text, texts, token ids or lists of them;
 * `encoding_format` float or base64, the official SDK's default) with the model's pooled vectors.
 */
export async function embeddingsResponse(engine: EmbeddedEngine, body: Record<string, unknown>, model: string) {
  const { input, encoding_format: format } = parseOrThrow(embeddingsSchema, body, 'request');
  const inputs: Array<string | Token[]> =
    typeof input === 'string'
      ? [input]
      : input.every((item) => typeof item === 'number')
        ? [input as Token[]]
        : (input as Array<string | Token[]>);
  const { vectors, promptTokens } = await engine.embed(inputs);
  return {
    body: {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      })),
      model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    promptTokens,
  };
}
