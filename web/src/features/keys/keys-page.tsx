import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../../api/client.js';
import type { ApiKey, CreatedKey } from '../../api/types.js';
import { useResource } from '../../api/use-resource.js';
import { CopyButton } from '../../components/copy-button.js';
import { formatTime } from '../../components/format.js';
import { Badge, ErrorNotice, Loading } from '../../components/status.js';
import { TableScroll } from '../../components/table-scroll.js';
import { useDocumentTitle } from '../../components/use-document-title.js';

function keyState(key: ApiKey): { label: string; tone: 'good' | 'bad' | 'neutral' } {
  if (key.revokedAt) return { label: 'revoked', tone: 'bad' };
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= Date.now()) return { label: 'expired', tone: 'neutral' };
  return { label: 'active', tone: 'good' };
}

/** `/keys`: create user keys for `/v1` (shown once), list and revoke them. */
export function KeysPage() {
  useDocumentTitle('API keys');
  const keys = useResource<{ data: ApiKey[] }>('/api/keys');
  const [name, setName] = useState('');
  const [deployments, setDeployments] = useState('');
  const [expiresIn, setExpiresIn] = useState('');
  const [created, setCreated] = useState<CreatedKey>();
  const [error, setError] = useState<Error>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const scope = deployments
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    try {
      const key = await request<CreatedKey>('/api/keys', {
        method: 'POST',
        body: {
          name: name.trim(),
          ...(scope.length ? { deployments: scope } : {}),
          ...(expiresIn.trim() ? { expiresIn: expiresIn.trim() } : {}),
        },
      });
      setCreated(key);
      setName('');
      setDeployments('');
      setExpiresIn('');
      keys.reload();
    } catch (failure) {
      setError(failure as Error);
    }
  };

  const revoke = async (key: ApiKey) => {
    if (!window.confirm(`Revoke key “${key.name}”? Requests with it fail at once.`)) return;
    try {
      await request(`/api/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
      keys.reload();
    } catch (failure) {
      setError(failure as Error);
    }
  };

  return (
    <>
      <h1>API keys</h1>
      <p className="subtitle">
        Keys for the OpenAI-compatible API at <code>/v1</code>. Stored as SHA-256 hashes: a key is shown once, when it is created.
      </p>
      <form className="panel" onSubmit={create} aria-labelledby="create-key-title">
        <h2 id="create-key-title">Create a key</h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="key-name">Name</label>
            <input id="key-name" value={name} onChange={(event) => setName(event.target.value)} required placeholder="my-app" />
          </div>
          <div className="field">
            <label htmlFor="key-deployments">Deployments (optional)</label>
            <input
              id="key-deployments"
              value={deployments}
              onChange={(event) => setDeployments(event.target.value)}
              placeholder="chat, embeddings"
            />
            <span className="field-hint">Comma-separated; empty means every deployment.</span>
          </div>
          <div className="field">
            <label htmlFor="key-expires">Expires in (optional)</label>
            <input id="key-expires" value={expiresIn} onChange={(event) => setExpiresIn(event.target.value)} placeholder="30d" />
            <span className="field-hint">e.g. 30d, 12h, 90m</span>
          </div>
        </div>
        <button className="button button-primary" type="submit" disabled={!name.trim()}>
          Create key
        </button>
        {error &&
          (error instanceof ApiError && error.status === 401 ? (
            <ErrorNotice error={error} />
          ) : (
            <p className="field-error" role="alert">
              {error.message}
            </p>
          ))}
      </form>

      {created && (
        <div className="panel" role="status" data-testid="created-key">
          <h2>Key “{created.name}” created</h2>
          <p className="notice notice-warn">Copy it now: it is not stored and will not be shown again.</p>
          <div className="row">
            <code className="secret" data-testid="created-key-value">
              {created.key}
            </code>
            <CopyButton text={created.key} />
            <button type="button" className="button" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
        </div>
      )}

      <h2>Keys</h2>
      {keys.error && <ErrorNotice error={keys.error} />}
      {!keys.data && keys.loading && <Loading />}
      {keys.data && (
        <TableScroll label="API keys">
          <table data-testid="keys-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Deployments</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    No keys yet.
                  </td>
                </tr>
              )}
              {keys.data.data.map((key) => {
                const state = keyState(key);
                return (
                  <tr key={key.id} data-key-name={key.name}>
                    <th scope="row" className="cell-wrap">
                      {key.name}
                    </th>
                    <td>
                      <code>{key.prefix ?? key.keyPrefix}…</code>
                    </td>
                    <td className="cell-wrap">{key.deployments?.join(', ') ?? 'all'}</td>
                    <td className="muted">{formatTime(key.createdAt)}</td>
                    <td className="muted">{key.expiresAt ? formatTime(key.expiresAt) : 'never'}</td>
                    <td>
                      <Badge tone={state.tone}>{state.label}</Badge>
                    </td>
                    <td>
                      {!key.revokedAt && (
                        <button
                          type="button"
                          className="button button-small button-danger"
                          onClick={() => revoke(key)}
                          aria-label={`Revoke ${key.name}`}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
