import type { ReactNode } from 'react';
import type { FacetValue } from '../../api/types.js';

const facetTitles: Record<string, string> = {
  publisher: 'Publisher',
  architecture: 'Architecture',
  license: 'License',
  openWeights: 'Weights',
};

function valueLabel(facet: string, entry: FacetValue): string {
  if (entry.label) return entry.label;
  if (facet === 'openWeights') return entry.value === 'true' || entry.value === '1' ? 'Open weights' : 'API only';
  if (facet === 'architecture' && entry.value === 'unknown') return 'Undisclosed';
  return entry.value;
}

const facetOrder = ['publisher', 'architecture', 'ranges', 'license', 'openWeights'];

/** Facet filters with counts for the current query; `ranges` (parameters, context) go after architecture. */
export function FacetPanel({
  facets,
  query,
  onToggle,
  ranges,
}: {
  facets: Record<string, FacetValue[]>;
  query: URLSearchParams;
  onToggle(facet: string, value: string): void;
  ranges: ReactNode;
}) {
  const ordered = Object.entries(facets).sort(([a], [b]) => facetOrder.indexOf(a) - facetOrder.indexOf(b));
  const rangesAt = ordered.findIndex(([facet]) => facetOrder.indexOf(facet) > facetOrder.indexOf('ranges'));
  return (
    <aside className="facets" aria-label="Filters">
      {(rangesAt === -1 ? ordered : ordered.slice(0, rangesAt)).map(([facet, values]) => renderFacet(facet, values))}
      {ranges}
      {rangesAt !== -1 && ordered.slice(rangesAt).map(([facet, values]) => renderFacet(facet, values))}
    </aside>
  );

  function renderFacet(facet: string, values: FacetValue[]) {
    if (values.length === 0) return null;
    return (
      <fieldset key={facet} className="facet">
        <legend>{facetTitles[facet] ?? facet}</legend>
        {values.map((entry) => {
          const checked = query.getAll(facet).includes(entry.value);
          const id = `facet-${facet}-${entry.value}`.replace(/[^\w-]/g, '_');
          return (
            <div key={entry.value} className="facet-value">
              <input id={id} type="checkbox" checked={checked} onChange={() => onToggle(facet, entry.value)} />
              <label htmlFor={id}>{valueLabel(facet, entry)}</label>
              <span className="count">{entry.count}</span>
            </div>
          );
        })}
      </fieldset>
    );
  }
}
