import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A tiny history router: the URL is the state (shareable views), `navigate` pushes it and every
 * `useLocation` re-renders.
 *
 * @example
 *   const { pathname, query } = useLocation();
 *   <Link to="/models/deepseek-v3">DeepSeek-V3</Link>
 */
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const currentHref = () => window.location.pathname + window.location.search;

export interface Location {
  pathname: string;
  search: string;
  query: URLSearchParams;
}

let cached: { href: string; location: Location } | undefined;

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, currentHref);
  if (cached?.href !== href) {
    const url = new URL(href, 'http://x');
    cached = { href, location: { pathname: url.pathname, search: url.search, query: url.searchParams } };
  }
  return cached.location;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentHref()) return;
  window.history[options.replace ? 'replaceState' : 'pushState'](null, '', to);
  if (!options.replace) window.scrollTo(0, 0);
  notify();
}

/** Matches `/models/:id` against a pathname; returns the decoded params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = pathname.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < patternParts.length; index++) {
    const part = patternParts[index];
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(pathParts[index]);
    else if (part !== pathParts[index]) return null;
  }
  return params;
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}
