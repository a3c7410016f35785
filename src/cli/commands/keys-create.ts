import { parseDuration } from '../../gateway/keys/duration.js';
import type { ApiKeyInfo } from '../../gateway/keys/api-key.js';
import { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';

export const keysCreateCommand: Command = {
  name: 'keys create',
  summary: 'Create a user key for /v1 (printed once; only its hash is stored)',
  usage: 'devup keys create --name NAME [--deployments a,b] [--expires 30d] [--rpm N] [--tpm N] [--budget USD] [--json]',
  options: {
    name: { type: 'string', description: 'A name to recognise the key by' },
    deployments: { type: 'string', description: 'Comma-separated deployments the key may use (default: all)' },
    expires: { type: 'string', description: 'Lifetime, e.g. 30d, 12h, 90m (default: never)' },
    rpm: { type: 'string', description: 'Requests per minute' },
    tpm: { type: 'string', description: 'Tokens per minute' },
    budget: { type: 'string', description: 'Lifetime budget in USD' },
  },
  async run({ config, values }) {
    const problems: string[] = [];
    if (typeof values.name !== 'string' || values.name.trim() === '') problems.push('--name is required');
    if (typeof values.expires === 'string' && parseDuration(values.expires) === undefined)
      problems.push('--expires must be a number and a unit, e.g. 30d, 12h, 90m');
    const limits: Record<string, number> = {};
    for (const [flag, field] of [
      ['rpm', 'requestsPerMinute'],
      ['tpm', 'tokensPerMinute'],
      ['budget', 'budgetUsd'],
    ] as const) {
      const text = values[flag];
      if (typeof text !== 'string') continue;
      const value = Number(text);
      if (!(value > 0) || (flag !== 'budget' && !Number.isInteger(value)))
        problems.push(`--${flag} must be a positive ${flag === 'budget' ? 'number' : 'whole number'}`);
      limits[field] = value;
    }
    if (problems.length > 0) throw new CliError(`${problems.join('\n')}\nusage: ${this.usage}`);
    const deployments =
      typeof values.deployments === 'string'
        ? values.deployments
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean)
        : undefined;
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    const created = await client.request<ApiKeyInfo & { key: string }>('POST', '/api/keys', {
      name: values.name,
      ...(deployments ? { deployments } : {}),
      ...(typeof values.expires === 'string' ? { expiresIn: values.expires } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    });
    if (values.json) {
      printJson({ id: created.id, name: created.name, key: created.key });
      return;
    }
    process.stdout.write(
      `Created key ${created.id} (${created.name})${created.deployments ? ` for ${created.deployments.join(', ')}` : ''}${created.expiresAt ? `, expires ${created.expiresAt}` : ''}\n\n  ${created.key}\n\nShown once: store it now. Use it as the OpenAI API key with base URL ${client.baseUrl}/v1\n`,
    );
  },
};
