import { expect } from 'vitest';
import { UpstreamError } from '../../src/providers/provider.js';

/** Awaits a call that must fail and returns its UpstreamError. */
export async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}
