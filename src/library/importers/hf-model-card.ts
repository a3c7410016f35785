import type { ModelImport } from '../model-input.js';
import { splitFrontMatter } from './front-matter.js';

export interface ModelCardOptions {
  /** Hugging Face repository, e.g. `deepseek-ai/DeepSeek-V3`: gives the id, publisher and link. */
  repo?: string;
  id?: string;
  publisher?: string;
  /** Evaluation suite of the card's results; default: chat when tagged instruct/chat/conversational. */
  suite?: 'base' | 'chat' | 'open-ended';
}

interface ModelIndexMetric {
  type?: string;
  name?: string;
  value?: unknown;
}
interface ModelIndexResult {
  dataset?: { name?: string; type?: string; args?: { num_few_shot?: unknown } };
  metrics?: ModelIndexMetric[];
  source?: { url?: string; name?: string };
}

/**
 * Hugging Face model card (README.md with YAML front matter and `model-index`) → model input.
 * Every `model-index` metric becomes a result whose benchmark is named by dataset, metric and
 * shots (from `dataset.args.num_few_shot` or an "N-shot" in the names).
 *
 * @example parseModelCard(readme, { repo: 'Qwen/Qwen2.5-72B-Instruct' }).results?.length
 */
export function parseModelCard(text: string, options: ModelCardOptions = {}): ModelImport {
  const { data, body } = splitFrontMatter(text);
  const index = (Array.isArray(data['model-index']) ? data['model-index'] : []) as Array<{ name?: string; results?: ModelIndexResult[] }>;
  const [organisation, repoName] = options.repo?.split('/') ?? [];
  const name = index[0]?.name ?? repoName ?? /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? options.id ?? 'unnamed';
  const tags = stringList(data.tags);
  const suite =
    options.suite ?? (tags.some((tag) => /instruct|chat|conversational/i.test(tag)) || /instruct|chat/i.test(name) ? 'chat' : 'base');
  return {
    id: options.id ?? slugify(repoName ?? name),
    name,
    ...((options.publisher ?? organisation) ? { publisher: options.publisher ?? organisation } : {}),
    description: body.trim(),
    license: typeof data.license === 'string' ? (typeof data.license_name === 'string' ? data.license_name : data.license) : null,
    openWeights: true,
    tags: tags.slice(0, 100),
    links: options.repo ? [{ label: 'Hugging Face', url: `https://huggingface.co/${options.repo}` }] : [],
    source: options.repo ? `https://huggingface.co/${options.repo}` : 'Hugging Face model card',
    results: index.flatMap((entry) => (entry.results ?? []).flatMap((result) => toResults(result, suite))),
  };
}

function toResults(result: ModelIndexResult, suite: 'base' | 'chat' | 'open-ended') {
  const datasetName = result.dataset?.name ?? result.dataset?.type ?? 'unknown';
  return (result.metrics ?? [])
    .filter((metric) => toNumber(metric.value) !== undefined)
    .map((metric) => {
      const metricName = metric.name ?? metric.type ?? 'score';
      const shotsText = /(\d+)[-\s]?shot/i.exec(`${datasetName} ${metricName}`)?.[1];
      const shots = toNumber(result.dataset?.args?.num_few_shot) ?? (shotsText === undefined ? null : Number(shotsText));
      return {
        benchmark: {
          name: datasetName.replace(/\s*\(?\d+[-\s]?shots?\)?/i, '').trim() || datasetName,
          metric: metricName.replace(/\s*\(?\d+[-\s]?shots?\)?/i, '').trim() || metricName,
          shots,
          suite,
        },
        value: toNumber(metric.value)!,
        source: result.source?.url ?? null,
      };
    });
}

function toNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value.replace('%', '')) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value)
    ? value.filter((entry): entry is string => typeof entry === 'string' && entry.length > 0 && entry.length <= 64)
    : [];
}

function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '')
      .slice(0, 128) || 'model'
  );
}
