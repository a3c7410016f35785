import type { Plan } from '../planner/plan-types.js';

/** DeepSeek and Kimi repos ship their model code (`auto_map`), which engines load only when trusted. */
export function needsRemoteCode(plan: Plan): boolean {
  return /^(deepseek|kimi)/.test(plan.family);
}

/** Sequences the engine batches at once: what the KV memory holds, at least what was asked, at most `cap`. */
export function servingSlots(plan: Plan, cap: number): number {
  return Math.max(plan.concurrency, Math.min(plan.concurrentSequences, cap), 1);
}
