import { plannerSizer } from '../../deploy/planner/planner-sizer.js';
import { openLocalLibrary } from '../../library/local-library.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { historyText, modelCard } from './models-format.js';

export const modelsShowCommand: Command = {
  name: 'models show',
  summary: 'Show a model card and its benchmark results',
  usage: 'devup models show ID [--history] [--json]',
  options: {
    history: { type: 'boolean', description: 'Where each field came from, and the earlier values imports and edits replaced' },
  },
  async run({ config, values, positionals }) {
    if (positionals.length !== 1) throw new CliError(`give one model id\nusage: ${this.usage}`);
    const local = await openLocalLibrary(config, plannerSizer);
    try {
      if (values.history) {
        const history = await local.library.history(positionals[0]);
        if (values.json) printJson(history);
        else process.stdout.write(historyText(history));
        return;
      }
      const model = await local.library.get(positionals[0]);
      if (values.json) printJson(model);
      else process.stdout.write(modelCard(model));
    } finally {
      await local.close();
    }
  },
};
