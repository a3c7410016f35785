import type { DeploymentView } from '../../deploy/deployment-view.js';
import { ApiClient } from '../api-client.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { deploymentName } from './deployments-control.js';
import { formatDeployment, type EventView } from './deployment-format.js';

export const deploymentsShowCommand: Command = {
  name: 'deployments show',
  summary: 'Show a deployment: state and reason, targets, latest events',
  usage: 'devup deployments show NAME [--json]',
  async run({ config, values, positionals }) {
    const path = `/api/deployments/${encodeURIComponent(deploymentName(positionals, this.usage))}`;
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    const deployment = await client.request<DeploymentView>('GET', path);
    const { data: events } = await client.request<{ data: EventView[] }>('GET', `${path}/events?limit=20`);
    if (values.json) printJson({ ...deployment, events });
    else process.stdout.write(formatDeployment(deployment, events));
  },
};
