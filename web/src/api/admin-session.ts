import { useSyncExternalStore } from 'react';

/** The admin key lives in sessionStorage only: it leaves with the browser tab, never on disk. */
const storageKey = 'devup.adminKey';
const listeners = new Set<() => void>();

export function adminKey(): string | null {
  return sessionStorage.getItem(storageKey);
}

export function setAdminKey(key: string | null): void {
  if (key) sessionStorage.setItem(storageKey, key);
  else sessionStorage.removeItem(storageKey);
  listeners.forEach((listener) => listener());
}

export function useAdminKey(): string | null {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, adminKey);
}
