import type { Comparison, Model, ModelDownload, ModelHistory, ModelSummary } from '../../library/library-shapes.js';
import { formatBytes, formatCount, formatTable } from '../output.js';

/** 131072 → "128K" (context lengths are powers-of-two multiples of 1024), else formatCount. */
export function formatTokens(value: number | null): string {
  if (value === null) return '-';
  return value % 1024 === 0 && value >= 1024 ? `${value / 1024}K` : formatCount(value);
}

/** A score as the source tables print it: at least one decimal (85 → "85.0"), three below 1 (BPB). */
export function formatScore(value: number): string {
  const written = String(value).split('.')[1]?.length ?? 0;
  return value.toFixed(Math.min(Math.max(written, Math.abs(value) < 1 ? 3 : 1), 6));
}

/** "MMLU (EM)", "DROP (3-shot F1)": the benchmark label of the source tables. */
export function benchmarkLabel(row: { benchmark: string; metric: string; shots: number | null; setting?: string }): string {
  const shots = row.shots === null ? '' : `${row.shots}-shot `;
  const setting = row.setting ? `, ${row.setting}` : '';
  return `${row.benchmark} (${shots}${row.metric}${setting})`;
}

export function modelsTable(items: Array<ModelSummary & { score?: number | null }>, withScore: boolean): string {
  const rows = items.map((item) => ({
    ...item,
    totalParams: formatCount(item.totalParams),
    activatedParams: formatCount(item.activatedParams),
    contextLength: formatTokens(item.contextLength),
    openWeights: item.openWeights ? 'yes' : 'no',
    score: item.score === null || item.score === undefined ? null : formatScore(item.score),
  }));
  return formatTable(rows, [
    { key: 'id', label: 'ID' },
    { key: 'name', label: 'Name' },
    { key: 'publisher', label: 'Publisher' },
    { key: 'architecture', label: 'Arch' },
    { key: 'totalParams', label: 'Total', align: 'right' },
    { key: 'activatedParams', label: 'Active', align: 'right' },
    { key: 'contextLength', label: 'Context', align: 'right' },
    { key: 'openWeights', label: 'Open' },
    { key: 'releaseDate', label: 'Released' },
    ...(withScore ? [{ key: 'score', label: 'Score', align: 'right' as const }] : []),
  ]);
}

/** The model card: facts, description (markdown as written), notes, links and every result. */
export function modelCard(model: Model): string {
  const facts: Array<[string, string]> = [
    ['ID', model.id],
    ['Publisher', model.publisher],
    ['Family', [model.family, model.variant].filter(Boolean).join(' / ') || '-'],
    ['Architecture', model.attention ? `${model.architecture}, ${model.attention} attention` : model.architecture],
    ['Parameters', `${formatCount(model.totalParams)} total, ${formatCount(model.activatedParams)} activated`],
    ['Context', model.contextLength === null ? '-' : `${formatTokens(model.contextLength)} (${model.contextLength} tokens)`],
    ['License', model.license ?? '-'],
    ['Weights', model.openWeights ? 'open' : 'API only'],
    ['Released', model.releaseDate ?? '-'],
    [
      'Pricing',
      model.pricing ? `$${model.pricing.inputPerMillion} / $${model.pricing.outputPerMillion} per million input / output tokens` : '-',
    ],
    ['Variants', model.variants.map((variant) => `${variant.id} (${variant.variant ?? variant.name})`).join(', ') || '-'],
  ];
  const lines = [model.name, '='.repeat(model.name.length), ...facts.map(([label, value]) => `${label.padEnd(12)} ${value}`)];
  if (model.links.length) lines.push('', 'Links', ...model.links.map((link) => `  ${link.label}: ${link.url}`));
  if (model.notes.length) lines.push('', 'Notes', ...model.notes.map((note) => `  - ${note}`));
  if (model.downloads.length) lines.push('', 'Downloads', downloadsTable(model.downloads));
  if (model.description) lines.push('', model.description.trim());
  for (const suite of ['base', 'chat', 'open-ended'] as const) {
    const results = model.results.filter((result) => result.suite === suite);
    if (results.length === 0) continue;
    lines.push(
      '',
      `Benchmarks (${suite})`,
      formatTable(
        results.map((result) => ({
          category: result.category,
          benchmark: benchmarkLabel(result),
          value: formatScore(result.value),
          direction: result.direction === 'lower' ? 'lower is better' : '',
        })),
        [
          { key: 'category', label: 'Category' },
          { key: 'benchmark', label: 'Benchmark (Metric)' },
          { key: 'value', label: 'Value', align: 'right' },
          { key: 'direction', label: '' },
        ],
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The comparison as the source page lays it out: fact rows, then one row per shared benchmark; best level marked *x*. */
export function comparisonTable(comparison: Comparison): string {
  const columns = comparison.models.map((model, index) => ({ key: `m${index}`, label: model.name, align: 'right' as const }));
  const cells = (values: string[]) => Object.fromEntries(values.map((value, index) => [`m${index}`, value]));
  const rows: Array<Record<string, unknown>> = [
    {
      category: '',
      benchmark: 'Architecture',
      ...cells(comparison.models.map((model) => (model.architecture === 'unknown' ? '-' : model.architecture))),
    },
    { category: '', benchmark: '# Activated Params', ...cells(comparison.models.map((model) => formatCount(model.activatedParams))) },
    { category: '', benchmark: '# Total Params', ...cells(comparison.models.map((model) => formatCount(model.totalParams))) },
  ];
  let previousCategory = '';
  for (const row of comparison.rows) {
    const values = row.values.map((value, index) =>
      value === null ? '-' : row.best[index] ? `*${formatScore(value)}*` : formatScore(value),
    );
    rows.push({ category: row.category === previousCategory ? '' : row.category, benchmark: benchmarkLabel(row), ...cells(values) });
    previousCategory = row.category;
  }
  const table = formatTable(rows, [{ key: 'category', label: '' }, { key: 'benchmark', label: 'Benchmark (Metric)' }, ...columns]);
  const summary = formatTable(
    comparison.categories.map((category) => ({
      category: category.category,
      benchmarks: category.benchmarks,
      ...cells(
        category.wins.map(
          (wins, index) => `${wins} best${category.averages[index] === null ? '' : `, avg ${category.averages[index]!.toFixed(1)}`}`,
        ),
      ),
    })),
    [{ key: 'category', label: 'Category' }, { key: 'benchmarks', label: 'Rows', align: 'right' }, ...columns],
  );
  return `${table}\n\n*x*: best, or within 0.3 of the best (same level).\n\n${summary}\n`;
}

/** The download variants as the source pages' download tables: one row per quantization or checkpoint, with the planner's memory. */
export function downloadsTable(downloads: ModelDownload[]): string {
  return formatTable(
    downloads.map((download) => ({
      repo: download.repo,
      label: download.label,
      format: download.format,
      size: formatBytes(download.bytes),
      files: download.files.length,
      ram: download.memory?.ramBytes == null ? '-' : formatBytes(download.memory.ramBytes),
      vram: download.memory ? formatBytes(download.memory.vramBytes) : '-',
      context: download.memory ? formatTokens(download.memory.context) : '-',
    })),
    [
      { key: 'repo', label: 'Repo' },
      { key: 'label', label: 'Variant' },
      { key: 'format', label: 'Format' },
      { key: 'size', label: 'Size', align: 'right' },
      { key: 'files', label: 'Files', align: 'right' },
      { key: 'ram', label: 'RAM', align: 'right' },
      { key: 'vram', label: 'VRAM', align: 'right' },
      { key: 'context', label: 'at context', align: 'right' },
    ],
  );
}

/** Where each field came from (hand-entered ones marked) and the earlier values, newest first. */
export function historyText(history: ModelHistory): string {
  const origins = formatTable(
    history.fields.map((field) => ({
      ...field,
      manual: field.manual ? 'by hand' : '',
      at: new Date(field.writtenAt).toISOString().slice(0, 19),
    })),
    [
      { key: 'field', label: 'Field' },
      { key: 'source', label: 'Source' },
      { key: 'at', label: 'Written' },
      { key: 'manual', label: '' },
    ],
  );
  const earlier = history.earlier.map(
    (entry) =>
      `  ${new Date(entry.replacedAt).toISOString().slice(0, 19)} ${entry.field} was ${JSON.stringify(entry.value).slice(0, 120)} (from ${entry.source ?? 'unknown'}${entry.writtenAt ? `, ${new Date(entry.writtenAt).toISOString().slice(0, 10)}` : ''}); replaced by ${entry.replacedBy}`,
  );
  return `${origins}\n\nEarlier values\n${earlier.join('\n') || '  none'}\n`;
}
