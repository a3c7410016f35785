import { describe, expect, it } from 'vitest';
import { DevupError } from '../../src/errors.js';
import { defaultMaxTokens, toMessagesCall, toMessagesRequest } from '../../src/providers/anthropic/messages-request.js';
import { finishReason, toChatCompletion, toTextCompletion } from '../../src/providers/anthropic/messages-response.js';
import { MessagesStreamTranslator } from '../../src/providers/anthropic/messages-stream.js';
import { UpstreamError } from '../../src/providers/provider.js';

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('chat request → Messages request', () => {
  it('moves system and developer messages to system and merges consecutive turns of one role', () => {
    const request = toMessagesRequest(
      {
        model: 'claude-x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'Hello' },
          { role: 'user', content: [{ type: 'text', text: 'Are you there?' }] },
          { role: 'assistant', content: 'Oui.' },
          { role: 'user', content: 'Bien.' },
        ],
      },
      'chat',
    );
    expect(request.system).toBe('Be brief.\n\nAnswer in French.');
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hello' },
          { type: 'text', text: 'Are you there?' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Oui.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Bien.' }] },
    ]);
    expect(request.max_tokens).toBe(defaultMaxTokens);
  });

  it('keeps system blocks with cache_control as blocks', () => {
    const request = toMessagesRequest(
      {
        model: 'm',
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Long manual', cache_control: { type: 'ephemeral' } }] },
          { role: 'user', content: 'q' },
        ],
      },
      'chat',
    );
    expect(request.system).toEqual([{ type: 'text', text: 'Long manual', cache_control: { type: 'ephemeral' } }]);
  });

  it('turns image_url data URLs and http URLs into image blocks', () => {
    const request = toMessagesRequest(
      {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
            ],
          },
        ],
      },
      'chat',
    );
    expect((request.messages as any)[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('translates tools, tool_choice, assistant tool_calls and tool results', () => {
    const request = toMessagesRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C, sunny' },
          { role: 'user', content: 'And tomorrow?' },
        ],
        tools: [
          {
            type: 'function',
            function: {
              name: 'weather',
              description: 'Current weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          },
        ],
        tool_choice: 'required',
        parallel_tool_calls: false,
      },
      'chat',
    );
    expect(request.tools).toEqual([
      { name: 'weather', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
    ]);
    expect(request.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18°C, sunny' },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ]);
    const named = toMessagesRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        tools: request.tools && [{ type: 'function', function: { name: 'weather' } }],
        tool_choice: { type: 'function', function: { name: 'weather' } },
      },
      'chat',
    );
    expect(named.tool_choice).toEqual({ type: 'tool', name: 'weather' });
  });

  it('maps sampling fields, stop, user and max_completion_tokens, and drops fields Anthropic lacks', () => {
    const request = toMessagesRequest(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 10,
        max_completion_tokens: 20,
        temperature: 0.5,
        top_p: 0.9,
        top_k: 40,
        stop: 'END',
        user: 'u-1',
        seed: 7,
        stream: true,
        stream_options: { include_usage: true },
      },
      'chat',
    );
    expect(request).toEqual({
      model: 'm',
      max_tokens: 20,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      stream: true,
    });
    expect(
      toMessagesRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 10, stop: ['a', 'b'] }, 'chat'),
    ).toMatchObject({ max_tokens: 10, stop_sequences: ['a', 'b'] });
  });

  it('answers response_format through a tool the model must call: json_schema named after the schema, json_object taking any object', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const question = { model: 'm', messages: [{ role: 'user', content: 'Forecast?' }] };
    const forecast = toMessagesCall(
      {
        ...question,
        response_format: { type: 'json_schema', json_schema: { name: 'forecast', description: 'A forecast', schema, strict: true } },
      },
      'chat',
    );
    expect(forecast.formatTool).toBe('forecast');
    expect(forecast.request.tools).toEqual([
      { name: 'forecast', description: expect.stringContaining('forecast (A forecast)'), input_schema: schema },
    ]);
    expect(forecast.request.tool_choice).toEqual({ type: 'tool', name: 'forecast' });
    expect(forecast.request).not.toHaveProperty('response_format');

    const object = toMessagesCall({ ...question, response_format: { type: 'json_object' } }, 'chat');
    expect(object.formatTool).toBe('json_object');
    expect(object.request.tools).toEqual([{ name: 'json_object', description: expect.any(String), input_schema: { type: 'object' } }]);
    expect(object.request.tool_choice).toEqual({ type: 'tool', name: 'json_object' });
    expect(toMessagesCall({ ...question, response_format: { type: 'text' } }, 'chat')).toEqual({
      request: { model: 'm', max_tokens: defaultMaxTokens, messages: [{ role: 'user', content: [{ type: 'text', text: 'Forecast?' }] }] },
      formatTool: undefined,
    });

    // With tools the answer is a call or the format's tool; an answer that must be a call has no format.
    const weather = { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } };
    const format = { type: 'json_schema', json_schema: { name: 'forecast', schema } };
    const either = toMessagesCall({ ...question, tools: [weather], response_format: format }, 'chat');
    expect(either.request.tools).toEqual([
      { name: 'weather', input_schema: { type: 'object', properties: {} } },
      expect.objectContaining({ name: 'forecast' }),
    ]);
    expect(either.request.tool_choice).toEqual({ type: 'any' });
    const none = toMessagesCall({ ...question, tools: [weather], tool_choice: 'none', response_format: format }, 'chat');
    expect(none.request.tool_choice).toEqual({ type: 'tool', name: 'forecast' });
    const required = toMessagesCall({ ...question, tools: [weather], tool_choice: 'required', response_format: format }, 'chat');
    expect(required).toMatchObject({ formatTool: undefined, request: { tools: [{ name: 'weather' }], tool_choice: { type: 'any' } } });
  });

  it('refuses a response format no tool can carry, naming the field', () => {
    const fieldsOf = (body: Record<string, unknown>) => {
      try {
        toMessagesRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], ...body }, 'chat');
      } catch (error) {
        return (error as DevupError).fieldErrors?.map((field) => field.path);
      }
      return [];
    };
    const list = { type: 'array', items: { type: 'string' } };
    expect(fieldsOf({ response_format: { type: 'json_schema', json_schema: { name: 'list', schema: list } } })).toEqual([
      'response_format.json_schema.schema',
    ]);
    expect(fieldsOf({ response_format: { type: 'json_schema', json_schema: { name: 'a list', schema: {} } } })).toEqual([
      'response_format.json_schema.name',
    ]);
    expect(
      fieldsOf({
        tools: [{ type: 'function', function: { name: 'weather' } }],
        response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' } } },
      }),
    ).toEqual(['response_format.json_schema.name']);
  });

  it('turns a completions prompt into one user turn', () => {
    expect(toMessagesRequest({ model: 'm', prompt: 'Once upon a time' }, 'completion').messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Once upon a time' }] },
    ]);
  });

  it('lists every field it cannot translate', () => {
    let caught: unknown;
    try {
      toMessagesRequest(
        {
          model: 'm',
          n: 2,
          messages: [
            { role: 'function', content: 'x' },
            { role: 'user', content: [{ type: 'input_audio', input_audio: {} }] },
            { role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{oops' } }] },
          ],
        },
        'chat',
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DevupError);
    const error = caught as DevupError;
    expect(error.code).toBe('invalid_request');
    expect(error.fieldErrors?.map((field) => field.path)).toEqual([
      'messages[0].role',
      'messages[1].content[0].type',
      'messages[2].tool_calls[0].function.arguments',
      'n',
    ]);
  });
});

describe('Messages response → chat.completion', () => {
  const usage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 };

  it('maps text, stop reasons and usage including cache tokens', () => {
    const completion = toChatCompletion(
      {
        id: 'msg_1',
        model: 'claude-x',
        content: [
          { type: 'text', text: 'Hello ' },
          { type: 'text', text: 'world' },
        ],
        stop_reason: 'end_turn',
        usage,
      },
      { created: 1700000000 },
    );
    expect(completion).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'claude-x',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world' }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 130, completion_tokens: 5, total_tokens: 135, prompt_tokens_details: { cached_tokens: 100 } },
    });
    expect(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal', null].map(finishReason)).toEqual([
      'stop',
      'stop',
      'length',
      'tool_calls',
      'content_filter',
      'stop',
    ]);
  });

  it('maps tool_use blocks to tool_calls with null content', () => {
    const completion = toChatCompletion({
      id: 'msg_2',
      model: 'c',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }],
      stop_reason: 'tool_use',
      usage,
    });
    expect((completion.choices as any)[0]).toMatchObject({
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      finish_reason: 'tool_calls',
    });
  });

  it('answers the format tool’s input as the content, finished with stop, leaving out text beside it', () => {
    const answer = {
      id: 'msg_5',
      model: 'c',
      content: [
        { type: 'text', text: 'Here it is:' },
        { type: 'tool_use', id: 'toolu_5', name: 'forecast', input: { city: 'Paris', days: 3 } },
      ],
      stop_reason: 'tool_use',
      usage,
    };
    expect((toChatCompletion(answer, { formatTool: 'forecast' }).choices as any)[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: '{"city":"Paris","days":3}' },
      logprobs: null,
      finish_reason: 'stop',
    });
    // A call of one of the request's own tools stays a call.
    const call = { ...answer, content: [{ type: 'tool_use', id: 'toolu_6', name: 'weather', input: {} }] };
    expect((toChatCompletion(call, { formatTool: 'forecast' }).choices as any)[0]).toMatchObject({
      message: { content: null, tool_calls: [{ function: { name: 'weather' } }] },
      finish_reason: 'tool_calls',
    });
  });

  it('returns extended thinking as reasoning_content', () => {
    const completion = toChatCompletion({
      id: 'msg_4',
      model: 'c',
      content: [
        { type: 'thinking', thinking: 'Let me see.' },
        { type: 'text', text: '42' },
      ],
      stop_reason: 'end_turn',
      usage,
    });
    expect((completion.choices as any)[0].message).toEqual({ role: 'assistant', content: '42', reasoning_content: 'Let me see.' });
  });

  it('answers completions in text_completion shape', () => {
    const completion = toTextCompletion({
      id: 'msg_3',
      model: 'c',
      content: [{ type: 'text', text: 'there was' }],
      stop_reason: 'max_tokens',
      usage,
    });
    expect(completion).toMatchObject({ object: 'text_completion', choices: [{ index: 0, text: 'there was', finish_reason: 'length' }] });
  });
});

/** An Anthropic stream as documented (https://docs.anthropic.com/en/api/messages-streaming), text then a tool call. */
const events = [
  {
    type: 'message_start',
    message: {
      id: 'msg_s',
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'claude-x',
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 472, output_tokens: 2, cache_read_input_tokens: 8 },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'ping' },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Okay,' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' checking.' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"location": "San Fra' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'ncisco, CA"}' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } },
  { type: 'message_stop' },
];

describe('Messages stream → chat.completion.chunk', () => {
  it('translates text, tool calls, the finish and the usage chunk', () => {
    const translator = new MessagesStreamTranslator('chat', true, 'anthropic');
    const chunks = events.flatMap((event) => translator.translate(JSON.stringify(event))).map((chunk) => JSON.parse(chunk));
    expect(translator.finished).toBe(true);
    for (const chunk of chunks) expect(chunk).toMatchObject({ id: 'msg_s', object: 'chat.completion.chunk', model: 'claude-x' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Okay,' },
      { content: ' checking.' },
      { tool_calls: [{ index: 0, id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"location": "San Fra' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'ncisco, CA"}' } }] },
      {},
      undefined,
    ]);
    expect(chunks[6].choices[0].finish_reason).toBe('tool_calls');
    expect(chunks[7]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 480, completion_tokens: 89, total_tokens: 569, prompt_tokens_details: { cached_tokens: 8 } },
    });
  });

  it('streams the format tool’s input as content deltas, finished with stop', () => {
    const translator = new MessagesStreamTranslator('chat', false, 'anthropic', 'get_weather');
    const chunks = events.flatMap((event) => translator.translate(JSON.stringify(event))).map((chunk) => JSON.parse(chunk));
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: '{"location": "San Fra' },
      { content: 'ncisco, CA"}' },
      {},
    ]);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('knows the prompt’s tokens from message_start on', () => {
    const translator = new MessagesStreamTranslator('chat', false, 'anthropic');
    expect(translator.promptTokens()).toBeUndefined();
    translator.translate(JSON.stringify(events[0]));
    expect(translator.promptTokens()).toBe(480);
    // Before message_delta's final counts, usage is what was delivered: the prompt, nothing yet of the answer, flagged.
    expect(translator.usage()).toMatchObject({ promptTokens: 480, estimated: true });
  });

  it('streams thinking deltas as reasoning_content', () => {
    const translator = new MessagesStreamTranslator('chat', false, 'anthropic');
    const thinking = [
      events[0],
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } },
      { type: 'content_block_stop', index: 0 },
    ];
    const chunks = thinking.flatMap((event) => translator.translate(JSON.stringify(event))).map((chunk) => JSON.parse(chunk));
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([{ role: 'assistant', content: '' }, { reasoning_content: 'Hmm.' }]);
  });

  it('leaves the usage chunk out unless asked, and speaks text_completion for completions', () => {
    const translator = new MessagesStreamTranslator('completion', false, 'anthropic');
    const chunks = events.flatMap((event) => translator.translate(JSON.stringify(event))).map((chunk) => JSON.parse(chunk));
    expect(chunks.map((chunk) => chunk.choices[0].text)).toEqual(['Okay,', ' checking.', '']);
    expect(chunks.at(-1)).toMatchObject({ object: 'text_completion', choices: [{ finish_reason: 'tool_calls' }] });
  });

  it('turns an error event into an UpstreamError, retryable only before any content', () => {
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const early = new MessagesStreamTranslator('chat', true, 'anthropic');
    early.translate(JSON.stringify(events[0]));
    expect(() => early.translate(JSON.stringify(error))).toThrow(UpstreamError);
    try {
      early.translate(JSON.stringify(error));
    } catch (caught) {
      expect(caught).toMatchObject({ upstreamStatus: 529, retryable: true });
      expect((caught as Error).message).toContain('Overloaded');
    }
    const late = new MessagesStreamTranslator('chat', true, 'anthropic');
    for (const event of events.slice(0, 4)) late.translate(JSON.stringify(event));
    expect(() => late.translate(JSON.stringify(error))).toThrow(expect.objectContaining({ retryable: false }));
  });
});
