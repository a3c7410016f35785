import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { findArchitecture, readArchitectureFile } from '../../src/deploy/planner/architecture-source.js';
import { planDeployment } from '../../src/deploy/planner/plan-deployment.js';
import { plannerSizer } from '../../src/deploy/planner/planner-sizer.js';
import { defaultLibraryDataDir } from '../../src/library/library-data.js';
import { LibraryService } from '../../src/library/library-service.js';
import type { Store } from '../../src/store/database.js';
import { seededModels } from '../support/seeded-models.js';
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
    const { seed } = seededModels();
    const rows = await store.db.selectFrom('models').select(['id', 'spec', 'open_weights']).execute();
    const open = rows.filter((row) => row.open_weights === 1 && seed.includes(row.id));
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

  it('plans the catalog’s models from their library spec as from their genuine config.json', async () => {
    const { catalog } = seededModels();
    const entries = YAML.parse(fs.readFileSync(path.join(defaultLibraryDataDir, 'catalog', 'models.yaml'), 'utf8')) as Array<{
      id: string;
      hubRepo: string;
    }>;
    let planned = 0;
    for (const id of catalog) {
      const file = path.join(
        defaultLibraryDataDir,
        'catalog',
        'configs',
        `${entries.find((entry) => entry.id === id)!.hubRepo.replace('/', '__')}.json`,
      );
      let fromFile: ReturnType<typeof planDeployment>;
      try {
        fromFile = planDeployment({ spec: readArchitectureFile(file), model: id, gpu: 'h200' });
      } catch {
        continue; // the four architectures the planner cannot size (see test/library/catalog.test.ts)
      }
      expect(planDeployment({ spec: await findArchitecture(id, { store }), model: id, gpu: 'h200' }), id).toEqual(fromFile);
      planned += 1;
    }
    expect(planned).toBe(catalog.length - 4);
  });
});
