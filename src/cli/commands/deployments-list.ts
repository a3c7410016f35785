import type { DeploymentView } from '../../deploy/deployment-view.js';
import { ApiClient } from '../api-client.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { formatDeploymentTable } from './deployment-format.js';

export const deploymentsListCommand: Command = {
  name: 'deployments list',
  summary: 'List deployments: state, model, targets, price',
  usage: 'devup deployments list [--json]',
  async run({ config, values }) {
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    const { data } = await client.request<{ data: DeploymentView[] }>('GET', '/api/deployments');
    if (values.json) printJson(data);
    else
      process.stdout.write(data.length > 0 ? `${formatDeploymentTable(data)}\n` : 'No deployments yet; create one with `devup deploy`.\n');
  },
};
