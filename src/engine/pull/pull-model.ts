import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DevupError } from '../../errors.js';
import { readGgufHeader } from '../gguf/gguf-header.js';
import { describeGguf, type GgufModelInfo } from '../gguf/gguf-model-info.js';
import { downloadToPart, type DownloadProgress } from './download-to-part.js';
import { parsePullSource } from './pull-source.js';

export interface PullOptions {
  /** Where models live: `<dataDir>/models`. */
  modelsDir: string;
  hubUrl: string;
  /** Expected SHA-256 (hex); else the hub's LFS oid when it gives one. */
  sha256?: string;
  /** Attempts for a download whose connection drops (each resumes where the last stopped). */
  attempts?: number;
  signal?: AbortSignal;
  onProgress?(progress: DownloadProgress): void;
  onLog?(message: string): void;
}

export interface PulledModel {
  path: string;
  bytes: number;
  sha256: string;
  /** Whether the SHA-256 was checked against an expected value (hub LFS oid or --sha256). */
  verified: boolean;
  info: GgufModelInfo;
}

/**
 * `devup pull`: brings a GGUF file into the models folder — from the hub (resumable download to
 * `NAME.part`, retried on dropped connections) or a local path (copied, offline). The file only
 * gets its final name after its SHA-256 matched and its GGUF header proved it complete; a file
 * that is not GGUF or has the wrong hash is deleted, a short one is kept as `.part` to resume.
 *
 * @example await pullModel('ggml-org/models/tinyllamas/stories260K.gguf', { modelsDir, hubUrl: config.hubUrl })
 */
export async function pullModel(source: string, options: PullOptions): Promise<PulledModel> {
  const parsed = parsePullSource(source, options.hubUrl);
  fs.mkdirSync(options.modelsDir, { recursive: true });
  const target = path.join(options.modelsDir, parsed.fileName);
  const partPath = `${target}.part`;
  let expected = options.sha256?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected))
    throw new DevupError('invalid_request', '--sha256 must be 64 hex digits', { param: 'sha256' });

  if (parsed.kind === 'local') {
    if (path.resolve(parsed.path) === target) return verify(target, target, expected);
    await pipeline(fs.createReadStream(parsed.path), fs.createWriteStream(partPath));
  } else {
    const attempts = options.attempts ?? 5;
    let totalBytes: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await downloadToPart(parsed.url, partPath, { signal: options.signal, onProgress: options.onProgress });
        expected ??= result.hubSha256;
        totalBytes = result.totalBytes;
        break;
      } catch (error) {
        if (options.signal?.aborted || attempt >= attempts || !isInterruption(error)) throw error;
        options.onLog?.(`${(error as Error).message}; retrying (${attempt + 1}/${attempts})`);
      }
    }
    const size = fs.statSync(partPath).size;
    if (totalBytes !== undefined && size < totalBytes) {
      throw new DevupError(
        'invalid_request',
        `${parsed.fileName} is truncated: ${size} of ${totalBytes} bytes arrived; run pull again to resume`,
      );
    }
  }
  return verify(partPath, target, expected);
}

async function verify(file: string, target: string, expected: string | undefined): Promise<PulledModel> {
  const sha256 = await sha256Of(file);
  const refuse = (message: string, cause?: unknown) => {
    if (file !== target) fs.rmSync(file, { force: true });
    return new DevupError('invalid_request', message, { cause });
  };
  if (expected && sha256 !== expected)
    throw refuse(`${path.basename(target)} has SHA-256 ${sha256}, expected ${expected}; the file was deleted`);
  let info: GgufModelInfo;
  try {
    info = describeGguf(readGgufHeader(file), target);
  } catch (error) {
    // A hash that matched means the source itself is bad; keep nothing either way.
    throw refuse(`${path.basename(target)} was refused: ${(error as Error).message}`, error);
  }
  if (file !== target) fs.renameSync(file, target);
  return { path: target, bytes: fs.statSync(target).size, sha256, verified: expected !== undefined, info };
}

function isInterruption(error: unknown): boolean {
  return DevupError.isInstance(error) && error.message.startsWith('download interrupted');
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
