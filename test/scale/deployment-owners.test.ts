import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeploymentOwners, isShareable } from '../../src/deploy/deployment-owners.js';
import { DeploymentStore } from '../../src/deploy/deployment-store.js';
import type { Store } from '../../src/store/database.js';
import { dialects, openTestStore } from '../support/stores.js';

describe.each(dialects)('deployment owners on %s', (dialect) => {
  let store: Store;
  let persistence: DeploymentStore;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    persistence = new DeploymentStore(store, pino({ level: 'silent' }));
  });
  afterAll(() => store.close());

  async function insertDeployment(id: string): Promise<void> {
    const now = Date.now();
    await persistence.insert(
      {
        id,
        name: `name-${id}`,
        modelId: null,
        desiredState: 'running',
        state: 'pending',
        reason: null,
        fallbacks: [],
        settings: {},
        targets: [{ id: `${id}-t`, kind: 'process', weight: 1, position: 0, spec: {}, encryptedSecret: null, encryptedSpecSecrets: null }],
        createdAt: now,
        updatedAt: now,
      },
      { at: now, type: 'created', message: 'created' },
    );
  }

  it('the first claim of an unowned deployment wins; claim takes it over', async () => {
    await insertDeployment('d1');
    const owners = new DeploymentOwners(store);
    const [first, second] = await Promise.all([owners.claimIfUnowned('d1', 'replica-a'), owners.claimIfUnowned('d1', 'replica-b')]);
    expect(first).toBe(second);
    expect(['replica-a', 'replica-b']).toContain(first);
    await owners.claim('d1', 'replica-c');
    expect(await owners.claimIfUnowned('d1', 'replica-a')).toBe('replica-c');
    expect((await owners.load()).get('d1')).toBe('replica-c');
  });

  it('forgets the owner of a deleted deployment', async () => {
    await insertDeployment('d2');
    const owners = new DeploymentOwners(store);
    await owners.claim('d2', 'replica-a');
    await persistence.delete('d2');
    expect((await owners.load()).has('d2')).toBe(false);
  });
});

it('only stateless HTTP kinds are shareable between replicas', () => {
  expect(['endpoint', 'anthropic', 'embedded', 'process', 'kubernetes'].filter((kind) => isShareable({ kind }))).toEqual([
    'endpoint',
    'anthropic',
  ]);
});
