import { DevupError, type FieldError } from '../../errors.js';

type ConfigObject = Record<string, unknown>;

/**
 * Reads numbers out of a foreign config and remembers every field that is missing, so one error
 * names them all (`num_attention_heads`, `hidden_size`…) instead of failing on the first.
 *
 * @example
 *   const fields = new ConfigFields(config, 'config.json');
 *   const layers = fields.number('num_hidden_layers');
 *   fields.finish(); // throws DevupError('invalid_request') naming each missing field
 */
export class ConfigFields {
  private readonly missing: FieldError[] = [];

  constructor(
    readonly config: ConfigObject,
    private readonly source: string,
  ) {}

  /** The first of `keys` that holds a positive number; records the first key as missing otherwise. */
  number(...keys: string[]): number {
    const value = this.optionalNumber(...keys);
    if (value !== undefined) return value;
    this.missing.push({ path: keys[0], message: `${this.source} has no '${keys.join("' or '")}', which the planner needs` });
    return 0;
  }

  optionalNumber(...keys: string[]): number | undefined {
    for (const key of keys) {
      const value = this.config[key];
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    return undefined;
  }

  string(key: string): string | undefined {
    const value = this.config[key];
    return typeof value === 'string' ? value : undefined;
  }

  finish(): void {
    if (this.missing.length === 0) return;
    throw new DevupError(
      'invalid_request',
      `Cannot plan from ${this.source}: missing ${this.missing.map((field) => `'${field.path}'`).join(', ')}`,
      {
        fieldErrors: this.missing,
      },
    );
  }
}

export function isObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
