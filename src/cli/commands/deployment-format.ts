import type { DeploymentEvent } from '../../deploy/deployment-record.js';
import type { DeploymentView } from '../../deploy/deployment-view.js';
import { formatBytes, formatTable } from '../output.js';

export type EventView = Omit<DeploymentEvent, 'at'> & { at: string };

/** `deployments list`: one line per deployment. */
export function formatDeploymentTable(deployments: DeploymentView[]): string {
  const rows = deployments.map((deployment) => ({
    name: deployment.name,
    state: deployment.state,
    model: deployment.model,
    targets: deployment.targets.map((target) => `${target.label} ${target.status}`),
    price: deployment.pricing ? `$${deployment.pricing.inputPerMillion}/$${deployment.pricing.outputPerMillion}` : 'unpriced',
    fallbacks: deployment.fallbacks.length > 0 ? deployment.fallbacks : null,
    memory: memoryOf(deployment.targets),
    updated: deployment.updatedAt.replace('T', ' ').slice(0, 19),
  }));
  return formatTable(rows, [
    { key: 'name', label: 'NAME' },
    { key: 'state', label: 'STATE' },
    { key: 'model', label: 'MODEL' },
    { key: 'targets', label: 'TARGETS' },
    { key: 'price', label: 'PRICE /1M IN/OUT' },
    { key: 'fallbacks', label: 'FALLBACKS' },
    { key: 'memory', label: 'MEMORY', align: 'right' },
    { key: 'updated', label: 'UPDATED (UTC)' },
  ]);
}

/** `deployments show` and the end of `deploy`: the deployment, its targets and its latest events. */
export function formatDeployment(deployment: DeploymentView, events: EventView[]): string {
  const lines = [
    `${deployment.name}: ${deployment.state}${deployment.desiredState === 'stopped' && deployment.state !== 'stopped' ? ' (stopping)' : ''}`,
    ...(deployment.reason ? [`  reason: ${deployment.reason.replace(/\n/g, '\n          ')}`] : []),
    `  model: ${deployment.model ?? '-'}`,
    `  price: ${deployment.pricing ? `$${deployment.pricing.inputPerMillion} in / $${deployment.pricing.outputPerMillion} out per 1M tokens` : 'unpriced'}`,
    ...(deployment.fallbacks.length > 0 ? [`  fallbacks: ${deployment.fallbacks.join(', ')}`] : []),
    '',
    formatTable(
      deployment.targets.map((target) => ({
        ...target,
        secret: target.hasSecret ? 'encrypted' : null,
        detail: target.detail?.split('\n')[0],
        memory: memoryOf([target]),
      })),
      [
        { key: 'label', label: 'TARGET' },
        { key: 'status', label: 'STATUS' },
        { key: 'weight', label: 'WEIGHT', align: 'right' },
        { key: 'address', label: 'ADDRESS' },
        { key: 'secret', label: 'API KEY' },
        { key: 'memory', label: 'MEMORY', align: 'right' },
        { key: 'detail', label: 'DETAIL' },
      ],
    ),
  ];
  if (events.length > 0) lines.push('', 'Events:', ...events.map(formatEvent));
  return `${lines.join('\n')}\n`;
}

/** Memory the targets report (embedded models), or null when none does. */
function memoryOf(targets: Array<{ memoryBytes?: number | null }>): string | null {
  const known = targets.map((target) => target.memoryBytes).filter((bytes): bytes is number => typeof bytes === 'number');
  return known.length > 0 ? formatBytes(known.reduce((sum, bytes) => sum + bytes, 0)) : null;
}

export function formatEvent(event: EventView): string {
  return `  ${event.at.replace('T', ' ').slice(0, 23)}  ${event.type.padEnd(9)} ${event.message.replace(/\n/g, '\n                                     ')}`;
}
