import YAML from 'yaml';
import type { Model } from '../library-shapes.js';

/**
 * A model as a Hugging Face model card (`devup models export ID --format hf`): front matter with
 * `license`, `tags` and a `model-index` holding every result with its source (`dataset.type` is
 * our benchmark id, `num_few_shot` its shots, a setting in the metric's `config`), the rest of the
 * entry under `devup` (facts, links, notes, spec, NIAH scores, each benchmark's suite, category and
 * direction), and the description as the markdown body. `POST /api/import {kind: "hf-card"}` reads it
 * back to the same entry.
 *
 * @example fs.writeFileSync('README.md', exportModelCard(await library.get('deepseek-v3')))
 */
export function exportModelCard(model: Model): string {
  const license =
    model.license === null
      ? {}
      : /^[a-z0-9][a-z0-9.-]*$/.test(model.license)
        ? { license: model.license }
        : { license: 'other', license_name: model.license };
  const frontMatter = {
    ...license,
    ...(model.tags.length > 0 ? { tags: model.tags } : {}),
    pipeline_tag: 'text-generation',
    'model-index': [
      {
        name: model.name,
        results: model.results.map((result) => ({
          task: { type: 'text-generation' },
          dataset: {
            name: result.benchmark,
            type: result.benchmarkId,
            ...(result.shots === null ? {} : { args: { num_few_shot: result.shots } }),
          },
          metrics: [
            {
              type: result.metric.toLowerCase(),
              name: result.metric,
              value: result.value,
              ...(result.setting ? { config: result.setting } : {}),
            },
          ],
          ...(result.source ? { source: { url: result.source } } : {}),
        })),
      },
    ],
    devup: {
      id: model.id,
      name: model.name,
      publisher: model.publisher,
      family: model.family,
      variant: model.variant,
      architecture: model.architecture,
      totalParams: model.totalParams,
      activatedParams: model.activatedParams,
      contextLength: model.contextLength,
      openWeights: model.openWeights,
      releaseDate: model.releaseDate,
      links: model.links,
      notes: model.notes,
      pricing: model.pricing,
      spec: model.spec,
      source: model.source,
      niah: model.niah,
      benchmarks: Object.fromEntries(
        model.results.map((result) => [
          result.benchmarkId,
          { suite: result.suite, category: result.category, direction: result.direction },
        ]),
      ),
    },
  };
  return `---\n${YAML.stringify(frontMatter, { lineWidth: 0 })}---\n${model.description}`;
}
