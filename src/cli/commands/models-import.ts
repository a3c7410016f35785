import type { Model } from '../../library/library-shapes.js';
import type { ImportSummary } from '../../library/library-service.js';
import { parseHubReference } from '../../library/hub/hub-reference.js';
import { ApiClient } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { downloadsTable } from './models-format.js';

export const modelsImportCommand: Command = {
  name: 'models import',
  summary: 'Import a model from the Hugging Face hub: card, config (parameter counts by the planner), download variants',
  usage: 'devup models import hf:OWNER/REPO[@REVISION] [--id ID] [--json]',
  options: {
    id: { type: 'string', description: 'Library id to import into (default: the repo name, lowercased); an existing entry is updated' },
  },
  async run({ config, values, positionals }) {
    if (positionals.length !== 1 || !positionals[0].startsWith('hf:'))
      throw new CliError(`give one hub repo as hf:OWNER/REPO\nusage: ${this.usage}`);
    const { repo, revision } = parseHubReference(positionals[0]);
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    const imported = await client.request<Model & { import: ImportSummary }>('POST', '/api/import', {
      kind: 'hf-repo',
      repo,
      revision,
      ...(values.id ? { id: values.id } : {}),
    });
    if (values.json) return printJson(imported);
    const summary = imported.import;
    const lines = [
      `${summary.created ? 'imported' : 'updated'} ${imported.id} from ${repo}@${revision}`,
      summary.created ? '' : `changed: ${summary.updated.join(', ') || 'nothing'}`,
      ...summary.kept.map(
        (kept) => `kept ${kept.field} (entered by hand: ${kept.source}); change it with PATCH /api/models/${imported.id}`,
      ),
      ...summary.warnings.map((warning) => `warning: ${warning}`),
      imported.downloads.length > 0 ? `\n${downloadsTable(imported.downloads)}` : 'no download variants',
      `\nthe card: devup models show ${imported.id}`,
    ];
    process.stdout.write(`${lines.filter((line) => line !== '').join('\n')}\n`);
  },
};
