import { useState, type FormEvent } from 'react';
import { request, ApiError } from '../../api/client.js';
import { setAdminKey } from '../../api/admin-session.js';

/**
 * Asks for the admin key, checks it against an admin route, keeps it in sessionStorage only.
 * `devup serve` prints the key on first start (also saved in the data dir as admin.key).
 */
export function AdminLogin({ reason }: { reason?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecking(true);
    setError(undefined);
    try {
      await request('/api/keys', { token: key.trim() });
      setAdminKey(key.trim());
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? 'That key was refused.' : (failure as Error).message);
    } finally {
      setChecking(false);
    }
  };

  return (
    <form className="panel login" onSubmit={submit} aria-labelledby="admin-login-title">
      <h2 id="admin-login-title">Admin sign-in</h2>
      <p className="muted">
        {reason ?? 'Deployments, keys and usage need the admin key.'} <code>devup serve</code> prints it on first start and saves it as{' '}
        <code>admin.key</code> in the data directory. It is kept in this browser tab only.
      </p>
      <label htmlFor="admin-key">Admin key</label>
      <div className="row">
        <input
          id="admin-key"
          type="password"
          autoComplete="current-password"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          required
        />
        <button className="button button-primary" type="submit" disabled={checking || !key.trim()}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
