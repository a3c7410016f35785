import { plannerSizer } from '../../src/deploy/planner/planner-sizer.js';
import { readCatalog } from '../../src/library/catalog/read-catalog.js';
import { defaultLibraryDataDir, readSeedBundle } from '../../src/library/library-data.js';

/** The models a first start seeds: the source page's (data/models) and the catalog's (data/catalog) whose ids the seed has not. */
export function seededModels(): { seed: string[]; catalog: string[] } {
  const seed = readSeedBundle().models.map((model) => model.id);
  const catalog = readCatalog(defaultLibraryDataDir, plannerSizer)
    .map((change) => change.model.id)
    .filter((id) => !seed.includes(id));
  return { seed, catalog };
}
