import type { DeploymentView } from '../../deploy/deployment-view.js';
import { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';

export function deploymentName(positionals: string[], usage: string): string {
  if (!positionals[0]) throw new CliError(`give the deployment's name\nusage: ${usage}`);
  return positionals[0];
}

function controlCommand(verb: 'stop' | 'start', summary: string): Command {
  return {
    name: `deployments ${verb}`,
    summary,
    usage: `devup deployments ${verb} NAME [--json]`,
    async run({ config, values, positionals }) {
      const name = deploymentName(positionals, this.usage);
      const client = ApiClient.fromConfig(config, values.server as string | undefined);
      const deployment = await client.request<DeploymentView>('POST', `/api/deployments/${encodeURIComponent(name)}/${verb}`);
      if (values.json) printJson(deployment);
      else process.stdout.write(`${deployment.name}: ${deployment.state}\n`);
    },
  };
}

export const deploymentsStopCommand = controlCommand('stop', 'Stop a deployment (stays stopped across gateway restarts)');
export const deploymentsStartCommand = controlCommand('start', 'Start a stopped or failed deployment');

export const deploymentsDeleteCommand: Command = {
  name: 'deployments delete',
  summary: 'Stop and delete a deployment with its event log',
  usage: 'devup deployments delete NAME [--json]',
  async run({ config, values, positionals }) {
    const name = deploymentName(positionals, this.usage);
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    await client.request('DELETE', `/api/deployments/${encodeURIComponent(name)}`);
    if (values.json) printJson({ name, deleted: true });
    else process.stdout.write(`Deleted deployment ${name}\n`);
  },
};
