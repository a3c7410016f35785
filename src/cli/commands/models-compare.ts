import { plannerSizer } from '../../deploy/planner/planner-sizer.js';
import { openLocalLibrary } from '../../library/local-library.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { comparisonTable } from './models-format.js';

export const modelsCompareCommand: Command = {
  name: 'models compare',
  summary: 'Compare 2–8 models over their shared benchmarks (best marked *x*)',
  usage: 'devup models compare ID ID… [--json]',
  async run({ config, values, positionals }) {
    if (positionals.length < 2 || positionals.length > 8) throw new CliError(`give 2 to 8 model ids\nusage: ${this.usage}`);
    const local = await openLocalLibrary(config, plannerSizer);
    try {
      const comparison = await local.library.compare(positionals);
      if (values.json) printJson(comparison);
      else process.stdout.write(comparisonTable(comparison));
    } finally {
      await local.close();
    }
  },
};
