import fs from 'node:fs';
import path from 'node:path';
import { DevupError } from '../../errors.js';

export type PullSource =
  | { kind: 'hub'; repo: string; file: string; url: string; fileName: string }
  | { kind: 'local'; path: string; fileName: string };

const hubPattern = /^([\w.-]+\/[\w.-]+)\/(.+\.gguf)$/i;

/**
 * What `devup pull` was given: an existing local file (copied, works offline), or
 * `OWNER/REPO/PATH/FILE.gguf` on the Hugging Face hub (`{hubUrl}/{repo}/resolve/main/{file}`).
 *
 * @example parsePullSource('ggml-org/models/tinyllamas/stories260K.gguf', 'https://huggingface.co').url
 *   // 'https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf'
 */
export function parsePullSource(argument: string, hubUrl: string): PullSource {
  if (fs.existsSync(argument) && fs.statSync(argument).isFile()) {
    return { kind: 'local', path: path.resolve(argument), fileName: path.basename(argument) };
  }
  const match = hubPattern.exec(argument);
  if (!match) {
    throw new DevupError('invalid_request', `'${argument}' is neither a local file nor OWNER/REPO/FILE.gguf on the Hugging Face hub`, {
      param: 'source',
    });
  }
  const [, repo, file] = match;
  const encodedFile = file.split('/').map(encodeURIComponent).join('/');
  return { kind: 'hub', repo, file, url: `${hubUrl}/${repo}/resolve/main/${encodedFile}`, fileName: path.posix.basename(file) };
}
