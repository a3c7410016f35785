import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { AdminLogin } from '../features/admin/admin-login.js';

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info' | 'accent';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const stateTones: Record<string, 'good' | 'warn' | 'bad' | 'info' | 'neutral'> = {
  ready: 'good',
  degraded: 'warn',
  failed: 'bad',
  stopped: 'neutral',
  pending: 'info',
  provisioning: 'info',
  loading: 'info',
  up: 'good',
  down: 'bad',
  starting: 'info',
};

export function StateBadge({ state }: { state: string }) {
  return (
    <Badge tone={stateTones[state] ?? 'neutral'}>
      <span className={`dot dot-${stateTones[state] ?? 'neutral'}`} aria-hidden="true" />
      {state}
    </Badge>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted loading" role="status">
      {label}
    </p>
  );
}

/** Shows an API error, with a Retry button when given one; a 401 from an admin route asks for the admin key instead. */
export function ErrorNotice({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  if (error instanceof ApiError && error.status === 401) return <AdminLogin reason="This page needs the admin key." />;
  return (
    <div className="notice notice-error error-notice" role="alert">
      <p>
        <strong>{error instanceof ApiError ? `Error ${error.status}` : 'Error'}:</strong> {error.message}
      </p>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children}
    </div>
  );
}
