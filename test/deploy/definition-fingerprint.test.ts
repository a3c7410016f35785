import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../src/deploy/deployment-record.js';
import { definitionFingerprint } from '../../src/deploy/managed-deployment.js';

const record = {
  id: 'd1',
  name: 'qwen',
  modelId: null,
  desiredState: 'running',
  state: 'ready',
  reason: null,
  fallbacks: ['backup'],
  settings: { pricing: { inputPerMillion: 1, outputPerMillion: 2 } },
  createdAt: 1,
  updatedAt: 2,
  targets: [
    {
      id: 't1',
      kind: 'endpoint',
      weight: 1,
      position: 0,
      spec: { url: 'http://a', headers: { x: '***' } },
      encryptedSecret: null,
      encryptedSpecSecrets: null,
    },
  ],
} as unknown as DeploymentRecord;

describe('a deployment definition fingerprint', () => {
  it('does not depend on the order of object keys (PostgreSQL jsonb reorders them)', () => {
    const reordered = JSON.parse(JSON.stringify(record), function (_key, value) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      return Object.fromEntries(Object.entries(value).reverse());
    }) as DeploymentRecord;
    expect(Object.keys(reordered)).not.toEqual(Object.keys(record));
    expect(definitionFingerprint(reordered)).toBe(definitionFingerprint(record));
  });

  it('changes with the definition, not with state or times', () => {
    expect(definitionFingerprint({ ...record, state: 'failed', updatedAt: 99 })).toBe(definitionFingerprint(record));
    expect(definitionFingerprint({ ...record, fallbacks: [] })).not.toBe(definitionFingerprint(record));
    const moved = { ...record, targets: [{ ...record.targets[0], spec: { url: 'http://b', headers: { x: '***' } } }] };
    expect(definitionFingerprint(moved)).not.toBe(definitionFingerprint(record));
  });
});
