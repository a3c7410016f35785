import { z } from 'zod';
import type { ChatTurn } from '../../engine/runtime/chat-prompt.js';
import { parseOrThrow } from '../../validation.js';
import type { AnswerFormat } from './answer-format.js';

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.literal('text', { error: 'the embedded engine reads text parts only' }), text: z.string() })),
]);
const messagesSchema = z
  .array(
    z.object({
      role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
      content: contentSchema.nullish(),
      tool_calls: z
        .array(z.object({ id: z.string(), type: z.literal('function'), function: z.object({ name: z.string(), arguments: z.string() }) }))
        .nullish(),
      tool_call_id: z.string().nullish(),
    }),
  )
  .min(1);

/**
 * The turns of a chat request as the engine renders them. Tool calls in the history are written
 * the way the grammar has the model write them (`{"name":…,"arguments":…}`, so the model sees its
 * own format), and tool results become user turns naming the function. When the answer may be a
 * call, a system turn first lists the tools and says how to call them.
 */
export function chatTurns(messages: unknown, format: AnswerFormat): ChatTurn[] {
  const parsed = parseOrThrow(messagesSchema, messages, 'request', ['messages']);
  const callNames = new Map(parsed.flatMap((message) => (message.tool_calls ?? []).map((call) => [call.id, call.function.name] as const)));
  const turns: ChatTurn[] = parsed.map((message) => {
    const text = typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => part.text).join('');
    if (message.role === 'tool') {
      const name = callNames.get(message.tool_call_id ?? '') ?? 'a function';
      return { role: 'user', text: `The function ${name} returned: ${text}` };
    }
    if (message.role === 'assistant') {
      const calls = (message.tool_calls ?? []).map(
        (call) => `{"name":${JSON.stringify(call.function.name)},"arguments":${call.function.arguments}}`,
      );
      return { role: 'assistant', text: [text, ...calls].filter(Boolean).join('\n') };
    }
    // Developer messages are system messages for older models.
    return { role: message.role === 'developer' ? 'system' : message.role, text };
  });
  if (format.calls === 'never') return turns;
  const instructions = toolInstructions(format);
  const [first, ...rest] = turns;
  return first.role === 'system'
    ? [{ role: 'system', text: `${first.text}\n\n${instructions}` }, ...rest]
    : [{ role: 'system', text: instructions }, ...turns];
}

function toolInstructions(format: AnswerFormat): string {
  const tools = format.tools.map(
    (tool) =>
      `- ${tool.name}${tool.description ? `: ${tool.description}` : ''}\n  arguments (JSON Schema): ${JSON.stringify(tool.parameters)}`,
  );
  const when = format.forced
    ? `Call ${format.forced} now.`
    : format.calls === 'always'
      ? 'Answer with a function call.'
      : 'When no function is needed, answer in plain text.';
  return [
    'You can call these functions:',
    ...tools,
    `To call a function, answer with one JSON object and nothing else: {"name":"<function name>","arguments":{<its arguments>}}. ${when}`,
  ].join('\n');
}
