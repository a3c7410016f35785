import { DevupError } from '../../errors.js';

/** A repository on the Hugging Face hub at a revision (branch, tag or commit). */
export interface HubReference {
  repo: string;
  revision: string;
}

const referencePattern = /^(?:hf:)?([\w.-]+\/[\w.-]+)(?:@([\w./-]+))?$/;

/**
 * Reads `hf:OWNER/REPO[@REVISION]` (the `hf:` prefix optional); the revision defaults to `main`.
 *
 * @example parseHubReference('hf:Qwen/Qwen2.5-7B-Instruct@v1.0') // { repo: 'Qwen/Qwen2.5-7B-Instruct', revision: 'v1.0' }
 */
export function parseHubReference(text: string, param = 'repo'): HubReference {
  const match = referencePattern.exec(text.trim());
  if (!match || match[1].includes('..') || match[2]?.includes('..')) {
    throw new DevupError('invalid_request', `'${text}' is not a hub repository: write hf:OWNER/REPO or hf:OWNER/REPO@REVISION`, { param });
  }
  return { repo: match[1], revision: match[2] ?? 'main' };
}

/** The repository's page on the public hub (links in cards point there, whichever mirror imported them). */
export function hubPageUrl(repo: string): string {
  return `https://huggingface.co/${repo}`;
}
