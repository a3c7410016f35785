import { ApiClient } from '../api-client.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { deploymentName } from './deployments-control.js';
import { formatEvent, type EventView } from './deployment-format.js';

export const deploymentsLogsCommand: Command = {
  name: 'deployments logs',
  summary: "Print a deployment's process output (or, with --events, its event log)",
  usage: 'devup deployments logs NAME [--lines N] [--events] [--json]',
  options: {
    lines: { type: 'string', description: 'How many of the last lines (default 200)' },
    events: { type: 'boolean', description: 'The event log (states, health, restarts) instead of process output' },
  },
  async run({ config, values, positionals }) {
    const path = `/api/deployments/${encodeURIComponent(deploymentName(positionals, this.usage))}`;
    const limit = values.lines === undefined ? 200 : Number(values.lines);
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    if (values.events) {
      const { data } = await client.request<{ data: EventView[] }>('GET', `${path}/events?limit=${limit}`);
      if (values.json) printJson(data);
      else process.stdout.write(data.map((event) => `${formatEvent(event)}\n`).join(''));
      return;
    }
    const { data } = await client.request<{ data: Array<{ target: string; line: string }> }>('GET', `${path}/logs?limit=${limit}`);
    if (values.json) printJson(data);
    else if (data.length === 0) process.stdout.write('No process output (only `process` targets capture output; try --events).\n');
    else process.stdout.write(data.map((entry) => `[${entry.target}] ${entry.line}\n`).join(''));
  },
};
