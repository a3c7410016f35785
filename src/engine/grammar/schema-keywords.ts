/** The JSON Schema keywords the grammar compiler knows, by what they apply to and whether it holds output to them. */

/** JSON Schema keywords that apply to values of some types only (2020-12 and draft-07). */
export const keywordTypes: Record<string, string[]> = Object.fromEntries(
  Object.entries({
    number: ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum'],
    string: ['maxLength', 'minLength', 'pattern', 'format'],
    array: [
      'prefixItems',
      'items',
      'additionalItems',
      'contains',
      'maxContains',
      'minContains',
      'maxItems',
      'minItems',
      'uniqueItems',
      'unevaluatedItems',
    ],
    object: [
      'properties',
      'patternProperties',
      'additionalProperties',
      'propertyNames',
      'maxProperties',
      'minProperties',
      'required',
      'dependentRequired',
      'dependentSchemas',
      'dependencies',
      'unevaluatedProperties',
    ],
  }).flatMap(([type, keywords]) => keywords.map((keyword) => [keyword, type === 'number' ? ['number', 'integer'] : [type]])),
);
/** The type-specific keywords the grammar holds output to, per type. */
export const supported: Record<string, string[]> = {
  string: ['minLength', 'maxLength'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'],
  number: [],
  boolean: [],
  null: [],
  object: ['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties'],
  array: ['items', 'minItems', 'maxItems'],
};
/** Keywords that apply to every type and that the grammar does not support. */
export const unsupportedEverywhere = ['not', 'if', 'then', 'else', '$dynamicRef', '$recursiveRef'];
export const combinators = ['$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const'];
/** Keywords that never constrain (besides unknown ones, which JSON Schema ignores). */
export const annotations = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$comment',
  '$schema',
  '$id',
  '$anchor',
  '$defs',
  'definitions',
]);
