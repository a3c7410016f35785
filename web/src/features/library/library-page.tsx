import { useEffect, useState } from 'react';
import type { Benchmark, ModelPage } from '../../api/types.js';
import { useResource } from '../../api/use-resource.js';
import { EmptyState, ErrorNotice, Loading } from '../../components/status.js';
import { useDocumentTitle } from '../../components/use-document-title.js';
import { Link, navigate, useLocation } from '../../router.js';
import { FacetPanel } from './facet-panel.js';
import { HubImportForm } from './hub-import-form.js';
import { libraryApiPath, pageSize, setParam, toggleFilter, toHref } from './library-query.js';
import { ModelCard } from './model-card.js';
import { RangeFacets } from './range-facets.js';
import { useDisjunctiveFacets } from './use-disjunctive-facets.js';

const fixedSorts = [
  { value: '', label: 'Default (relevance, else name)' },
  { value: 'params', label: 'Total parameters' },
  { value: 'activatedParams', label: 'Activated parameters' },
  { value: 'context', label: 'Context length' },
  { value: 'released', label: 'Release date' },
  { value: 'name', label: 'Name' },
];

function benchmarkLabel(benchmark: Benchmark): string {
  const suite = benchmark.suite === 'base' ? 'base' : benchmark.suite === 'chat' ? 'chat' : benchmark.suite;
  return `${benchmark.name} (${benchmark.metric}${benchmark.shots ? `, ${benchmark.shots}-shot` : ''}, ${suite})`;
}

/** `/`: the Model Library — search, facets with counts, benchmark sorts, cards; all state in the URL. */
export function LibraryPage() {
  useDocumentTitle('Model Library');
  const { query } = useLocation();
  const models = useResource<ModelPage>(libraryApiPath(query));
  const benchmarks = useResource<{ data: Benchmark[] }>('/api/benchmarks');
  const benchmarkList = benchmarks.data?.data ?? [];
  const [search, setSearch] = useState(query.get('q') ?? '');
  const [selected, setSelected] = useState<string[]>([]);

  // Typing updates the URL after a short pause, replacing (not stacking) history entries.
  useEffect(() => {
    if (search === (query.get('q') ?? '')) return;
    const timer = setTimeout(() => navigate(toHref(setParam(query, 'q', search.trim())), { replace: true }), 250);
    return () => clearTimeout(timer);
  }, [search, query]);

  const go = (next: URLSearchParams) => navigate(toHref(next));
  const sort = query.get('sort') ?? '';
  const sortBenchmark = sort.startsWith('benchmark:') ? benchmarkList.find((benchmark) => `benchmark:${benchmark.id}` === sort) : undefined;
  const page = Number(query.get('page') ?? '1');
  const data = models.data;
  const facets = useDisjunctiveFacets(query, data?.facets);
  const pages = data ? Math.max(1, Math.ceil(data.total / (data.pageSize || pageSize))) : 1;
  const toggleSelected = (id: string) =>
    setSelected((current) => (current.includes(id) ? current.filter((entry) => entry !== id) : [...current, id].slice(-8)));

  return (
    <>
      <section className="hero">
        <h1>Model Library</h1>
        <p className="subtitle">Browse and deploy state-of-the-art AI models through the DevUp Gateway.</p>
        <form className="search" role="search" onSubmit={(event) => (event.preventDefault(), go(setParam(query, 'q', search.trim())))}>
          <label htmlFor="library-search" className="visually-hidden">
            Search models
          </label>
          <input
            id="library-search"
            type="search"
            placeholder="Search models, publishers, descriptions…"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
          <button className="button button-primary" type="submit">
            Search
          </button>
        </form>
        <HubImportForm />
      </section>
      <div className="library">
        {facets && (
          <FacetPanel
            facets={facets}
            query={query}
            onToggle={(facet, value) => go(toggleFilter(query, facet, value))}
            ranges={<RangeFacets query={query} onChange={go} />}
          />
        )}
        <section className="results" aria-live="polite" aria-busy={models.loading}>
          <div className="results-bar">
            <p className="muted" data-testid="result-count">
              {data ? `${data.total} model${data.total === 1 ? '' : 's'}` : ' '}
            </p>
            <div className="row">
              {selected.length > 0 && (
                <Link className="button button-primary" to={`/compare?models=${selected.join(',')}`}>
                  Compare {selected.length}
                </Link>
              )}
              <label htmlFor="library-sort">Sort by</label>
              <select id="library-sort" value={sort} onChange={(event) => go(setParam(query, 'sort', event.target.value))}>
                {fixedSorts.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
                {benchmarkList.length > 0 && (
                  <optgroup label="Benchmark score">
                    {benchmarkList.map((benchmark) => (
                      <option key={benchmark.id} value={`benchmark:${benchmark.id}`}>
                        {benchmarkLabel(benchmark)}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
            </div>
          </div>
          {models.error && <ErrorNotice error={models.error} onRetry={models.reload} />}
          {!data && models.loading && <Loading />}
          {data && data.items.length === 0 && (
            <EmptyState title="No models match">
              <p>
                <Link to="/">Clear the search and filters</Link>
              </p>
            </EmptyState>
          )}
          <div className="card-grid">
            {data?.items.map((model) => (
              <ModelCard
                key={model.id}
                model={model}
                selected={selected.includes(model.id)}
                onToggleCompare={() => toggleSelected(model.id)}
                sortLabel={sortBenchmark?.name}
              />
            ))}
          </div>
          {pages > 1 && (
            <nav className="pagination" aria-label="Pages">
              <button
                type="button"
                className="button"
                disabled={page <= 1}
                onClick={() => go(setParam(query, 'page', String(page - 1), true))}
              >
                Previous
              </button>
              <span>
                Page {page} of {pages}
              </span>
              <button
                type="button"
                className="button"
                disabled={page >= pages}
                onClick={() => go(setParam(query, 'page', String(page + 1), true))}
              >
                Next
              </button>
            </nav>
          )}
        </section>
      </div>
    </>
  );
}
