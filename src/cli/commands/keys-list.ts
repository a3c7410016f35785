import type { ApiKeyInfo } from '../../gateway/keys/api-key.js';
import { ApiClient } from '../api-client.js';
import type { Command } from '../command.js';
import { formatTable, printJson } from '../output.js';

export const keysListCommand: Command = {
  name: 'keys list',
  summary: 'List user keys (prefix, scope, limits, expiry, revocation)',
  usage: 'devup keys list [--json]',
  async run({ config, values }) {
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    const { data } = await client.request<{ data: ApiKeyInfo[] }>('GET', '/api/keys');
    if (values.json) {
      printJson(data);
      return;
    }
    const rows = data.map((key) => ({
      ...key,
      prefix: `${key.prefix}…`,
      deployments: key.deployments ?? 'all',
      limits: key.limits ? Object.entries(key.limits).map(([name, value]) => `${name}=${value}`) : null,
      status: key.revokedAt ? 'revoked' : key.expiresAt && Date.parse(key.expiresAt) <= Date.now() ? 'expired' : 'active',
    }));
    process.stdout.write(
      `${formatTable(rows, [
        { key: 'id', label: 'ID' },
        { key: 'name', label: 'NAME' },
        { key: 'prefix', label: 'KEY' },
        { key: 'deployments', label: 'DEPLOYMENTS' },
        { key: 'limits', label: 'LIMITS' },
        { key: 'expiresAt', label: 'EXPIRES' },
        { key: 'status', label: 'STATUS' },
      ])}\n`,
    );
  },
};
