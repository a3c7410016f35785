import type { V1Pod } from '@kubernetes/client-node';

export interface PodSummary {
  state: 'provisioning' | 'loading' | 'ready' | 'failed';
  message: string;
}

/** Waiting reasons that do not resolve by waiting: a bad image, a config error, an engine that keeps crashing. */
const fatalReasons = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'CrashLoopBackOff',
]);

/**
 * Where a deployment's pods stand: `provisioning` until every pod exists and is scheduled,
 * `loading` while engines start and load weights, `ready` when every pod passes its readiness
 * probe, `failed` when a pod failed or a container cannot start (with its reason and last exit).
 *
 * @example summarizePods(pods, 2) // { state: 'loading', message: '1 of 2 pods ready' }
 */
export function summarizePods(pods: V1Pod[], expected: number): PodSummary {
  for (const pod of pods) {
    const name = pod.metadata?.name ?? 'pod';
    if (pod.status?.phase === 'Failed')
      return { state: 'failed', message: `${name} failed: ${pod.status.reason ?? ''} ${pod.status.message ?? ''}`.trim() };
    for (const container of pod.status?.containerStatuses ?? []) {
      const waiting = container.state?.waiting;
      if (waiting?.reason && fatalReasons.has(waiting.reason)) {
        const exit = container.lastState?.terminated;
        const lastExit = exit ? ` (last exit code ${exit.exitCode}${exit.reason ? `, ${exit.reason}` : ''})` : '';
        return {
          state: 'failed',
          message: `${name}: ${container.name} ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}${lastExit}`,
        };
      }
    }
  }
  if (pods.length < expected) return { state: 'provisioning', message: `${pods.length} of ${expected} pods created` };
  const unscheduled = pods.find((pod) =>
    pod.status?.conditions?.some((condition) => condition.type === 'PodScheduled' && condition.status === 'False'),
  );
  if (unscheduled) {
    const condition = unscheduled.status!.conditions!.find((item) => item.type === 'PodScheduled');
    return {
      state: 'provisioning',
      message: `${unscheduled.metadata?.name} not scheduled: ${condition?.message ?? condition?.reason ?? 'waiting for a node'}`,
    };
  }
  const ready = pods.filter((pod) =>
    pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'),
  ).length;
  if (ready >= expected) return { state: 'ready', message: `${ready} of ${expected} pods ready` };
  return { state: 'loading', message: `${ready} of ${expected} pods ready` };
}
