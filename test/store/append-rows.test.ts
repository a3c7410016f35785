import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { createTestDatabase } from '../support/stores.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-append-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// SQLite with a data dir writes appended rows on a connection of its own; in memory and on PostgreSQL on the one pool.
const kinds = [
  { name: 'sqlite (data dir)', open: () => openStore({ dataDir }) },
  { name: 'sqlite (in memory)', open: () => openStore({}) },
  { name: 'postgres', open: async () => openStore({ databaseUrl: await createTestDatabase() }) },
];

function insertUsage(store: Store, requestIds: string[]): CompiledQuery {
  const parameter = (() => {
    let count = 0;
    return () => (store.dialect === 'postgres' ? `$${++count}` : '?');
  })();
  const tuples = requestIds.map(() => `(${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(parameter).join(', ')})`);
  return CompiledQuery.raw(
    `insert into usage_records (request_id, at, deployment, operation, stream, prompt_tokens, completion_tokens, status, latency_ms, overhead_ms) values ${tuples.join(', ')}`,
    requestIds.flatMap((requestId) => [requestId, Date.now(), 'd', 'chat', 0, 1, 2, 200, 1.5, 0.1]),
  );
}

const storedIds = async (store: Store) =>
  (await store.db.selectFrom('usage_records').select('request_id').orderBy('request_id').execute()).map((row) => row.request_id);

describe.each(kinds)('appendRows on $name', ({ open }) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store?.close());

  it('inserts every statement in one transaction, counts the rows, and the main connection reads them at once', async () => {
    await expect(store.appendRows([insertUsage(store, ['a1', 'a2']), insertUsage(store, ['a3'])])).resolves.toBe(3);
    expect(await storedIds(store)).toEqual(['a1', 'a2', 'a3']);

    // A failing statement (a NOT NULL column left null) takes the batch's other statements with it.
    const broken = CompiledQuery.raw("insert into usage_records (request_id) values ('b2')");
    await expect(store.appendRows([insertUsage(store, ['b1']), broken])).rejects.toThrow();
    expect(await storedIds(store)).toEqual(['a1', 'a2', 'a3']);
  });
});

describe('appendRows on a SQLite data dir, beside a write transaction of the main connection', () => {
  it('fails with SQLITE_BUSY and writes the batch once the lock is free (its caller keeps the records and tries again)', async () => {
    const store = await openStore({ dataDir: fs.mkdtempSync(path.join(dataDir, 'busy-')) });
    try {
      let appended: Promise<number> | undefined;
      await store.db.transaction().execute(async (transaction) => {
        await transaction.executeQuery(insertUsage(store, ['main']));
        // A macrotask while the main connection holds the write lock: the recorder's timer, say.
        await new Promise((resolve) => setImmediate(resolve));
        appended = store.appendRows([insertUsage(store, ['appended'])]);
        await appended.catch(() => undefined);
      });
      await expect(appended).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(await storedIds(store)).toEqual(['main']);
      // Once the lock is free, the batch goes in.
      await expect(store.appendRows([insertUsage(store, ['appended'])])).resolves.toBe(1);
      expect(await storedIds(store)).toEqual(['appended', 'main']);
    } finally {
      await store.close();
    }
  });
});
