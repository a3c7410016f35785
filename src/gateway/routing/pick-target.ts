import type { RoutableTarget } from '../deployment-registry.js';
import type { TargetHealth, TargetState } from './target-health.js';

/**
 * Weighted power-of-two-choices: draw two distinct targets in proportion to their weights and keep the one
 * with fewer requests in flight per unit of weight. Idle, this is plain weighted balancing; under
 * load it steers to the least busy target. Targets that are out (breaker open) or already tried in
 * this request are skipped; undefined when none is left.
 */
export function pickTarget(
  targets: RoutableTarget[],
  health: TargetHealth,
  tried: ReadonlySet<string> | undefined,
): TargetState | undefined {
  if (targets.length === 1) {
    const state = health.of(targets[0]);
    return state.out || tried?.has(targets[0].id) ? undefined : state;
  }
  let totalWeight = 0;
  for (const target of targets) if (eligible(target, health, tried)) totalWeight += target.weight;
  if (totalWeight <= 0) return undefined;
  const first = draw(targets, health, tried, undefined, totalWeight);
  // The second draw excludes the first, so that with two targets both are always compared.
  const rest = totalWeight - first.target.weight;
  if (rest <= 0) return first;
  const second = draw(targets, health, tried, first.target, rest);
  return second.inFlight / second.target.weight < first.inFlight / first.target.weight ? second : first;
}

function eligible(target: RoutableTarget, health: TargetHealth, tried: ReadonlySet<string> | undefined): boolean {
  return target.weight > 0 && !health.of(target).out && !tried?.has(target.id);
}

function draw(
  targets: RoutableTarget[],
  health: TargetHealth,
  tried: ReadonlySet<string> | undefined,
  skip: RoutableTarget | undefined,
  totalWeight: number,
): TargetState {
  let remaining = Math.random() * totalWeight;
  let last: RoutableTarget | undefined;
  for (const target of targets) {
    if (target === skip || !eligible(target, health, tried)) continue;
    last = target;
    remaining -= target.weight;
    if (remaining < 0) break;
  }
  return health.of(last as RoutableTarget);
}
