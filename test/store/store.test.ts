import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, openTestStore } from '../support/stores.js';
import type { Store } from '../../src/store/database.js';

describe.each(dialects)('store on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(() => store.close());

  it('reports its dialect', () => {
    expect(store.dialect).toBe(dialect);
  });

  it('rolls a failed transaction back whole', async () => {
    const now = Date.now();
    const attempt = store.db.transaction().execute(async (transaction) => {
      await transaction
        .insertInto('deployments')
        .values({
          id: 'd1',
          name: 'a',
          model_id: null,
          desired_state: 'running',
          state: 'pending',
          state_reason: null,
          fallbacks: '[]',
          settings: '{}',
          created_at: now,
          updated_at: now,
        })
        .execute();
      await transaction
        .insertInto('deployments')
        .values({
          id: 'd2',
          name: 'a',
          model_id: null,
          desired_state: 'running',
          state: 'pending',
          state_reason: null,
          fallbacks: '[]',
          settings: '{}',
          created_at: now,
          updated_at: now,
        })
        .execute();
    });
    await expect(attempt).rejects.toThrow();
    const rows = await store.db.selectFrom('deployments').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('round-trips epoch milliseconds and doubles as numbers', async () => {
    const now = 1_795_000_000_123;
    await store.db
      .insertInto('api_keys')
      .values({
        id: 'k1',
        name: 'n',
        key_hash: 'h',
        key_prefix: 'p',
        deployments: null,
        limits: null,
        created_at: now,
        expires_at: null,
        revoked_at: null,
      })
      .execute();
    const row = await store.db.selectFrom('api_keys').select(['created_at']).where('id', '=', 'k1').executeTakeFirstOrThrow();
    expect(row.created_at).toBe(now);
  });
});
