import type { Config } from '../config.js';
import { openStore } from '../store/database.js';
import { LibraryService } from './library-service.js';
import type { ModelSizer } from './model-sizer.js';

/**
 * The library over the local data dir's store, for CLI verbs that only read: no running server
 * needed. Seeds the catalog when the store is empty (as `devup serve` would).
 *
 * @example const local = await openLocalLibrary(config, plannerSizer); try { await local.library.get('deepseek-v3') } finally { await local.close() }
 */
export async function openLocalLibrary(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'seedLibrary'>,
  sizer: ModelSizer,
): Promise<{ library: LibraryService; close(): Promise<void> }> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const library = new LibraryService(store, { sizer });
    if (config.seedLibrary) await library.seedIfEmpty();
    return { library, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
