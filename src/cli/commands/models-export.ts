import fs from 'node:fs';
import path from 'node:path';
import { plannerSizer } from '../../deploy/planner/planner-sizer.js';
import { exportModelCard } from '../../library/export/export-model-card.js';
import { openLocalLibrary } from '../../library/local-library.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';

export const modelsExportCommand: Command = {
  name: 'models export',
  summary: 'Write a model as a Hugging Face model card (README.md with front matter and model-index) that imports back',
  usage: 'devup models export ID --format hf [--out DIR] [--force]',
  options: {
    format: { type: 'string', description: 'hf: a Hugging Face README.md' },
    out: { type: 'string', description: 'Folder to write README.md into (default ./ID)' },
    force: { type: 'boolean', description: 'Replace an existing README.md' },
  },
  async run({ config, values, positionals }) {
    if (positionals.length !== 1) throw new CliError(`give one model id\nusage: ${this.usage}`);
    if (values.format !== 'hf') throw new CliError(`--format hf is the format there is\nusage: ${this.usage}`);
    const local = await openLocalLibrary(config, plannerSizer);
    try {
      const model = await local.library.get(positionals[0]);
      const folder = path.resolve((values.out as string | undefined) ?? model.id);
      const file = path.join(folder, 'README.md');
      if (fs.existsSync(file) && !values.force) throw new CliError(`${file} exists; pass --force to replace it`);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(file, exportModelCard(model));
      process.stdout.write(`wrote ${file} (${model.results.length} results in model-index)\n`);
    } finally {
      await local.close();
    }
  },
};
