import type { ModelPage } from '../../api/types.js';
import { useResource } from '../../api/use-resource.js';
import { EmptyState, ErrorNotice, Loading } from '../../components/status.js';
import { useDocumentTitle } from '../../components/use-document-title.js';
import { navigate, useLocation } from '../../router.js';
import { CompareCharts } from './compare-charts.js';
import { ComparisonTable } from './comparison-table.js';
import type { Comparison } from './comparison-types.js';

/** The model ids of a compare URL (at most 8) and the API path that compares them (null under 2). */
export function compareSelection(query: URLSearchParams): { ids: string[]; apiPath: string | null } {
  const ids = (query.get('models') ?? '').split(',').filter(Boolean).slice(0, 8);
  return { ids, apiPath: ids.length >= 2 ? `/api/compare?models=${ids.map(encodeURIComponent).join(',')}` : null };
}

/** `/compare?models=a,b,c`: 2–8 models side by side, table and charts from `/api/compare`. */
export function ComparePage() {
  const { query } = useLocation();
  const { ids, apiPath } = compareSelection(query);
  const comparison = useResource<Comparison>(apiPath);
  const catalog = useResource<ModelPage>('/api/models?pageSize=100&sort=name');
  const setIds = (next: string[]) => navigate(next.length ? `/compare?models=${next.join(',')}` : '/compare', { replace: true });
  const names = new Map((comparison.data?.models ?? catalog.data?.items ?? []).map((model) => [model.id, model.name]));
  useDocumentTitle(ids.length ? `Compare ${ids.map((id) => names.get(id) ?? id).join(', ')}` : 'Compare models');

  return (
    <>
      <h1>Compare models</h1>
      <p className="subtitle">
        Benchmarks the models share, aligned by name, metric and shots; best results and the same level (a gap ≤ 0.3) in bold.
      </p>
      <div className="panel row" role="group" aria-label="Models in the comparison">
        {ids.map((id) => (
          <span key={id} className="badge badge-accent">
            {names.get(id) ?? id}
            <button
              type="button"
              className="button button-small button-ghost"
              aria-label={`Remove ${names.get(id) ?? id}`}
              onClick={() => setIds(ids.filter((other) => other !== id))}
            >
              ×
            </button>
          </span>
        ))}
        {ids.length < 8 && (
          <>
            <label htmlFor="add-model" className="visually-hidden">
              Add a model
            </label>
            <select id="add-model" value="" onChange={(event) => event.target.value && setIds([...ids, event.target.value])}>
              <option value="">Add a model…</option>
              {catalog.data?.items
                .filter((model) => !ids.includes(model.id))
                .map((model) => (
                  <option key={model.id} value={model.id}>
                    {model.name}
                  </option>
                ))}
            </select>
          </>
        )}
      </div>
      {ids.length < 2 && <EmptyState title="Pick at least two models">Choose models above, or tick “Compare” on library cards.</EmptyState>}
      {comparison.error && <ErrorNotice error={comparison.error} />}
      {ids.length >= 2 && !comparison.data && comparison.loading && <Loading />}
      {comparison.data && (
        <>
          {comparison.data.rows.length === 0 ? (
            <EmptyState title="No shared benchmarks">
              These models have no results on the same benchmark (name, metric and shots).
            </EmptyState>
          ) : (
            <>
              <CompareCharts comparison={comparison.data} />
              <ComparisonTable comparison={comparison.data} />
            </>
          )}
        </>
      )}
    </>
  );
}
