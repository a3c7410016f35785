import { Ajv } from 'ajv';
import { expect } from 'vitest';

const ajv = new Ajv();

/**
 * Asserts that `value` is valid against the JSON Schema `schema` (ajv), the message naming what
 * does not fit.
 *
 * @example expectFits({ type: 'object', required: ['city'] }, JSON.parse(answer));
 */
export function expectFits(schema: object, value: unknown): void {
  const validate = ajv.compile(schema);
  expect(validate(value), `${JSON.stringify(value)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}
