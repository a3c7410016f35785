import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { compileJsonSchema, UnsupportedSchemaError, type JsonSchema } from '../../src/engine/grammar/json-schema-grammar.js';
import { integerRange } from '../../src/engine/grammar/integer-range.js';
import { loadLlamaRuntime } from '../../src/engine/runtime/llama-runtime.js';
import { GbnfMatcher } from './support/gbnf-matcher.js';

const person = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'who' },
    age: { type: 'integer', minimum: 1, maximum: 120 },
    mood: { enum: ['happy', 'sad', 'calm'] },
    tags: { type: 'array', items: { type: 'string', maxLength: 8 }, maxItems: 3 },
  },
  required: ['name', 'age', 'mood', 'tags'],
  additionalProperties: false,
} as const;

const matcher = (schema: JsonSchema) => new GbnfMatcher(compileJsonSchema(schema).grammar);

/** A seeded generator, so a failing sample can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('JSON Schema → GBNF grammar', () => {
  it('writes integer ranges that hold exactly the integers within the bounds, without leading zeros', () => {
    const bounds: Array<[number | undefined, number | undefined]> = [
      [1, 120],
      [-120, 345],
      [-50, -7],
      [0, 0],
      [7, undefined],
      [undefined, -3],
      [undefined, 99],
      [100, 1000],
      [-1000, 1000],
    ];
    for (const [minimum, maximum] of bounds) {
      const grammar = new GbnfMatcher(`root ::= ${integerRange(minimum, maximum)}\n`);
      for (let value = -1100; value <= 1100; value++) {
        const inside = (minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum);
        expect(grammar.accepts(String(value)), `${value} in [${minimum}, ${maximum}]`).toBe(inside);
      }
      expect(grammar.accepts('007')).toBe(false);
      expect(grammar.accepts('1.5')).toBe(false);
    }
    // Unbounded above: any count of digits up to 16.
    const high = new GbnfMatcher(`root ::= ${integerRange(7, undefined)}\n`);
    expect(high.accepts('9007199254740991')).toBe(true);
    expect(high.accepts('12345678901234567')).toBe(false);
  });

  it('holds a schema’s objects to their properties, order, types, enums and bounds, in compact JSON', () => {
    const grammar = matcher(person);
    expect(grammar.accepts('{"name":"Ann","age":7,"mood":"sad","tags":["a","bc"]}')).toBe(true);
    expect(grammar.accepts('{"name":"","age":120,"mood":"calm","tags":[]}')).toBe(true);
    expect(grammar.accepts('{"name":"Ann","age":121,"mood":"sad","tags":[]}')).toBe(false);
    expect(grammar.accepts('{"name":"Ann","age":0,"mood":"sad","tags":[]}')).toBe(false);
    expect(grammar.accepts('{"name":"Ann","age":7,"mood":"angry","tags":[]}')).toBe(false);
    expect(grammar.accepts('{"name":"Ann","age":7,"mood":"sad"}')).toBe(false);
    expect(grammar.accepts('{"name":"Ann","age":7,"mood":"sad","tags":["a","b","c","d"]}')).toBe(false);
    expect(grammar.accepts('{"name":"Ann","age":7,"mood":"sad","tags":["toolongtag"]}')).toBe(false);
    expect(grammar.accepts('{"name":"Ann","age":7,"mood":"sad","tags":[],"extra":1}')).toBe(false);
    expect(grammar.accepts('{"name": "Ann","age":7,"mood":"sad","tags":[]}')).toBe(false);
    expect(grammar.accepts('{"name":"A\\"n\\u00e9","age":7,"mood":"sad","tags":[]}')).toBe(true);
    expect(grammar.accepts('{"name":"A\nn","age":7,"mood":"sad","tags":[]}')).toBe(false);
  });

  it('writes optional properties present or not, in order, with commas right', () => {
    const grammar = matcher({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'boolean' }, c: { type: 'null' } },
      required: ['b'],
    });
    for (const text of ['{"b":true}', '{"a":1,"b":false}', '{"b":true,"c":null}', '{"a":-3,"b":true,"c":null}']) {
      expect(grammar.accepts(text), text).toBe(true);
    }
    for (const text of ['{}', '{"a":1}', '{,"b":true}', '{"b":true,}', '{"b":true,"a":1}', '{"a":1,,"b":true}']) {
      expect(grammar.accepts(text), text).toBe(false);
    }
    expect(matcher({ type: 'object', properties: { a: { type: 'integer' } } }).accepts('{}')).toBe(true);
  });

  it('samples only texts that parse and validate (ajv) for schemas with anyOf, refs, maps and nesting', () => {
    const schemas: JsonSchema[] = [
      person,
      {
        anyOf: [
          {
            type: 'object',
            properties: {
              name: { const: 'get_weather' },
              arguments: {
                $id: 'tool-0',
                type: 'object',
                properties: { to: { $ref: '#/$defs/place' } },
                required: ['to'],
                $defs: { place: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
              },
            },
            required: ['name', 'arguments'],
          },
          {
            type: 'object',
            properties: {
              name: { const: 'add' },
              arguments: { type: 'object', properties: { x: { type: 'number' }, y: { type: ['integer', 'null'] } }, required: ['x', 'y'] },
            },
            required: ['name', 'arguments'],
          },
        ],
      },
      { type: 'object', additionalProperties: { type: 'integer', minimum: -5, maximum: 5 }, minProperties: 1, maxProperties: 3 },
      { type: 'array', items: { oneOf: [{ type: 'string', minLength: 2, maxLength: 4 }, { type: 'boolean' }] }, minItems: 2, maxItems: 4 },
      {
        type: 'object',
        properties: { when: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 }, note: { type: 'string' } },
        required: ['when'],
      },
    ];
    const ajv = new Ajv();
    for (const schema of schemas) {
      const grammar = matcher(schema);
      const validate = ajv.compile(schema as object);
      const next = random(7);
      for (let sample = 0; sample < 200; sample++) {
        const text = grammar.sample(next);
        expect(validate(JSON.parse(text)), `${text}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
  });

  it('follows recursive references and accepts any JSON where the schema allows it', () => {
    const tree = matcher({
      $defs: {
        node: {
          type: 'object',
          properties: { value: { type: 'integer' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
          required: ['value', 'children'],
        },
      },
      $ref: '#/$defs/node',
    });
    expect(tree.accepts('{"value":1,"children":[{"value":2,"children":[]},{"value":3,"children":[{"value":4,"children":[]}]}]}')).toBe(
      true,
    );
    expect(tree.accepts('{"value":1,"children":[{"value":2}]}')).toBe(false);
    const object = matcher({ type: 'object' });
    expect(object.accepts('{"a":[1,2.5e3,{"b":null}],"c":"d","e":true}')).toBe(true);
    expect(object.accepts('[1]')).toBe(false);
    expect(matcher(true).accepts('"just a string"')).toBe(true);
  });

  it('with free text allowed, takes a JSON object or any text that does not start with "{"', () => {
    const grammar = new GbnfMatcher(
      compileJsonSchema({ type: 'object', properties: { name: { const: 'f' } }, required: ['name'] }, { orFreeText: true }).grammar,
    );
    expect(grammar.accepts('{"name":"f"}')).toBe(true);
    expect(grammar.accepts(' \n{"name":"f"}')).toBe(true);
    expect(grammar.accepts('Hello {there}')).toBe(true);
    expect(grammar.accepts(' Once upon a time')).toBe(true);
    expect(grammar.accepts('{"name":"g"}')).toBe(false);
    expect(grammar.accepts('{hello')).toBe(false);
  });

  it('tells the length of the shortest text', () => {
    expect(compileJsonSchema(person).shortest).toBe('{"name":"","age":1,"mood":"sad","tags":[]}'.length);
    expect(compileJsonSchema({ type: 'integer', minimum: -20, maximum: -10 }).shortest).toBe(3);
    expect(compileJsonSchema({ anyOf: [{ type: 'boolean' }, { type: 'null' }, { enum: ['xy'] }] }).shortest).toBe(4);
  });

  it('refuses what it cannot hold output to, naming the keyword’s place', () => {
    const refused: Array<[JsonSchema, string]> = [
      [{ type: 'string', pattern: '^a' }, 'pattern'],
      [{ type: 'object', properties: { when: { type: 'string', format: 'date-time' } } }, 'properties.when.format'],
      [{ type: 'number', minimum: 0 }, 'minimum'],
      [{ type: 'integer', multipleOf: 2 }, 'multipleOf'],
      [{ not: { type: 'string' } }, 'not'],
      [{ type: 'array', items: [{ type: 'string' }] }, 'items'],
      [{ type: 'array', uniqueItems: true }, 'uniqueItems'],
      [{ type: 'object', properties: { a: {} }, required: ['b'] }, 'required'],
      [{ allOf: [{ type: 'string' }, { maxLength: 3 }] }, 'allOf'],
      [{ anyOf: [{ type: 'string' }], type: 'object' }, 'type'],
      [{ $ref: 'https://example.com/schema' }, '$ref'],
      [{ $ref: '#/$defs/missing' }, '$ref'],
      [{ type: 'integer', minimum: 5, maximum: 4 }, ''],
      [{ type: 'date' }, 'type'],
      [false, ''],
    ];
    for (const [schema, path] of refused) {
      let error: unknown;
      try {
        compileJsonSchema(schema);
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(schema)).toBeInstanceOf(UnsupportedSchemaError);
      expect((error as UnsupportedSchemaError).path.join('.')).toBe(path);
    }
    // Keywords of other types and unknown keywords assert nothing here.
    expect(() => compileJsonSchema({ type: 'string', minimum: 3, 'x-order': 1, nullable: true })).not.toThrow();
  });

  it('writes grammars that llama.cpp parses', async () => {
    const llama = await loadLlamaRuntime();
    for (const schema of [person, { type: 'object' }, { type: 'integer', minimum: -1000, maximum: 99999 }]) {
      await expect(llama.createGrammar({ grammar: compileJsonSchema(schema).grammar })).resolves.toBeDefined();
    }
    await expect(llama.createGrammar({ grammar: compileJsonSchema(person, { orFreeText: true }).grammar })).resolves.toBeDefined();
  });
});
