import { DevupError } from '../../errors.js';

/** Deeper than any real request; deeper still would overflow the stack of whoever walks it next. */
export const maxJsonDepth = 64;

/**
 * `JSON.parse` for request bodies that are handed on to upstreams, refusing nesting deeper than
 * `maxJsonDepth` (a 400, not a stack overflow in a later serializer). The depth scan skips strings
 * and costs one pass over the text.
 */
export function parseJsonBody(text: string): unknown {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92 /* \ */) index++;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) {
      inString = true;
    } else if (code === 123 /* { */ || code === 91 /* [ */) {
      if (++depth > maxJsonDepth) throw new DevupError('invalid_request', `The request body nests deeper than ${maxJsonDepth} levels`);
    } else if (code === 125 /* } */ || code === 93 /* ] */) {
      depth--;
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DevupError('invalid_request', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}
