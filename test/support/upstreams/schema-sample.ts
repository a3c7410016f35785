import { countWords } from './peer-server.js';

/**
 * A value that fits a JSON schema (objects, arrays, enums, strings, numbers, booleans), strings
 * holding `text`, numbers its word count: what the test peers answer a `json_schema` response
 * format (OpenAI peer) or a forced tool (Anthropic peer) with.
 */
export function sampleOf(schema: any, text: string): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return sampleOf(union.find((option: any) => option.type !== 'null') ?? union[0], text);
  const type = Array.isArray(schema.type) ? schema.type.find((option: string) => option !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, sampleOf(property, text)]));
    case 'array':
      return [sampleOf(schema.items ?? {}, text)];
    case 'integer':
    case 'number':
      return countWords(text);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return text;
  }
}
