import { GbnfGrammar, gbnfLiteral } from './gbnf-grammar.js';
import { integerRange, maxIntegerDigits } from './integer-range.js';
import { annotations, combinators, keywordTypes, supported, unsupportedEverywhere } from './schema-keywords.js';

/** A JSON Schema (a boolean or an object of keywords), as parsed from JSON. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** A keyword the grammar cannot hold output to; `path` leads to it from the schema's root. */
export class UnsupportedSchemaError extends Error {
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(message);
    this.name = 'UnsupportedSchemaError';
  }
}

/** What the value rules of any JSON are written as; named once per grammar. */
const shared = {
  char: String.raw`[^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})`,
  integer: `"-"? ("0" | [1-9] [0-9]{0,${maxIntegerDigits - 1}})`,
};

/** A compiled schema: the grammar and the length of the shortest text it accepts. */
export interface JsonSchemaGrammar {
  /** GBNF text, root rule `root`. */
  grammar: string;
  shortest: number;
}

/**
 * Compiles a JSON Schema into a GBNF grammar whose every complete text is compact JSON (no
 * whitespace) that the schema accepts, so a sampler held to it writes only valid answers and
 * ends when the value is complete. A subset of JSON Schema 2020-12 (also what OpenAI's strict
 * structured outputs use):
 * - `type` (one or a list), `enum`, `const`, `anyOf`, `oneOf` (written as anyOf: alternatives are
 *   not checked to exclude each other), `allOf` of one schema, `$ref` to `#` or a JSON pointer
 *   into the current resource (`$defs`, `definitions`; `$id` starts a new resource), `true`/`{}`;
 * - strings: `minLength`, `maxLength`; integers: `minimum`, `maximum`, `exclusiveMinimum`,
 *   `exclusiveMaximum`; numbers unbounded;
 * - objects: `properties` written in their order, those not in `required` optional, no other
 *   keys; without `properties`, a map: `additionalProperties`, `minProperties`, `maxProperties`;
 *   arrays: `items`, `minItems`, `maxItems`.
 * Any other assertion (`pattern`, `format`, `not`, `multipleOf`, bounds on numbers, …) throws
 * `UnsupportedSchemaError` naming it, so no request is answered with output its schema refuses.
 * Unknown keywords assert nothing in JSON Schema and are ignored.
 *
 * @example compileJsonSchema({ type: 'integer', minimum: 1, maximum: 3 })
 *   // { grammar: 'root ::= r1\nr1 ::= [1-3]\n', shortest: 1 }
 */
export function compileJsonSchema(schema: JsonSchema, options: { orFreeText?: boolean } = {}): JsonSchemaGrammar {
  const compiler = new SchemaCompiler(schema);
  const value = compiler.compile(schema, [], schema);
  const shortest = compiler.shortest(value);
  // Free text: anything whose first non-blank character is not the "{" that starts the JSON answer.
  const root = options.orFreeText ? `[ \\t\\n]* (${value} | [^{ \\t\\n] [^\\x00]*)` : value;
  return { grammar: compiler.grammar.text(root), shortest };
}

type SchemaObject = { readonly [keyword: string]: unknown };

class SchemaCompiler {
  readonly grammar = new GbnfGrammar();
  private readonly sharedNames = new Map<string, string>();
  private readonly refRules = new Map<SchemaObject, string>();
  /** The length of the shortest text of each symbol or expression returned. */
  private readonly lengths = new Map<string, number>();

  constructor(private readonly root: JsonSchema) {}

  shortest(symbol: string): number {
    return this.lengths.get(symbol) ?? Number.POSITIVE_INFINITY;
  }

  /** The symbol (a rule name or a short sequence) for values `schema` accepts; `#` refs resolve in `resource`. */
  compile(schema: unknown, path: string[], resource: JsonSchema): string {
    if (schema === true) return this.any();
    if (schema === false) throw new UnsupportedSchemaError(path, 'the schema `false` accepts no value');
    if (!isObject(schema)) throw new UnsupportedSchemaError(path, 'a schema must be an object or a boolean');
    if (typeof schema.$id === 'string' && schema !== this.root) resource = schema;
    const keywords = Object.keys(schema).filter((keyword) => !annotations.has(keyword));
    const everywhere = keywords.find((keyword) => unsupportedEverywhere.includes(keyword));
    if (everywhere) throw new UnsupportedSchemaError([...path, everywhere], `${everywhere} is not supported by the grammar`);
    const combinator = combinators.find((keyword) => keyword in schema);
    if (combinator) return this.combination(schema, combinator, keywords, path, resource);
    const types = this.types(schema, keywords, path);
    if (!types) return this.any();
    for (const keyword of keywords) {
      // A keyword of other types than these asserts nothing here (JSON Schema), nor does an unknown one.
      const type = (keywordTypes[keyword] ?? []).find((applies) => types.includes(applies) && !supported[applies].includes(keyword));
      if (type) throw new UnsupportedSchemaError([...path, keyword], `${keyword} is not supported by the grammar (on ${type} values)`);
    }
    return this.alternatives(types.map((type) => this.typed(type, schema, path, resource)));
  }

  private combination(schema: SchemaObject, combinator: string, keywords: string[], path: string[], resource: JsonSchema): string {
    const literal = combinator === 'enum' || combinator === 'const';
    const asserts = (keyword: string) => keyword in keywordTypes || combinators.includes(keyword) || (keyword === 'type' && !literal);
    const sibling = keywords.find((keyword) => keyword !== combinator && asserts(keyword));
    if (sibling) throw new UnsupportedSchemaError([...path, sibling], `${sibling} beside ${combinator} is not supported`);
    const value = schema[combinator];
    const here = [...path, combinator];
    switch (combinator) {
      case '$ref':
        return this.reference(value, here, resource);
      case 'enum':
      case 'const':
        return this.literals(combinator === 'const' ? [value] : value, schema.type, here);
      case 'allOf':
        if (!Array.isArray(value) || value.length !== 1) throw new UnsupportedSchemaError(here, 'allOf is supported with one schema only');
        return this.compile(value[0], [...here, '0'], resource);
      default:
        if (!Array.isArray(value) || value.length === 0)
          throw new UnsupportedSchemaError(here, `${combinator} must list at least one schema`);
        return this.alternatives(value.map((item, index) => this.compile(item, [...here, String(index)], resource)));
    }
  }

  /** The types a schema allows: its `type`, else the ones its keywords imply (integer for numeric ones); undefined: any. */
  private types(schema: SchemaObject, keywords: string[], path: string[]): string[] | undefined {
    const declared = schema.type;
    if (declared === undefined) {
      const implied = new Set(keywords.map((keyword) => keywordTypes[keyword]?.at(-1)).filter((type) => type !== undefined));
      return implied.size > 0 ? [...implied] : undefined;
    }
    const list = Array.isArray(declared) ? declared : [declared];
    for (const type of list) {
      if (typeof type !== 'string' || !(type in supported))
        throw new UnsupportedSchemaError([...path, 'type'], `unknown type ${JSON.stringify(type)}`);
    }
    return [...new Set(list as string[])];
  }

  private typed(type: string, schema: SchemaObject, path: string[], resource: JsonSchema): string {
    switch (type) {
      case 'string':
        return this.string(schema, path);
      case 'integer':
        return this.integer(schema, path);
      case 'number':
        return this.number();
      case 'boolean':
        return this.shared('boolean', '"true" | "false"', 4);
      case 'null':
        return this.measured('"null"', 4);
      case 'object':
        return this.object(schema, path, resource);
      default:
        return this.array(schema, path, resource);
    }
  }

  private string(schema: SchemaObject, path: string[]): string {
    const minimum = count(schema, 'minLength', path) ?? 0;
    const maximum = count(schema, 'maxLength', path);
    if (minimum === 0 && maximum === undefined) return this.stringRule();
    if (maximum !== undefined && maximum < minimum) throw new UnsupportedSchemaError(path, 'maxLength is below minLength');
    return this.rule(`"\\"" ${this.shared('char', shared.char, 1)}{${minimum},${maximum ?? ''}} "\\""`, 2 + minimum);
  }

  private integer(schema: SchemaObject, path: string[]): string {
    const bound = (keyword: string, round: (value: number) => number) => {
      const value = schema[keyword];
      if (value === undefined) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new UnsupportedSchemaError([...path, keyword], `${keyword} must be a number`);
      if (Math.abs(value) >= 10 ** maxIntegerDigits)
        throw new UnsupportedSchemaError([...path, keyword], `${keyword} is beyond ${maxIntegerDigits} digits`);
      return round(value);
    };
    const lows = [bound('minimum', Math.ceil), bound('exclusiveMinimum', (value) => Math.floor(value) + 1)].filter(
      (value) => value !== undefined,
    );
    const highs = [bound('maximum', Math.floor), bound('exclusiveMaximum', (value) => Math.ceil(value) - 1)].filter(
      (value) => value !== undefined,
    );
    if (lows.length === 0 && highs.length === 0) return this.shared('integer', shared.integer, 1);
    const low = lows.length > 0 ? Math.max(...lows) : undefined;
    const high = highs.length > 0 ? Math.min(...highs) : undefined;
    if (low !== undefined && high !== undefined && low > high) throw new UnsupportedSchemaError(path, 'no integer lies within the bounds');
    const nearestZero = low !== undefined && low > 0 ? low : high !== undefined && high < 0 ? high : 0;
    return this.rule(integerRange(low, high), String(nearestZero).length);
  }

  private number(): string {
    return this.shared('number', `${this.shared('integer', shared.integer, 1)} ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,2})?`, 1);
  }

  private object(schema: SchemaObject, path: string[], resource: JsonSchema): string {
    const properties = schema.properties;
    if (properties === undefined && schema.required === undefined) return this.map(schema, path, resource);
    if (properties !== undefined && !isObject(properties))
      throw new UnsupportedSchemaError([...path, 'properties'], 'properties must be an object');
    for (const keyword of ['minProperties', 'maxProperties']) {
      if (keyword in schema) throw new UnsupportedSchemaError([...path, keyword], `${keyword} is supported without properties only`);
    }
    const required = schema.required ?? [];
    if (!Array.isArray(required)) throw new UnsupportedSchemaError([...path, 'required'], 'required must be a list of names');
    const names = Object.keys(properties ?? {});
    const missing = required.find((name) => !names.includes(name));
    if (missing !== undefined)
      throw new UnsupportedSchemaError([...path, 'required'], `required names ${JSON.stringify(missing)}, which is not in properties`);
    let shortest = 2 + Math.max(required.length - 1, 0);
    const members = names.map((name) => {
      const key = JSON.stringify(name);
      const value = this.compile(properties![name], [...path, 'properties', name], resource);
      if (required.includes(name)) shortest += key.length + 1 + this.shortest(value);
      return `${gbnfLiteral(key)} ":" ${value}`;
    });
    // rest(i, afterMember): the members from i on, each optional one present or not, commas between.
    const rules = new Map<string, string>();
    const rest = (index: number, afterMember: boolean): string => {
      if (index === names.length) return '';
      const key = `${index}:${afterMember}`;
      if (!rules.has(key)) {
        const present = `${afterMember ? '"," ' : ''}${members[index]} ${rest(index + 1, true)}`.trim();
        const absent = rest(index + 1, afterMember);
        const body = required.includes(names[index]) ? present : absent ? `${present} | ${absent}` : `(${present})?`;
        rules.set(key, this.grammar.rule(body));
      }
      return rules.get(key)!;
    };
    return this.rule(['"{"', rest(0, false), '"}"'].filter(Boolean).join(' '), shortest);
  }

  /** An object without `properties`: keys and values as `additionalProperties` allows. */
  private map(schema: SchemaObject, path: string[], resource: JsonSchema): string {
    const values = schema.additionalProperties;
    if (values === false) return this.measured('"{" "}"', 2);
    const value = values === undefined ? this.any() : this.compile(values, [...path, 'additionalProperties'], resource);
    const minimum = count(schema, 'minProperties', path) ?? 0;
    const maximum = count(schema, 'maxProperties', path);
    if (maximum !== undefined && maximum < minimum) throw new UnsupportedSchemaError(path, 'maxProperties is below minProperties');
    const member = `${this.stringRule()} ":" ${value}`;
    return this.rule(
      `"{" ${this.repeated(member, minimum, maximum)} "}"`,
      2 + minimum * (3 + this.shortest(value)) + Math.max(minimum - 1, 0),
    );
  }

  private array(schema: SchemaObject, path: string[], resource: JsonSchema): string {
    const items = schema.items;
    if (Array.isArray(items)) throw new UnsupportedSchemaError([...path, 'items'], 'items as a list (tuples) is not supported');
    const item = items === undefined ? this.any() : this.compile(items, [...path, 'items'], resource);
    const minimum = count(schema, 'minItems', path) ?? 0;
    const maximum = count(schema, 'maxItems', path);
    if (maximum !== undefined && maximum < minimum) throw new UnsupportedSchemaError(path, 'maxItems is below minItems');
    return this.rule(`"[" ${this.repeated(item, minimum, maximum)} "]"`, 2 + minimum * this.shortest(item) + Math.max(minimum - 1, 0));
  }

  /** `minimum` to `maximum` (unbounded when undefined) of `element`, separated by commas. */
  private repeated(element: string, minimum: number, maximum: number | undefined): string {
    if (maximum === 0) return '';
    const fewest = Math.max(minimum - 1, 0);
    const more = maximum === undefined ? (fewest === 0 ? '*' : `{${fewest},}`) : `{${fewest},${maximum - 1}}`;
    const list = `${element} ("," ${element})${more}`;
    return minimum === 0 ? `(${list})?` : list;
  }

  private literals(values: unknown, type: unknown, path: string[]): string {
    if (!Array.isArray(values) || values.length === 0) throw new UnsupportedSchemaError(path, 'enum must list at least one value');
    const types = type === undefined ? undefined : Array.isArray(type) ? type : [type];
    const texts = values
      .filter((value) => types === undefined || types.some((name) => hasType(value, name)))
      .map((value) => JSON.stringify(value));
    if (texts.length === 0) throw new UnsupportedSchemaError(path, 'no listed value has the schema’s type');
    return this.rule(texts.map(gbnfLiteral).join(' | '), Math.min(...texts.map((text) => text.length)));
  }

  private reference(ref: unknown, path: string[], resource: JsonSchema): string {
    if (typeof ref !== 'string' || !(ref === '#' || ref.startsWith('#/'))) {
      throw new UnsupportedSchemaError(path, 'only references within the schema (#, #/$defs/…) are supported');
    }
    let target: unknown = resource;
    for (const part of ref.split('/').slice(1)) {
      const name = safeDecode(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[name] : undefined;
    }
    if (typeof target === 'boolean') return this.compile(target, path, resource);
    if (!isObject(target)) throw new UnsupportedSchemaError(path, `${ref} does not resolve`);
    const known = this.refRules.get(target);
    if (known) return known;
    // Named before it is compiled, so a recursive schema refers to itself.
    const name = this.grammar.reserve();
    this.refRules.set(target, name);
    const body = this.compile(target, path, resource);
    this.grammar.define(name, body);
    return this.measured(name, this.shortest(body));
  }

  /** Any JSON value. */
  private any(): string {
    const known = this.sharedNames.get('value');
    if (known) return known;
    const value = this.grammar.reserve();
    this.sharedNames.set('value', value);
    const string = this.stringRule();
    const object = this.grammar.rule(`"{" (${string} ":" ${value} ("," ${string} ":" ${value})*)? "}"`);
    const array = this.grammar.rule(`"[" (${value} ("," ${value})*)? "]"`);
    this.grammar.define(value, `${object} | ${array} | ${string} | ${this.number()} | "true" | "false" | "null"`);
    return this.measured(value, 1);
  }

  private stringRule(): string {
    return this.shared('string', `"\\"" ${this.shared('char', shared.char, 1)}* "\\""`, 2);
  }

  private alternatives(symbols: string[]): string {
    if (symbols.length === 1) return symbols[0];
    return this.rule(symbols.join(' | '), Math.min(...symbols.map((symbol) => this.shortest(symbol))));
  }

  private shared(key: string, body: string, shortest: number): string {
    if (!this.sharedNames.has(key)) this.sharedNames.set(key, this.rule(body, shortest));
    return this.sharedNames.get(key)!;
  }

  private rule(body: string, shortest: number): string {
    return this.measured(this.grammar.rule(body), shortest);
  }

  private measured(symbol: string, shortest: number): string {
    this.lengths.set(symbol, Math.min(this.lengths.get(symbol) ?? Number.POSITIVE_INFINITY, shortest));
    return symbol;
  }
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function count(schema: SchemaObject, keyword: string, path: string[]): number | undefined {
  const value = schema[keyword];
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0)
    throw new UnsupportedSchemaError([...path, keyword], `${keyword} must be a whole number`);
  return value as number;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'null') return value === null;
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  return typeof value === type;
}
