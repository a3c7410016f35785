import type { Plan } from '../planner/plan-types.js';

/** DeepSeek and Kimi repos ship their model code (`auto_map`), which engines load only when trusted. */
export function needsRemoteCode(plan: Plan): boolean {
  return /^(deepseek|kimi)/.test(plan.family);
}

/** Sequences the engine batches at once: what the KV memory holds, at least what was asked, at most `cap`. */
export function servingSlots(plan: Plan, cap: number): number {
  return Math.max(plan.concurrency, Math.min(plan.concurrentSequences, cap), 1);
}

/** vLLM and SGLang quantize BF16/FP16 weights to FP8 while loading; any other change of dtype needs a checkpoint in it. */
export function quantizesOnline(plan: Plan): boolean {
  return plan.dtype === 'fp8' && (plan.checkpointDtype === 'bf16' || plan.checkpointDtype === 'fp16');
}

/** A note when the plan's dtype is not the checkpoint's and the engine cannot convert it itself. */
export function checkpointNotes(plan: Plan): string[] {
  if (plan.dtype === plan.checkpointDtype || quantizesOnline(plan)) return [];
  return [
    `The plan serves ${plan.dtype} weights but the checkpoint ships ${plan.checkpointDtype}: point the engine at a checkpoint in ${plan.dtype} (converted or quantized).`,
  ];
}
