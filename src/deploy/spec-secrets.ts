import { redactUrl } from '../redact-url.js';

/** Stored and shown in place of a secret-bearing value of a target spec. */
export const secretPlaceholder = '***';

/**
 * A target spec in two parts: `spec` holds placeholders where secret-bearing values were and may
 * be stored in the clear and returned by the API; `secrets` holds those values in the same shape
 * (`{ headers: { Authorization: 'Bearer …' } }`), encrypted at rest and laid back over the spec
 * only when the target starts (`overlaySecrets`). Empty when the spec holds no secret.
 */
export interface SplitSpec<Spec> {
  spec: Spec;
  secrets: Record<string, unknown>;
}

/**
 * Every value of a map whose values may be credentials (custom headers, an engine's environment)
 * is kept apart: a placeholder in the spec, the value in `secret`. Placeholders already there stay.
 *
 * @example splitValues({ 'X-Api-Key': 'k-1' }) // { shown: { 'X-Api-Key': '***' }, secret: { 'X-Api-Key': 'k-1' } }
 */
export function splitValues(values: Record<string, string>): { shown: Record<string, string>; secret?: Record<string, string> } {
  const secret = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== secretPlaceholder));
  const shown = Object.fromEntries(Object.keys(values).map((name) => [name, secretPlaceholder]));
  return { shown, secret: Object.keys(secret).length > 0 ? secret : undefined };
}

/**
 * A URL's credentials (`user:pass@`, `?api_key=`) are kept apart: the spec shows the URL with
 * placeholders, `secret` is the whole URL when it had any.
 *
 * @example splitUrl('https://me:pw@host/v1') // { shown: 'https://***@host/v1', secret: 'https://me:pw@host/v1' }
 */
export function splitUrl(url: string): { shown: string; secret?: string } {
  const shown = redactUrl(url, secretPlaceholder);
  return { shown, secret: shown === url ? undefined : url };
}

/** Drops the fields whose value is undefined, so a spec without secrets splits into `{}`. */
export function definedFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** The spec with its secrets laid back over the placeholders (objects merged field by field). */
export function overlaySecrets(spec: unknown, secrets: Record<string, unknown>): unknown {
  if (!isPlainObject(spec)) return spec;
  const merged: Record<string, unknown> = { ...spec };
  for (const [name, value] of Object.entries(secrets)) {
    merged[name] = isPlainObject(value) && isPlainObject(merged[name]) ? overlaySecrets(merged[name], value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
