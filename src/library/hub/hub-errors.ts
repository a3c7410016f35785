import { DevupError } from '../../errors.js';
import { hubPageUrl } from './hub-reference.js';

/** What a hub request was for, to name it in errors: the repo, and the file when there is one. */
export interface HubTarget {
  repo: string;
  revision: string;
  /** `config.json`, `README.md`…; absent for the model API and the file list. */
  file?: string;
}

export function describeTarget(target: HubTarget): string {
  return target.file ? `${target.file} of ${target.repo}@${target.revision}` : `${target.repo}@${target.revision}`;
}

/**
 * Turns a hub answer that is not a success into a DevupError naming the repo and file. The hub says
 * what went wrong in `x-error-code` (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo) and
 * `x-error-message`, as `huggingface_hub` reads them; an anonymous request for a missing or private
 * repo is a 401 with RepoNotFound.
 */
export function hubResponseError(response: Response, target: HubTarget, hasToken: boolean): DevupError {
  const code = response.headers.get('x-error-code');
  const message = response.headers.get('x-error-message');
  const what = describeTarget(target);
  if (code === 'GatedRepo') {
    return new DevupError(
      'permission_denied',
      hasToken
        ? `${target.repo} is a gated repo and HF_TOKEN has no access to ${what}: accept its terms at ${hubPageUrl(target.repo)} with the token's account`
        : `${target.repo} is a gated repo: set HF_TOKEN to a Hugging Face token of an account that accepted its terms at ${hubPageUrl(target.repo)} to read ${what}`,
      { param: 'repo' },
    );
  }
  if (code === 'RepoNotFound') {
    return new DevupError(
      'not_found',
      `Hugging Face repo '${target.repo}' does not exist${hasToken ? '' : ' (or it is private: set HF_TOKEN to a token that can read it)'}`,
      { param: 'repo' },
    );
  }
  if (code === 'RevisionNotFound') {
    return new DevupError('not_found', `revision '${target.revision}' of ${target.repo} does not exist`, { param: 'revision' });
  }
  if (code === 'EntryNotFound' || (response.status === 404 && target.file)) {
    return new DevupError('not_found', `${target.repo}@${target.revision} has no file '${target.file ?? '?'}'`, { param: 'repo' });
  }
  if (response.status === 404) return new DevupError('not_found', `Hugging Face repo '${target.repo}' does not exist`, { param: 'repo' });
  if (response.status === 401 || response.status === 403) {
    return new DevupError(
      'permission_denied',
      `the hub refused to serve ${what} (HTTP ${response.status}${message ? `: ${message}` : ''})${hasToken ? '; check HF_TOKEN' : '; set HF_TOKEN if it is private or gated'}`,
      { param: 'repo' },
    );
  }
  return new DevupError('upstream_error', `the hub answered HTTP ${response.status} for ${what}${message ? `: ${message}` : ''}`);
}

/** A request that failed before an answer: a timeout, or the hub could not be reached. */
export function hubTransportError(error: unknown, target: HubTarget, timeoutMs: number): DevupError {
  if (DevupError.isInstance(error)) return error;
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new DevupError('upstream_timeout', `the hub did not answer within ${timeoutMs / 1000} s for ${describeTarget(target)}`, {
      cause: error,
    });
  }
  const reason = ((error as Error)?.cause as Error | undefined)?.message ?? (error as Error)?.message ?? String(error);
  return new DevupError('upstream_error', `cannot read ${describeTarget(target)} from the hub: ${reason}`, { cause: error });
}
