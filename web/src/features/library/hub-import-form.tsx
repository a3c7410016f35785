import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../../api/client.js';
import type { Model } from '../../api/types.js';
import { Link, navigate } from '../../router.js';

/** `OWNER/REPO[@REVISION]`, also as `hf:…` or a hub page URL. */
function readRepo(text: string): { repo: string; revision?: string } | undefined {
  const match = /^(?:hf:|https?:\/\/huggingface\.co\/)?([\w.-]+\/[\w.-]+)(?:@([\w./-]+))?\/?$/.exec(text.trim());
  return match ? { repo: match[1], ...(match[2] ? { revision: match[2] } : {}) } : undefined;
}

/**
 * "Import from Hugging Face": any hub repo by name through `POST /api/import` (card, config,
 * parameter counts, download variants), then its model page. The API's refusals (no such repo,
 * gated, the hub timing out, a card that does not parse) are shown as it words them.
 */
export function HubImportForm() {
  const [text, setText] = useState('');
  const [error, setError] = useState<ApiError | Error>();
  const [importing, setImporting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const reference = readRepo(text);
    if (!reference) return setError(new Error(`'${text.trim()}' is not a hub repository: write OWNER/REPO or OWNER/REPO@REVISION`));
    setImporting(true);
    try {
      const model = await request<Model>('/api/import', { method: 'POST', body: { kind: 'hf-repo', ...reference } });
      navigate(`/models/${encodeURIComponent(model.id)}`);
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setImporting(false);
    }
  };

  return (
    <form className="search hub-import" onSubmit={submit}>
      <label htmlFor="hub-import">Import from Hugging Face</label>
      <input
        id="hub-import"
        placeholder="OWNER/REPO or OWNER/REPO@REVISION"
        value={text}
        onChange={(event) => setText(event.target.value)}
        required
        spellCheck={false}
        autoCapitalize="off"
      />
      <button className="button" type="submit" disabled={importing}>
        {importing ? 'Importing…' : 'Import'}
      </button>
      {error && (
        <p className="notice notice-error" role="alert">
          <strong>Not imported:</strong> {error.message}
          {error instanceof ApiError && error.status === 401 && (
            <>
              {' '}
              <Link to="/keys">Sign in with the admin key</Link> to import.
            </>
          )}
        </p>
      )}
    </form>
  );
}
