import type { Logger } from 'pino';
import type { DeploymentRecord, Pricing } from './deployment-record.js';
import type { ModelCatalog } from './model-catalog.js';

/** How a deployment is priced in the routable view and in usage records. */
export type PricingOf = (record: DeploymentRecord) => Promise<Pricing | undefined>;

/**
 * A deployment's price: its own `settings.pricing`, else its library model's; undefined when
 * neither says (usage records then show it unpriced), or when the library cannot be read.
 *
 * @example const pricingOf = deploymentPricing(storeModelCatalog(store), logger); await pricingOf(record);
 */
export function deploymentPricing(models: ModelCatalog | undefined, logger: Logger): PricingOf {
  return async (record) => {
    if (record.settings.pricing) return record.settings.pricing;
    if (!record.modelId || !models) return undefined;
    try {
      return (await models.find(record.modelId))?.pricing;
    } catch (error) {
      logger.warn({ err: error, model: record.modelId }, 'reading model pricing failed; deployment unpriced');
      return undefined;
    }
  };
}
