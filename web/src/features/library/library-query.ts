/** The library view lives in the URL (shareable): these helpers read and change it. */

export const pageSize = 24;

/** The `/api/models` path for a library URL's query (same parameter names, plus the page size). */
export function libraryApiPath(query: URLSearchParams): string {
  const apiQuery = new URLSearchParams(query);
  apiQuery.set('pageSize', String(pageSize));
  apiQuery.sort();
  return `/api/models?${apiQuery}`;
}

// Filters that take one value (a second one would be a contradiction, not an OR).
const singleValued = new Set(['openWeights']);

/** Toggles one value of a filter (OR within a multi-valued one) and goes back to the first page. */
export function toggleFilter(query: URLSearchParams, key: string, value: string): URLSearchParams {
  if (singleValued.has(key)) return setParam(query, key, query.get(key) === value ? '' : value);
  const next = new URLSearchParams(query);
  const values = next.getAll(key);
  next.delete(key);
  for (const existing of values) if (existing !== value) next.append(key, existing);
  if (!values.includes(value)) next.append(key, value);
  next.delete('page');
  return next;
}

/** Sets (or, with an empty value, clears) a single-valued parameter. */
export function setParam(query: URLSearchParams, key: string, value: string, keepPage = false): URLSearchParams {
  const next = new URLSearchParams(query);
  if (value) next.set(key, value);
  else next.delete(key);
  if (!keepPage) next.delete('page');
  return next;
}

export function toHref(query: URLSearchParams): string {
  const text = query.toString();
  return text ? `/?${text}` : '/';
}
