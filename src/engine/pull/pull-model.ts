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
  /** `Bearer <HF_TOKEN>` for the hub (gated repos); never sent to the CDN it redirects to. */
  authorization?: string;
  /** No data this long counts as a dropped connection (retried, resumed); default 60 s. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes of the whole pull (every file of a split set together). */
  onProgress?(progress: DownloadProgress): void;
  onLog?(message: string): void;
}

export interface PulledModel {
  /** The file to load: a split set's first part, which llama.cpp opens the others from. */
  path: string;
  bytes: number;
  sha256: string;
  /** Whether the SHA-256 was checked against an expected value (hub LFS oid or --sha256). */
  verified: boolean;
  info: GgufModelInfo;
  /** Every file pulled, in order (one, or each part of a split set). */
  files: Array<{ path: string; bytes: number; sha256: string; verified: boolean }>;
}

/** One file of a hub pull: where it downloads from, its name in the models folder, its LFS SHA-256. */
export interface PullFile {
  url: string;
  fileName: string;
  sha256?: string;
  /** Size from the hub's file list, so progress can show the whole set's total. */
  bytes?: number;
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
  if (parsed.kind === 'hub') return pullFiles([{ url: parsed.url, fileName: parsed.fileName, sha256: options.sha256 }], options);
  fs.mkdirSync(options.modelsDir, { recursive: true });
  const target = path.join(options.modelsDir, parsed.fileName);
  const expected = expectedSha256(options.sha256);
  if (path.resolve(parsed.path) !== target) await pipeline(fs.createReadStream(parsed.path), fs.createWriteStream(`${target}.part`));
  const pulled = await verify(path.resolve(parsed.path) === target ? target : `${target}.part`, target, expected);
  return { ...pulled, files: [{ path: pulled.path, bytes: pulled.bytes, sha256: pulled.sha256, verified: pulled.verified }] };
}

/** Pulls under way in this process, by the path of their first file. */
const pullsUnderWay = new Map<string, Promise<unknown>>();

/**
 * Pulls files from the hub into the models folder, one after the other (a split GGUF set keeps
 * its `-0000N-of-0000M` names, so llama.cpp finds the other parts next to the first), each
 * resumed on dropped connections and checked like `pullModel`'s. A file already there with the
 * expected SHA-256 is kept, not downloaded again. Two pulls of the same files in one process run
 * one after the other (the second keeps what the first verified). Answers the first file.
 */
export async function pullFiles(files: PullFile[], options: PullOptions): Promise<PulledModel> {
  const key = path.join(options.modelsDir, files[0].fileName);
  const earlier = pullsUnderWay.get(key);
  if (earlier) options.onLog?.(`waiting for the pull of ${files[0].fileName} already under way`);
  const pull = (earlier ?? Promise.resolve()).catch(() => undefined).then(() => pullFilesNow(files, options));
  pullsUnderWay.set(key, pull);
  try {
    return await pull;
  } finally {
    if (pullsUnderWay.get(key) === pull) pullsUnderWay.delete(key);
  }
}

async function pullFilesNow(files: PullFile[], options: PullOptions): Promise<PulledModel> {
  fs.mkdirSync(options.modelsDir, { recursive: true });
  const pulled: Array<Omit<PulledModel, 'files'>> = [];
  const listedBytes = files.every((file) => file.bytes !== undefined) ? files.reduce((sum, file) => sum + file.bytes!, 0) : undefined;
  let doneBytes = 0;
  for (const file of files) {
    const target = path.join(options.modelsDir, file.fileName);
    const partPath = `${target}.part`;
    let expected = expectedSha256(file.sha256);
    const kept = expected ? await keptFile(target, file.bytes, expected) : undefined;
    if (kept) {
      options.onLog?.(`${file.fileName} is already in ${options.modelsDir} with the expected SHA-256; kept`);
      pulled.push(kept);
      doneBytes += kept.bytes;
      options.onProgress?.({ receivedBytes: doneBytes, totalBytes: listedBytes ?? (files.length === 1 ? kept.bytes : undefined) });
      continue;
    }
    const attempts = options.attempts ?? 5;
    let totalBytes: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await downloadToPart(file.url, partPath, {
          signal: options.signal,
          authorization: options.authorization,
          idleTimeoutMs: options.idleTimeoutMs,
          onProgress: (progress) =>
            options.onProgress?.({
              receivedBytes: doneBytes + progress.receivedBytes,
              totalBytes: listedBytes ?? (files.length === 1 ? progress.totalBytes : undefined),
            }),
        });
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
        `${file.fileName} is truncated: ${size} of ${totalBytes} bytes arrived; run pull again to resume`,
      );
    }
    pulled.push(await verify(partPath, target, expected));
    doneBytes += size;
  }
  const [first] = pulled;
  return { ...first, files: pulled.map(({ path: filePath, bytes, sha256, verified }) => ({ path: filePath, bytes, sha256, verified })) };
}

function expectedSha256(sha256: string | undefined): string | undefined {
  const expected = sha256?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected))
    throw new DevupError('invalid_request', '--sha256 must be 64 hex digits', { param: 'sha256' });
  return expected;
}

/** A file already at its final name whose size and SHA-256 are the expected ones (and whose header reads), else undefined. */
async function keptFile(target: string, bytes: number | undefined, expected: string): Promise<Omit<PulledModel, 'files'> | undefined> {
  if (!fs.existsSync(target) || (bytes !== undefined && fs.statSync(target).size !== bytes)) return undefined;
  if ((await sha256Of(target)) !== expected) return undefined;
  return verify(target, target, expected, expected);
}

async function verify(
  file: string,
  target: string,
  expected: string | undefined,
  /** The file's SHA-256 when it was already computed. */
  computedSha256?: string,
): Promise<Omit<PulledModel, 'files'>> {
  const sha256 = computedSha256 ?? (await sha256Of(file));
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
