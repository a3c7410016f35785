import { useEffect, useState } from 'react';
import { request } from '../../api/client.js';
import type { FacetValue, ModelPage } from '../../api/types.js';

const facetKeys = ['publisher', 'architecture', 'license', 'openWeights'];

/**
 * Facet counts as filters expect them: a facet that is filtered on counts what the query would
 * find without its own filter, so more of its values can still be chosen (Meta next to DeepSeek).
 * One extra count request per filtered facet, in parallel; the others come with the page.
 */
export function useDisjunctiveFacets(
  query: URLSearchParams,
  facets: Record<string, FacetValue[]> | undefined,
): Record<string, FacetValue[]> | undefined {
  const [own, setOwn] = useState<Record<string, FacetValue[]>>({});
  const key = query.toString();
  useEffect(() => {
    const filtered = facetKeys.filter((facet) => query.has(facet));
    setOwn({});
    if (filtered.length === 0) return;
    const controller = new AbortController();
    Promise.all(
      filtered.map(async (facet) => {
        const without = new URLSearchParams(query);
        without.delete(facet);
        without.delete('page');
        without.delete('sort');
        without.set('pageSize', '1');
        const page = await request<ModelPage>(`/api/models?${without}`, { signal: controller.signal });
        return [facet, page.facets?.[facet] ?? []] as const;
      }),
    ).then(
      (entries) => setOwn(Object.fromEntries(entries)),
      () => undefined,
    );
    return () => controller.abort();
    // `key` (the query string) stands for the URLSearchParams, a new object on every render.
  }, [key]);
  if (!facets) return undefined;
  return Object.fromEntries(
    Object.entries(facets).map(([facet, values]) => [facet, own[facet] ?? withChosen(values, query.getAll(facet))]),
  );
}

/** Until the wider counts arrive, chosen values stay listed even when the answer omits them. */
function withChosen(values: FacetValue[], chosen: string[]): FacetValue[] {
  const missing = chosen.filter((value) => !values.some((entry) => entry.value === value));
  return [...values, ...missing.map((value) => ({ value, count: 0 }))];
}
