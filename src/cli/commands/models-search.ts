import type { LibraryService } from '../../library/library-service.js';
import { plannerSizer } from '../../deploy/planner/planner-sizer.js';
import { openLocalLibrary } from '../../library/local-library.js';
import type { SearchQueryInput } from '../../library/search-query.js';
import { CliError } from '../cli-error.js';
import type { Command, CommandOption } from '../command.js';
import { printJson } from '../output.js';
import { modelsTable } from './models-format.js';

/** `--filter` keys → search query fields (and how their values read). */
const filterKeys: Record<string, { field: keyof SearchQueryInput; kind: 'text' | 'count' | 'tokens' | 'boolean' }> = {
  publisher: { field: 'publisher', kind: 'text' },
  architecture: { field: 'architecture', kind: 'text' },
  arch: { field: 'architecture', kind: 'text' },
  license: { field: 'license', kind: 'text' },
  'open-weights': { field: 'openWeights', kind: 'boolean' },
  open: { field: 'openWeights', kind: 'boolean' },
  'min-params': { field: 'minTotalParams', kind: 'count' },
  'max-params': { field: 'maxTotalParams', kind: 'count' },
  'min-active': { field: 'minActivatedParams', kind: 'count' },
  'max-active': { field: 'maxActivatedParams', kind: 'count' },
  'min-context': { field: 'minContext', kind: 'tokens' },
  has: { field: 'hasResultsFor', kind: 'text' },
};

const multipliers: Record<string, number> = { '': 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

/** "100B" → 1e11; for token counts "128K" → 131072 (K = 1024, as context lengths are written). */
function parseAmount(text: string, kind: 'count' | 'tokens'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmbt]?)$/i.exec(text.trim());
  if (!match) throw new CliError(`not a number: '${text}' (examples: 37B, 128K, 131072)`);
  const unit = match[2].toLowerCase();
  const multiplier = kind === 'tokens' && unit === 'k' ? 1024 : multipliers[unit];
  return Number(match[1]) * multiplier;
}

export const searchOptions: Record<string, CommandOption> = {
  filter: { type: 'string', multiple: true, description: `key=value, repeatable; keys: ${Object.keys(filterKeys).join(', ')}` },
  sort: { type: 'string', description: 'benchmark:NAME (id or name, e.g. benchmark:"MMLU (EM)"), params, context, released, name' },
  order: { type: 'string', description: 'asc or desc (default: best first)' },
  page: { type: 'string', description: 'Page number (default 1)' },
  'page-size': { type: 'string', description: 'Models per page (default 20, at most 100)' },
};

/** Builds a search query from CLI options; `benchmark:NAME` is resolved to a benchmark id. */
export async function searchQueryFromOptions(
  library: LibraryService,
  values: Record<string, unknown>,
  text?: string,
): Promise<SearchQueryInput> {
  const query: Record<string, unknown> = { q: text };
  for (const filter of (values.filter as string[] | undefined) ?? []) {
    const [key, ...rest] = filter.split('=');
    const value = rest.join('=');
    const spec = filterKeys[key.trim()];
    if (!spec || value === '')
      throw new CliError(`bad --filter '${filter}': use key=value with key one of ${Object.keys(filterKeys).join(', ')}`);
    if (spec.kind === 'text') query[spec.field] = [...((query[spec.field] as string[] | undefined) ?? []), ...value.split(',')];
    else if (spec.kind === 'boolean') query[spec.field] = ['true', 'yes', '1'].includes(value.toLowerCase());
    else query[spec.field] = parseAmount(value, spec.kind);
  }
  const sort = values.sort as string | undefined;
  if (sort?.startsWith('benchmark:')) query.sort = `benchmark:${(await library.benchmarks.resolve(sort.slice('benchmark:'.length))).id}`;
  else if (sort !== undefined) query.sort = sort;
  if (values.order !== undefined) query.order = values.order;
  if (values.page !== undefined) query.page = values.page;
  if (values['page-size'] !== undefined) query.pageSize = values['page-size'];
  return query as SearchQueryInput;
}

/** Runs a search on the local store and prints a table (or JSON). Shared by `models list` and `models search`. */
export async function runSearch(
  config: Parameters<typeof openLocalLibrary>[0],
  values: Record<string, unknown>,
  text?: string,
): Promise<void> {
  const local = await openLocalLibrary(config, plannerSizer);
  try {
    const query = await searchQueryFromOptions(local.library, values, text);
    const page = await local.library.search(query);
    if (values.json) return printJson(page);
    const sortedByBenchmark = String(query.sort ?? '').startsWith('benchmark:');
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    process.stdout.write(`${modelsTable(page.items, sortedByBenchmark)}\n\n${page.total} model(s), page ${page.page} of ${pages}\n`);
  } finally {
    await local.close();
  }
}

export const modelsSearchCommand: Command = {
  name: 'models search',
  summary: 'Search the Model Library (full text, filters, sort)',
  usage: 'devup models search QUERY [--filter key=value]… [--sort benchmark:NAME|params|context|released] [--json]',
  options: searchOptions,
  async run({ config, values, positionals }) {
    if (positionals.length === 0) throw new CliError(`missing QUERY\nusage: ${this.usage}`);
    await runSearch(config, values, positionals.join(' '));
  },
};
