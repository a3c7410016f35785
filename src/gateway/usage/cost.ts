import type { Usage } from '../../providers/provider.js';
import type { Pricing } from '../deployment-registry.js';

/**
 * What an answer cost in USD: its prompt and completion tokens at the deployment's prices per
 * million. Null when the deployment is unpriced, so that records tell unpriced from free; an
 * answer without usage cost nothing.
 *
 * @example costUsd({ promptTokens: 3, completionTokens: 4 }, { inputPerMillion: 2, outputPerMillion: 8 }) // 0.000038
 */
export function costUsd(usage: Usage | undefined, pricing: Pricing | undefined): number | null {
  if (!pricing) return null;
  if (!usage) return 0;
  return (usage.promptTokens * pricing.inputPerMillion + usage.completionTokens * pricing.outputPerMillion) / 1_000_000;
}
