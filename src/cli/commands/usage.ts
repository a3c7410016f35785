import type { UsageSummaryRow } from '../../gateway/usage/usage-queries.js';
import { ApiClient } from '../api-client.js';
import type { Command } from '../command.js';
import { formatTable, printJson } from '../output.js';

export const usageCommand: Command = {
  name: 'usage',
  summary: 'Usage by day, key and deployment: requests, errors, tokens, cost',
  usage: 'devup usage [--since 2026-11-01] [--until DATE] [--key ID] [--deployment NAME] [--json]',
  options: {
    since: { type: 'string', description: 'From this ISO date or date-time (inclusive)' },
    until: { type: 'string', description: 'Up to this ISO date or date-time (exclusive)' },
    key: { type: 'string', description: 'Only this key id' },
    deployment: { type: 'string', description: 'Only this deployment' },
  },
  async run({ config, values }) {
    const query = new URLSearchParams();
    for (const name of ['since', 'until', 'key', 'deployment'])
      if (typeof values[name] === 'string') query.set(name, values[name] as string);
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    const { data } = await client.request<{ data: UsageSummaryRow[] }>('GET', `/api/usage${query.size > 0 ? `?${query}` : ''}`);
    if (values.json) {
      printJson(data);
      return;
    }
    const rows = data.map((row) => ({
      ...row,
      key: row.keyId === null ? 'admin' : `${row.keyName ?? ''} (${row.keyId})`,
      cost: costText(row),
    }));
    process.stdout.write(
      `${formatTable(rows, [
        { key: 'day', label: 'DAY' },
        { key: 'key', label: 'KEY' },
        { key: 'deployment', label: 'DEPLOYMENT' },
        { key: 'requests', label: 'REQUESTS', align: 'right' },
        { key: 'errors', label: 'ERRORS', align: 'right' },
        { key: 'promptTokens', label: 'PROMPT TOKENS', align: 'right' },
        { key: 'completionTokens', label: 'COMPLETION TOKENS', align: 'right' },
        { key: 'cost', label: 'COST USD', align: 'right' },
      ])}\n`,
    );
  },
};

/** Unpriced requests are shown as such, never folded into a $0. */
function costText(row: UsageSummaryRow): string {
  const priced = row.costUsd === null ? null : `$${row.costUsd.toFixed(6)}`;
  if (row.unpricedRequests === 0) return priced ?? '$0.000000';
  return priced ? `${priced} + ${row.unpricedRequests} unpriced` : `unpriced (${row.unpricedRequests})`;
}
