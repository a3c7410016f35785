import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileConstraint } from '../../src/engine/grammar/output-constraint.js';
import { EmbeddedEngine } from '../../src/engine/runtime/embedded-engine.js';
import { generateText } from '../../src/engine/runtime/generate-text.js';
import type { GenerationSettings } from '../../src/engine/runtime/generation-settings.js';
import { storiesPath } from '../support/fixtures.js';

/** The engine's decode loop held to a grammar, on stories260K, without a provider. */
describe('generation held to a grammar', () => {
  let engine: EmbeddedEngine;

  beforeAll(async () => {
    engine = await EmbeddedEngine.load({ file: storiesPath, contextSize: 256, parallel: 1, threads: 1, queueSize: 4 });
  });

  afterAll(() => engine?.unload());

  const generate = async (prompt: string, settings: Partial<GenerationSettings>) => {
    const lease = await engine.pool.acquire(new AbortController().signal);
    try {
      const base: GenerationSettings = { temperature: 1, stop: [], presencePenalty: 0, frequencyPenalty: 0 };
      const pieces = generateText(
        engine,
        lease.slot,
        engine.tokenize(prompt, true),
        { ...base, ...settings },
        new AbortController().signal,
      );
      let text = '';
      let step = await pieces.next();
      for (; !step.done; step = await pieces.next()) text += step.value;
      return { text, outcome: step.value };
    } finally {
      await lease.slot.clearHistory();
      lease.release();
    }
  };

  it('leaves a text answer as the model writes it when the grammar allows free text, even with a tight budget', async () => {
    const call = compileConstraint({
      schema: { type: 'object', properties: { name: { const: 'go' } }, required: ['name'] },
      orFreeText: true,
    });
    // 16 tokens is well inside the closing reserve: the push toward closing characters is for JSON only.
    expect(call.closingReserve).toBeGreaterThan(16);
    for (let seed = 1; seed <= 8; seed++) {
      const free = await generate('User: Hello!\nAssistant:', { seed, maxTokens: 16 });
      const held = await generate('User: Hello!\nAssistant:', { seed, maxTokens: 16, constraint: call });
      expect(free.text.trimStart().startsWith('{')).toBe(false);
      expect(held.text).toBe(free.text);
    }
  });

  it('ends JSON itself, past stop sequences, and closes it within a budget shorter than the model’s habit', async () => {
    const object = compileConstraint({ schema: { type: 'object', properties: { story: { type: 'string' } }, required: ['story'] } });
    for (let seed = 1; seed <= 8; seed++) {
      const { text, outcome } = await generate('Once upon a time', { seed, maxTokens: 40, stop: ['"', ' '], constraint: object });
      expect(Object.keys(JSON.parse(text))).toEqual(['story']);
      expect(outcome.finishReason).toBe('stop');
      expect(outcome.completionTokens).toBeLessThanOrEqual(40);
    }
  });
});
