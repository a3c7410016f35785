import type { Command } from '../command.js';
import { runSearch, searchOptions } from './models-search.js';

export const modelsListCommand: Command = {
  name: 'models list',
  summary: 'List the models of the library',
  usage: 'devup models list [--filter key=value]… [--sort benchmark:NAME|params|context|released] [--json]',
  options: searchOptions,
  async run({ config, values }) {
    await runSearch(config, values);
  },
};
