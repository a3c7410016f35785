import type { FieldError } from '../../errors.js';

/** The tool a chat request's `response_format` becomes for an Anthropic target (a Messages tool definition). */
export interface FormatTool {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** The name of the tool that `json_object` becomes (a `json_schema` format's tool takes the schema's name). */
export const jsonObjectToolName = 'json_object';

/**
 * A chat request's `response_format` as an Anthropic target can answer it. The Messages API has no
 * response format; the way the field gets JSON out of Claude (Anthropic's documented "JSON mode"
 * pattern, LiteLLM's translation) is a tool the model is made to call, whose `input` is the answer:
 * - `json_schema` → a tool named after the schema, its `input_schema` the schema (whose root must be
 *   an object: a tool's input always is one);
 * - `json_object` → a tool named `json_object` whose input is any object. A forced tool rather than
 *   a system instruction: its input is always one JSON object, where an instruction may be
 *   answered with prose or a fenced code block that the client then fails to parse.
 * `text` or no format → undefined. Problems are reported in `errors`.
 *
 * @example formatTool({ type: 'json_schema', json_schema: { name: 'forecast', schema } }, errors)
 *   // { name: 'forecast', description: 'Write your answer …', input_schema: schema }
 */
export function formatTool(responseFormat: unknown, errors: FieldError[]): FormatTool | undefined {
  if (responseFormat === undefined || responseFormat === null) return undefined;
  const format = responseFormat as { type?: unknown; json_schema?: { name?: unknown; description?: unknown; schema?: unknown } };
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    return { name: jsonObjectToolName, description: instruction('a JSON object'), input_schema: { type: 'object' } };
  }
  if (format.type !== 'json_schema') {
    errors.push({ path: 'response_format.type', message: "must be 'text', 'json_object' or 'json_schema'" });
    return undefined;
  }
  const { name, description, schema } = format.json_schema ?? {};
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
    errors.push({ path: 'response_format.json_schema.name', message: 'must be 1 to 64 letters, digits, _ or -' });
    return undefined;
  }
  const inputSchema = schema === undefined || schema === null || schema === true ? { type: 'object' } : schema;
  if (typeof inputSchema !== 'object' || Array.isArray(inputSchema) || !isObjectSchema(inputSchema as Record<string, unknown>)) {
    errors.push({ path: 'response_format.json_schema.schema', message: 'must describe an object for Anthropic targets (type: object)' });
    return undefined;
  }
  const what = typeof description === 'string' && description ? `${name} (${description})` : name;
  return { name, description: instruction(what), input_schema: inputSchema as Record<string, unknown> };
}

function instruction(what: string): string {
  return `Write your answer with this tool: its input is the whole answer, ${what}.`;
}

/** A schema whose values are objects: `type: 'object'`, or no type with properties to describe. */
function isObjectSchema(schema: Record<string, unknown>): boolean {
  return schema.type === 'object' || (schema.type === undefined && (schema.properties !== undefined || Object.keys(schema).length === 0));
}
