import type { ApiKeyInfo } from '../../gateway/keys/api-key.js';
import { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';

export const keysRevokeCommand: Command = {
  name: 'keys revoke',
  summary: 'Revoke a user key; requests with it fail at once',
  usage: 'devup keys revoke ID [--json]',
  async run({ config, values, positionals }) {
    if (positionals.length !== 1) throw new CliError(`give exactly one key id\nusage: ${this.usage}`);
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    const revoked = await client.request<ApiKeyInfo>('DELETE', `/api/keys/${encodeURIComponent(positionals[0])}`);
    if (values.json) printJson(revoked);
    else process.stdout.write(`Revoked key ${revoked.id} (${revoked.name})\n`);
  },
};
