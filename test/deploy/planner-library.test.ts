import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findArchitecture } from '../../src/deploy/planner/architecture-source.js';
import { planDeployment } from '../../src/deploy/planner/plan-deployment.js';
import { plannerSizer } from '../../src/deploy/planner/planner-sizer.js';
import { LibraryService } from '../../src/library/library-service.js';
import type { Store } from '../../src/store/database.js';
import { openTestStore } from '../support/stores.js';

// The library seeds every open model with data/architectures/<id>.yaml merged into its spec; the
// planner reads that spec back from the store (the path /api/plan takes).
describe('planner: the seeded library’s specs', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore('sqlite');
    await new LibraryService(store, { sizer: plannerSizer }).seedIfEmpty();
  });

  afterAll(async () => {
    await store?.close();
  });

  it('plans every seeded open model from its library spec as from its file', async () => {
    const rows = await store.db.selectFrom('models').select(['id', 'spec', 'open_weights']).execute();
    const open = rows.filter((row) => row.open_weights === 1);
    expect(open.map((row) => row.id).sort()).toEqual([
      'deepseek-v2',
      'deepseek-v2-0506',
      'deepseek-v2.5-0905',
      'deepseek-v3',
      'deepseek-v3-base',
      'llama-3.1-405b',
      'llama-3.1-405b-instruct',
      'qwen2.5-72b',
      'qwen2.5-72b-instruct',
    ]);
    for (const row of open) {
      expect(row.spec, row.id).not.toBeNull();
      const fromStore = planDeployment({ spec: await findArchitecture(row.id, { store }), model: row.id, gpu: 'h200' });
      const fromFile = planDeployment({ spec: await findArchitecture(row.id), model: row.id, gpu: 'h200' });
      expect(fromStore, row.id).toEqual(fromFile);
    }
    const deepseek = planDeployment({ spec: await findArchitecture('deepseek-v3', { store }), model: 'deepseek-v3', gpu: 'h200' });
    expect(deepseek).toMatchObject({ dtype: 'fp8', kvBytesPerToken: 70_272, gpuCount: 8 });
  });
});
