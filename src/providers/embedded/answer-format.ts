import { z } from 'zod';
import { DevupError } from '../../errors.js';
import { compileJsonSchema, UnsupportedSchemaError, type JsonSchema } from '../../engine/grammar/json-schema-grammar.js';
import { compileConstraint, type CompiledConstraint } from '../../engine/grammar/output-constraint.js';
import { parseOrThrow } from '../../validation.js';

/** A function the model may call, as the request defined it. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/**
 * How a chat answer is to be written: `calls` says whether it must be a tool call (`always`),
 * may be one (`maybe`: the model chooses) or is text (`never`); `constraint` is the grammar that
 * holds it (absent: free text).
 */
export interface AnswerFormat {
  calls: 'never' | 'maybe' | 'always';
  /** The tools offered to the model (rendered into its prompt); empty when `calls` is never. */
  tools: ToolDefinition[];
  /** With `calls: always`, the one function named by `tool_choice`, if any. */
  forced?: string;
  constraint?: CompiledConstraint;
}

const jsonObject = z.record(z.string(), z.unknown());
const toolSchema = z.object({
  type: z.literal('function', { error: 'the embedded engine calls function tools only' }),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, { error: 'a function name is 1 to 64 letters, digits, _ or -' }),
    description: z.string().nullish(),
    parameters: jsonObject.nullish(),
    strict: z.boolean().nullish(),
  }),
});
const formatSchema = z.object({
  tools: z.array(toolSchema).nullish(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
    .nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({
        type: z.literal('json_schema'),
        json_schema: z.object({
          name: z.string(),
          description: z.string().nullish(),
          schema: z.union([jsonObject, z.boolean()]).nullish(),
          strict: z.boolean().nullish(),
        }),
      }),
    ])
    .nullish(),
});

/** A function's arguments when it defines no parameters: an empty object. */
const noParameters = { type: 'object', properties: {}, additionalProperties: false };

/**
 * Reads `tools`, `tool_choice` and `response_format` of a chat request into the answer's format.
 * Every schema must be one the grammar can hold output to: one it cannot is a 400 naming the
 * field (`response_format.json_schema.schema`, `tools[i].function.parameters`) and the keyword.
 *
 * @example readAnswerFormat({ response_format: { type: 'json_object' } }) // { calls: 'never', tools: [], constraint: {…} }
 */
export function readAnswerFormat(body: Record<string, unknown>): AnswerFormat {
  const fields = parseOrThrow(formatSchema, body, 'request');
  const tools = (fields.tools ?? []).map((tool, index) => {
    const parameters = tool.function.parameters ?? noParameters;
    checkSchema(parameters, `tools[${index}].function.parameters`, ['tools', String(index), 'function', 'parameters']);
    return { name: tool.function.name, description: tool.function.description ?? undefined, parameters };
  });
  const names = tools.map((tool) => tool.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new DevupError('invalid_request', `Two tools are named ${duplicate}`, { param: 'tools' });

  const choice = fields.tool_choice ?? 'auto';
  const forced = typeof choice === 'object' ? choice.function.name : undefined;
  if (forced !== undefined && !names.includes(forced)) {
    throw new DevupError('invalid_request', `tool_choice names ${forced}, which is not among the tools`, { param: 'tool_choice' });
  }
  if (tools.length === 0 && (choice === 'required' || forced)) {
    throw new DevupError('invalid_request', 'tool_choice asks for a tool call but the request has no tools', { param: 'tool_choice' });
  }

  const format = fields.response_format;
  const answerSchema: JsonSchema | undefined =
    format?.type === 'json_object' ? { type: 'object' } : format?.type === 'json_schema' ? (format.json_schema.schema ?? true) : undefined;
  if (format?.type === 'json_schema' && answerSchema !== undefined) {
    checkSchema(answerSchema, 'response_format.json_schema.schema', ['response_format', 'json_schema', 'schema']);
  }

  if (tools.length === 0 || choice === 'none') {
    return { calls: 'never', tools: [], constraint: answerSchema === undefined ? undefined : compileConstraint({ schema: answerSchema }) };
  }
  const offered = forced ? tools.filter((tool) => tool.name === forced) : tools;
  const calls = offered.map(callSchema);
  if (choice === 'required' || forced) {
    return { calls: 'always', tools, forced, constraint: compileConstraint({ schema: anyOf(calls) }) };
  }
  // auto: a call, or else the answer the response format asks for (free text without one).
  const constraint =
    answerSchema === undefined
      ? compileConstraint({ schema: anyOf(calls), orFreeText: true })
      : compileConstraint({ schema: anyOf([...calls, answerSchema]) });
  return { calls: 'maybe', tools, constraint };
}

/** The JSON a call is written as: `{"name":"…","arguments":{…}}`, name first. */
function callSchema(tool: ToolDefinition): JsonSchema {
  // `$id` makes the parameters their own resource, so their `#/$defs/…` references resolve in them.
  const parameters = { ...tool.parameters, $id: `devup:tool:${tool.name}` };
  return {
    type: 'object',
    properties: { name: { const: tool.name }, arguments: parameters },
    required: ['name', 'arguments'],
    additionalProperties: false,
  };
}

function anyOf(schemas: JsonSchema[]): JsonSchema {
  return schemas.length === 1 ? schemas[0] : { anyOf: schemas };
}

function checkSchema(schema: JsonSchema, param: string, path: string[]): void {
  try {
    compileJsonSchema(schema);
  } catch (error) {
    if (!(error instanceof UnsupportedSchemaError)) throw error;
    const where = [...path, ...error.path].join('.');
    throw new DevupError('invalid_request', `${param} is not supported by the embedded engine’s grammar: ${where}: ${error.message}`, {
      param,
      fieldErrors: [{ path: where, message: error.message }],
    });
  }
}
