import type { ModelSummary } from '../../api/types.js';
import { formatContext, formatParams } from '../../components/format.js';
import { Badge } from '../../components/status.js';
import { Link } from '../../router.js';

/** First sentence of the markdown description, without markup, for the card's blurb. */
function blurb(description: string | undefined): string {
  const plain = (description ?? '')
    .replace(/[#*_`>[\]]|\(http[^)]*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = plain.match(/^.{20,220}?[.!?](\s|$)/)?.[0] ?? plain.slice(0, 200);
  return sentence.trim();
}

export function ModelCard({
  model,
  selected,
  onToggleCompare,
  sortLabel,
}: {
  model: ModelSummary;
  selected: boolean;
  onToggleCompare(): void;
  sortLabel?: string;
}) {
  return (
    <article className="model-card" aria-labelledby={`model-${model.id}`}>
      <div className="model-card-head">
        <div>
          <h3 id={`model-${model.id}`}>
            <Link to={`/models/${model.id}`}>{model.name}</Link>
          </h3>
          <p className="publisher">{model.publisher}</p>
        </div>
        <label className="compare-toggle">
          <input type="checkbox" checked={selected} onChange={onToggleCompare} aria-label={`Compare ${model.name}`} />
          Compare
        </label>
      </div>
      <div className="badges">
        {model.architecture && model.architecture !== 'unknown' && <Badge tone="accent">{model.architecture}</Badge>}
        {model.variant && <Badge>{model.variant}</Badge>}
        <Badge tone={model.openWeights ? 'good' : 'neutral'}>{model.openWeights ? 'Open weights' : 'API only'}</Badge>
        {model.license && <Badge>{model.license}</Badge>}
      </div>
      {model.description && <p className="blurb">{blurb(model.description)}</p>}
      <dl className="specs">
        <div>
          <dt>Total</dt>
          <dd>{formatParams(model.totalParams)}</dd>
        </div>
        <div>
          <dt>Activated</dt>
          <dd>{formatParams(model.activatedParams)}</dd>
        </div>
        <div>
          <dt>Context</dt>
          <dd>{formatContext(model.contextLength)}</dd>
        </div>
        {sortLabel && model.score !== undefined && (
          <div className="sort-value">
            <dt>{sortLabel}</dt>
            <dd>{model.score ?? '-'}</dd>
          </div>
        )}
      </dl>
    </article>
  );
}
