import { useState, type FormEvent } from 'react';
import type { ApiKey } from '../../api/types.js';
import { useResource } from '../../api/use-resource.js';
import type { DeploymentDetails } from '../deploy/deployment-details.js';

export const filterNames = ['deployment', 'key', 'status', 'since', 'until'] as const;

/** Filters for usage and the request log: deployment and key chosen from lists, status, dates. */
export function UsageFilters({ query, onApply }: { query: URLSearchParams; onApply(next: URLSearchParams): void }) {
  const keys = useResource<{ data: ApiKey[] }>('/api/keys');
  const deployments = useResource<{ data: DeploymentDetails[] }>('/api/deployments');
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(filterNames.map((name) => [name, query.get(name) ?? ''])),
  );
  const set = (name: string) => (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of filterNames) if (draft[name]?.trim()) next.set(name, draft[name].trim());
    if (query.get('errors')) next.set('errors', query.get('errors')!);
    onApply(next);
  };

  return (
    <form className="panel form-grid" onSubmit={apply} aria-label="Filters">
      <div className="field">
        <label htmlFor="usage-filter-deployment">Deployment</label>
        <select id="usage-filter-deployment" value={draft.deployment} onChange={set('deployment')}>
          <option value="">All deployments</option>
          {deployments.data?.data.map((deployment) => (
            <option key={deployment.name} value={deployment.name}>
              {deployment.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="usage-filter-key">Key</label>
        <select id="usage-filter-key" value={draft.key} onChange={set('key')}>
          <option value="">All keys</option>
          {keys.data?.data.map((key) => (
            <option key={key.id} value={key.id}>
              {key.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="usage-filter-status">Status</label>
        <input
          id="usage-filter-status"
          inputMode="numeric"
          pattern="[1-5][0-9][0-9]"
          placeholder="any"
          value={draft.status}
          onChange={set('status')}
        />
      </div>
      <div className="field">
        <label htmlFor="usage-filter-since">Since</label>
        <input id="usage-filter-since" type="date" value={draft.since} onChange={set('since')} />
      </div>
      <div className="field">
        <label htmlFor="usage-filter-until">Before</label>
        <input id="usage-filter-until" type="date" value={draft.until} onChange={set('until')} />
      </div>
      <div className="field" style={{ justifyContent: 'flex-end' }}>
        <button className="button button-primary" type="submit">
          Apply filters
        </button>
      </div>
    </form>
  );
}
