import { useEffect, useState } from 'react';
import { request } from '../../api/client.js';
import type { ModelPage } from '../../api/types.js';

interface Bucket {
  id: string;
  label: string;
  params: Record<string, string>;
}

interface RangeFacet {
  id: string;
  title: string;
  /** Query parameters this facet owns (cleared when another bucket is chosen). */
  keys: string[];
  buckets: Bucket[];
}

/** Parameter and context ranges: counted with the same search API (one count per bucket, in parallel). */
export const rangeFacets: RangeFacet[] = [
  {
    id: 'params',
    title: 'Parameters',
    keys: ['minTotalParams', 'maxTotalParams'],
    buckets: [
      { id: 'small', label: '< 10B', params: { maxTotalParams: String(10e9 - 1) } },
      { id: 'medium', label: '10B – 100B', params: { minTotalParams: String(10e9), maxTotalParams: String(100e9 - 1) } },
      { id: 'large', label: '100B – 500B', params: { minTotalParams: String(100e9), maxTotalParams: String(500e9 - 1) } },
      { id: 'huge', label: '≥ 500B', params: { minTotalParams: String(500e9) } },
    ],
  },
  {
    id: 'context',
    title: 'Context',
    keys: ['minContext'],
    buckets: [
      { id: '32k', label: '≥ 32K', params: { minContext: String(32768) } },
      { id: '128k', label: '≥ 128K', params: { minContext: String(131072) } },
      { id: '200k', label: '≥ 200K', params: { minContext: String(200000) } },
    ],
  },
];

function withBucket(query: URLSearchParams, facet: RangeFacet, bucket: Bucket | null): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const key of [...facet.keys, 'page']) next.delete(key);
  if (bucket) for (const [key, value] of Object.entries(bucket.params)) next.set(key, value);
  return next;
}

function isChosen(query: URLSearchParams, facet: RangeFacet, bucket: Bucket): boolean {
  return facet.keys.every((key) => (query.get(key) ?? undefined) === bucket.params[key]);
}

/** Count of models per bucket for the current query (its own range ignored, as facets do). */
function useBucketCounts(query: URLSearchParams): Record<string, number> {
  const [counts, setCounts] = useState<Record<string, number>>({});
  const key = query.toString();
  useEffect(() => {
    const controller = new AbortController();
    const jobs = rangeFacets.flatMap((facet) =>
      facet.buckets.map(async (bucket) => {
        const search = withBucket(query, facet, bucket);
        search.set('pageSize', '1');
        search.set('facets', 'false');
        search.delete('sort');
        const page = await request<ModelPage>(`/api/models?${search}`, { signal: controller.signal });
        return [`${facet.id}:${bucket.id}`, page.total] as const;
      }),
    );
    Promise.all(jobs).then(
      (entries) => setCounts(Object.fromEntries(entries)),
      () => undefined,
    );
    return () => controller.abort();
    // `key` (the query string) stands for the URLSearchParams, a new object on every render.
  }, [key]);
  return counts;
}

export function RangeFacets({ query, onChange }: { query: URLSearchParams; onChange(next: URLSearchParams): void }) {
  const counts = useBucketCounts(query);
  return (
    <>
      {rangeFacets.map((facet) => (
        <fieldset key={facet.id} className="facet">
          <legend>{facet.title}</legend>
          {facet.buckets.map((bucket) => {
            const chosen = isChosen(query, facet, bucket);
            const id = `facet-${facet.id}-${bucket.id}`;
            return (
              <div key={bucket.id} className="facet-value">
                <input
                  id={id}
                  type="checkbox"
                  checked={chosen}
                  onChange={() => onChange(withBucket(query, facet, chosen ? null : bucket))}
                />
                <label htmlFor={id}>{bucket.label}</label>
                <span className="count">{counts[`${facet.id}:${bucket.id}`] ?? '…'}</span>
              </div>
            );
          })}
        </fieldset>
      ))}
    </>
  );
}
