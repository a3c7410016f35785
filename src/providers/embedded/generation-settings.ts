import { z } from 'zod';
import type { GenerationSettings } from '../../engine/runtime/generation-settings.js';
import { parseOrThrow } from '../../validation.js';

/** A request's generation settings plus how it wants its answer delivered. */
export interface RequestSettings extends GenerationSettings {
  stream: boolean;
  includeUsage: boolean;
}

const settingsSchema = z.object({
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  // OpenAI's default temperature is 1; 0 means greedy decoding.
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(16)]).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  n: z.literal(1, { error: 'only n=1 is supported by the embedded engine' }).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
});

/**
 * Reads the OpenAI sampling fields of a request body, listing every bad field in one error.
 *
 * @example parseGenerationSettings({ temperature: 0, max_tokens: 16, stop: '\n' }).stop // ['\n']
 */
export function parseGenerationSettings(body: Record<string, unknown>, extraStops: string[] = []): RequestSettings {
  const fields = parseOrThrow(settingsSchema, body, 'request');
  const stop = typeof fields.stop === 'string' ? [fields.stop] : (fields.stop ?? []);
  return {
    maxTokens: fields.max_completion_tokens ?? fields.max_tokens ?? undefined,
    temperature: fields.temperature ?? 1,
    topP: fields.top_p ?? undefined,
    topK: fields.top_k || undefined,
    seed: fields.seed ?? undefined,
    stop: [...stop, ...extraStops],
    presencePenalty: fields.presence_penalty ?? 0,
    frequencyPenalty: fields.frequency_penalty ?? 0,
    stream: fields.stream ?? false,
    includeUsage: fields.stream_options?.include_usage ?? false,
  };
}
