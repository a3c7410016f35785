import { hubPageUrl } from '../hub/hub-reference.js';
import type { BenchmarkInput, ModelImport } from '../model-input.js';
import { splitFrontMatter } from './front-matter.js';

export interface ModelCardOptions {
  /** Hugging Face repository, e.g. `deepseek-ai/DeepSeek-V3`: gives the id, publisher and link. */
  repo?: string;
  id?: string;
  publisher?: string;
  /** Evaluation suite of the card's results; default: chat when tagged instruct/chat/conversational. */
  suite?: 'base' | 'chat' | 'open-ended';
  /** Source of results that name none (the card's own address). */
  source?: string;
}

interface ModelIndexMetric {
  type?: string;
  name?: string;
  value?: unknown;
  /** Our export writes a result's setting ("CoT") here. */
  config?: unknown;
}
interface ModelIndexResult {
  dataset?: { name?: string; type?: string; args?: { num_few_shot?: unknown } };
  metrics?: ModelIndexMetric[];
  source?: { url?: string; name?: string };
}

/** Benchmark facts our export adds under `devup.benchmarks`, keyed by the id it writes as `dataset.type`. */
type ExportedBenchmark = Pick<BenchmarkInput, 'suite' | 'category' | 'direction' | 'description'>;

/**
 * Hugging Face model card (README.md with YAML front matter and `model-index`) → model input.
 * Every `model-index` metric becomes a result (with the source its entry names, else the card's)
 * whose benchmark is named by dataset, metric and shots (from `dataset.args.num_few_shot` or an
 * "N-shot" in the names). A card written by our export (`devup models export --format hf`) carries
 * the rest of the entry under the front matter's `devup` key and imports back to the same entry.
 * Broken YAML or a `model-index` that is not a list throws (the caller names the file).
 *
 * @example parseModelCard(readme, { repo: 'Qwen/Qwen2.5-72B-Instruct' }).results?.length
 */
export function parseModelCard(text: string, options: ModelCardOptions = {}): ModelImport {
  const { data, body } = splitFrontMatter(text);
  if (data['model-index'] !== undefined && !Array.isArray(data['model-index'])) throw new Error('model-index must be a list');
  const index = (data['model-index'] ?? []) as Array<{ name?: string; results?: ModelIndexResult[] }>;
  const exported = isRecord(data.devup) ? data.devup : undefined;
  const { benchmarks, ...entry } = exported ?? {};
  const [organisation, repoName] = options.repo?.split('/') ?? [];
  // A repo's own name first: model-index names the model evaluated, which is not always the repo's (stable-code-3b's says StarCoderBase-3B).
  const name = repoName ?? index[0]?.name ?? /^#\s+(.+)$/m.exec(body)?.[1]?.trim() ?? options.id ?? 'unnamed';
  const tags = stringList(data.tags);
  const suite =
    options.suite ?? (tags.some((tag) => /instruct|chat|conversational/i.test(tag)) || /instruct|chat/i.test(name) ? 'chat' : 'base');
  const results = index.flatMap((model) =>
    (model.results ?? []).flatMap((result) => toResults(result, suite, isRecord(benchmarks) ? benchmarks : {}, options.source)),
  );
  const card: ModelImport = {
    id: options.id ?? slugify(repoName ?? name),
    name,
    ...((options.publisher ?? organisation) ? { publisher: options.publisher ?? organisation } : {}),
    description: exported ? body : body.trim(),
    license: typeof data.license === 'string' ? (typeof data.license_name === 'string' ? data.license_name : data.license) : null,
    openWeights: true,
    tags: tags.slice(0, 100),
    links: options.repo ? [{ label: 'Hugging Face', url: hubPageUrl(options.repo) }, ...baseModelLinks(data.base_model)] : [],
    source: options.source ?? (options.repo ? hubPageUrl(options.repo) : 'Hugging Face model card'),
    results,
  };
  return exported ? { ...card, ...(entry as Partial<ModelImport>), id: options.id ?? String(entry.id ?? card.id) } : card;
}

function toResults(
  result: ModelIndexResult,
  suite: 'base' | 'chat' | 'open-ended',
  exported: Record<string, unknown>,
  cardSource: string | undefined,
) {
  const datasetName = result.dataset?.name ?? result.dataset?.type ?? 'unknown';
  const known =
    result.dataset?.type && isRecord(exported[result.dataset.type]) ? (exported[result.dataset.type] as ExportedBenchmark) : undefined;
  return (result.metrics ?? [])
    .filter((metric) => toNumber(metric.value) !== undefined)
    .map((metric) => {
      const metricName = metric.name ?? metric.type ?? 'score';
      const shotsText = /(\d+)[-\s]?shot/i.exec(`${datasetName} ${metricName}`)?.[1];
      const shots = toNumber(result.dataset?.args?.num_few_shot) ?? (shotsText === undefined ? null : Number(shotsText));
      const descriptor = {
        name: known ? datasetName : datasetName.replace(/\s*\(?\d+[-\s]?shots?\)?/i, '').trim() || datasetName,
        metric: known ? metricName : metricName.replace(/\s*\(?\d+[-\s]?shots?\)?/i, '').trim() || metricName,
        shots,
        suite,
      };
      return {
        benchmark: known ? { ...descriptor, ...known, id: result.dataset?.type } : descriptor,
        value: toNumber(metric.value)!,
        ...(typeof metric.config === 'string' ? { setting: metric.config } : {}),
        source: result.source?.url ?? cardSource ?? null,
      };
    });
}

/** `base_model` (one repo or a list) as links to their hub pages. */
function baseModelLinks(value: unknown): Array<{ label: string; url: string }> {
  return stringList(value)
    .filter((repo) => /^[\w.-]+\/[\w.-]+$/.test(repo))
    .slice(0, 10)
    .map((repo) => ({ label: `Base model: ${repo}`, url: hubPageUrl(repo) }));
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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
