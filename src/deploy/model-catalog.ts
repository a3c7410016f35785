import type { Store } from '../store/database.js';
import type { Pricing } from './deployment-record.js';

/**
 * What the deployment manager needs of the library: whether a model exists and its price.
 * Read from the `models` table directly so deployments do not depend on the library module's
 * shape; a deployment's own pricing setting overrides it.
 */
export interface ModelCatalog {
  /** Undefined when the model is not in the library; `pricing` undefined when it is unpriced. */
  find(modelId: string): Promise<{ pricing?: Pricing } | undefined>;
}

export function storeModelCatalog(store: Store): ModelCatalog {
  return {
    async find(modelId) {
      const row = await store.db.selectFrom('models').select(['pricing']).where('id', '=', modelId).executeTakeFirst();
      if (!row) return undefined;
      const pricing = row.pricing ? (JSON.parse(row.pricing) as Partial<Pricing>) : undefined;
      const valid = pricing && typeof pricing.inputPerMillion === 'number' && typeof pricing.outputPerMillion === 'number';
      return { pricing: valid ? (pricing as Pricing) : undefined };
    },
  };
}
