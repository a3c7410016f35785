import { useCallback, useEffect, useState } from 'react';
import { request } from './client.js';

/** Requests started before React renders (see main.tsx), picked up by the first useResource. */
const prefetched = new Map<string, Promise<unknown>>();

/** Starts a GET now so the first render finds it in flight: no waterfall behind the JS bundle. */
export function prefetch(path: string): void {
  if (!prefetched.has(path)) prefetched.set(path, request(path));
}

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Loads a GET path (null waits), cancels stale requests, keeps the last data while reloading.
 *
 * @example
 *   const { data, error } = useResource<Model>(`/api/models/${id}`);
 */
export function useResource<T>(path: string | null): Resource<T> {
  const [state, setState] = useState<{ path: string | null; data?: T; error?: Error; loading: boolean }>({ path, loading: path !== null });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, path, loading: true, error: undefined }));
    const pending = prefetched.get(path) ?? request<T>(path, { signal: controller.signal });
    prefetched.delete(path);
    pending.then(
      (data) => !controller.signal.aborted && setState({ path, data: data as T, loading: false }),
      (error: Error) => !controller.signal.aborted && setState((previous) => ({ ...previous, error, loading: false })),
    );
    return () => controller.abort();
  }, [path, generation]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Re-runs `reload` every `intervalMs` while `active` (live deployment state, usage). */
export function usePolling(reload: () => void, intervalMs: number, active = true): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, intervalMs);
    return () => clearInterval(timer);
  }, [reload, intervalMs, active]);
}
