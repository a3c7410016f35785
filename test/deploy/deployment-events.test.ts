import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { DeploymentStore } from '../../src/deploy/deployment-store.js';
import type { Store } from '../../src/store/database.js';
import { dialects, openTestStore } from '../support/stores.js';

describe.each(dialects)('deployment event log on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(() => store.close());

  it('keeps events in order and prunes beyond the newest ones', async () => {
    const persistence = new DeploymentStore(store, pino({ level: 'silent' }), 150);
    const now = Date.now();
    await persistence.insert(
      {
        id: 'd1',
        name: 'd',
        modelId: null,
        desiredState: 'running',
        state: 'pending',
        reason: null,
        fallbacks: [],
        settings: {},
        targets: [{ id: 't1', kind: 'endpoint', weight: 1, position: 0, spec: {}, encryptedSecret: null, encryptedSpecSecrets: null }],
        createdAt: now,
        updatedAt: now,
      },
      { at: now, type: 'created', message: 'event 0' },
    );
    for (let index = 1; index <= 400; index += 1)
      persistence.appendEvent('d1', { at: now + index, type: 'log', message: `event ${index}` });
    const events = await persistence.events('d1', 10_000);
    expect(events.length).toBeGreaterThanOrEqual(150);
    expect(events.length).toBeLessThan(250);
    expect(events.at(-1)?.message).toBe('event 400');
    const numbers = events.map((event) => Number(event.message.split(' ')[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers[1] - numbers[0]).toBe(1);
  });
});
