import { describe, expect, it } from 'vitest';
import { DevupError } from '../../src/errors.js';
import { readAnswerFormat } from '../../src/providers/embedded/answer-format.js';
import { AnswerReader, type AnswerDelta } from '../../src/providers/embedded/answer-reader.js';
import { chatTurns } from '../../src/providers/embedded/chat-turns.js';
import { answerIdentity, chunkJson, textChunkTemplate } from '../../src/providers/embedded/openai-shapes.js';

const tools = [
  {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
  { type: 'function', function: { name: 'get_time', description: 'The time now' } },
];

/** Feeds `text` in pieces of `size` characters and returns every delta, then those of the finish. */
function read(reader: AnswerReader, text: string, size: number, complete = true): AnswerDelta[] {
  const deltas: AnswerDelta[] = [];
  for (let start = 0; start < text.length; start += size) deltas.push(...reader.push(text.slice(start, start + size)));
  return [...deltas, ...reader.finish(complete)];
}

describe('embedded answers: tools, tool_choice and response_format', () => {
  it('reads a call however the text is split, streaming its arguments without the closing brace', () => {
    for (const size of [1, 2, 5, 100]) {
      const reader = new AnswerReader(readAnswerFormat({ tools, tool_choice: 'required' }));
      const deltas = read(reader, '{"name":"get_weather","arguments":{"city":"Paris"}}', size);
      expect(deltas[0]).toEqual({ kind: 'call', call: { id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: '' } });
      const pieces = deltas.slice(1).map((delta) => (delta.kind === 'arguments' ? delta.text : `unexpected ${delta.kind}`));
      expect(pieces.join('')).toBe('{"city":"Paris"}');
      expect(reader.call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
      expect(reader.content).toBe('');
    }
  });

  it('tells text from a call when the model may choose, keeping blanks and holding back only what could start a call', () => {
    const format = readAnswerFormat({ tools });
    const text = new AnswerReader(format);
    expect(text.push(' ')).toEqual([]);
    expect(text.push(' Once')).toEqual([{ kind: 'content', text: '  Once' }]);
    expect(text.push(' upon')).toEqual([{ kind: 'content', text: ' upon' }]);
    expect(text.call).toBeUndefined();

    const almost = new AnswerReader(format);
    expect(almost.push('{"name":"get_')).toEqual([]);
    expect(almost.push('t')).toEqual([]);
    expect(almost.push('ime","arguments":{}}')).toEqual([
      { kind: 'call', call: expect.objectContaining({ name: 'get_time' }) },
      { kind: 'arguments', text: '{}' },
    ]);
    expect(almost.finish(true)).toEqual([]);

    // A JSON answer (auto with a response format) that is not a call is content.
    const json = new AnswerReader(readAnswerFormat({ tools, response_format: { type: 'json_object' } }));
    expect(read(json, '{"name":"Ann"}', 3).every((delta) => delta.kind === 'content')).toBe(true);
    expect(json.content).toBe('{"name":"Ann"}');
  });

  it('passes a cut-off call on whole, its arguments unfinished', () => {
    const reader = new AnswerReader(readAnswerFormat({ tools, tool_choice: 'required' }));
    read(reader, '{"name":"get_weather","arguments":{"city":"Par', 4, false);
    expect(reader.call!.arguments).toBe('{"city":"Par');
  });

  it('holds the answer to the format the request asks for', () => {
    expect(readAnswerFormat({}).constraint).toBeUndefined();
    expect(readAnswerFormat({ tools, tool_choice: 'none', response_format: { type: 'text' } })).toEqual({
      calls: 'never',
      tools: [],
      constraint: undefined,
    });
    expect(readAnswerFormat({ response_format: { type: 'json_object' } })).toMatchObject({
      calls: 'never',
      constraint: { orFreeText: false },
    });
    expect(readAnswerFormat({ tools })).toMatchObject({ calls: 'maybe', constraint: { orFreeText: true } });
    const named = readAnswerFormat({ tools, tool_choice: { type: 'function', function: { name: 'get_time' } } });
    expect(named).toMatchObject({ calls: 'always', forced: 'get_time' });
    // Only the named function's call is in its grammar.
    expect(named.constraint!.grammar).toContain('get_time');
    expect(named.constraint!.grammar).not.toContain('get_weather');
  });

  it('refuses tool requests it cannot serve, naming the field', () => {
    const refusal = (body: Record<string, unknown>) => {
      try {
        readAnswerFormat(body);
      } catch (error) {
        expect(error).toBeInstanceOf(DevupError);
        return { param: (error as DevupError).param, message: (error as DevupError).message };
      }
      throw new Error('expected a refusal');
    };
    expect(refusal({ tool_choice: 'required' }).param).toBe('tool_choice');
    expect(refusal({ tools: [tools[0], tools[0]] }).param).toBe('tools');
    expect(refusal({ tools: [{ type: 'custom', custom: { name: 'x' } }] }).param).toBe('tools.0.type');
    expect(refusal({ tools: [{ type: 'function', function: { name: 'has space' } }] }).param).toBe('tools.0.function.name');
    const unsupported = refusal({
      tools: [
        tools[1],
        { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { n: { type: 'number', maximum: 3 } } } } },
      ],
    });
    expect(unsupported).toEqual({
      param: 'tools[1].function.parameters',
      message: expect.stringContaining('tools.1.function.parameters.properties.n.maximum'),
    });
  });

  it('renders tools into a system turn and tool calls and results into the history', () => {
    const turns = chatTurns(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: '18 degrees' }] },
      ],
      readAnswerFormat({ tools }),
    );
    expect(turns).toHaveLength(4);
    expect(turns[0].role).toBe('system');
    expect(turns[0].text).toMatch(
      /^Be brief\.\n\nYou can call these functions:\n- get_weather\n {2}arguments \(JSON Schema\): \{"type":"object"/,
    );
    expect(turns[0].text).toContain('- get_time: The time now');
    expect(turns[0].text).toContain('When no function is needed, answer in plain text.');
    expect(turns[2]).toEqual({ role: 'assistant', text: '{"name":"get_weather","arguments":{"city":"Paris"}}' });
    expect(turns[3]).toEqual({ role: 'user', text: 'The function get_weather returned: 18 degrees' });
    // Without tools on offer, nothing is added.
    expect(chatTurns([{ role: 'user', content: 'hi' }], readAnswerFormat({ tools, tool_choice: 'none' }))).toEqual([
      { role: 'user', text: 'hi' },
    ]);
  });
});

describe('embedded stream chunks', () => {
  it('writes a text chunk from its template exactly as the whole chunk would be serialised, whatever the model name and text', () => {
    const models = ['stories', 'a "quoted" \\ model', 'mark \u0000text "\\u0000text"', '"text":"', 'ünï\u2028cödé'];
    const texts = ['', 'Once', ' upon "a" time\n', '\\u0000text', '\u0000text', 'é😀\u2028\t}]'];
    for (const kind of ['chat', 'completion'] as const) {
      for (const model of models) {
        const identity = answerIdentity(kind, model);
        const textChunk = textChunkTemplate(kind, identity);
        for (const text of texts) {
          expect(textChunk(text)).toBe(chunkJson(kind, identity, { content: text }));
          expect(JSON.parse(textChunk(text)).model).toBe(model);
        }
      }
    }
  });
});
