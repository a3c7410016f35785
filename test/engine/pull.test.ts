import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DevupError } from '../../src/errors.js';
import { ProgressReporter } from '../../src/cli/progress-reporter.js';
import { pullModel } from '../../src/engine/pull/pull-model.js';
import { startHubPeer, type HubPeer } from '../support/upstreams/hub-peer.js';
import { storiesPath } from '../support/fixtures.js';

const stories = fs.readFileSync(storiesPath);
const storiesSha = crypto.createHash('sha256').update(stories).digest('hex');
let hub: HubPeer;
let modelsDir: string;

beforeAll(async () => {
  hub = await startHubPeer({
    repos: {
      'ggml-org/models': {
        files: {
          'tinyllamas/stories260K.gguf': { bytes: stories, interruptFirstAfter: 300_000 },
          'plain/stories260K.gguf': { bytes: stories, lfs: false },
          'stalling/stories260K.gguf': { bytes: stories, stallFirstAfter: 400_000 },
        },
      },
      'someone/broken': {
        files: {
          'notes.gguf': { bytes: Buffer.from('these are notes, not a model\n'.repeat(100)), lfs: false },
          'short.gguf': { bytes: stories.subarray(0, 600_000), lfs: false },
          'lying.gguf': { bytes: stories, announcedSha256: '0'.repeat(64) },
        },
      },
    },
  });
});
afterAll(() => hub.close());
afterEach(() => fs.rmSync(modelsDir, { recursive: true, force: true }));

function freshModelsDir(): string {
  modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-models-'));
  return modelsDir;
}

async function refusal(promise: Promise<unknown>): Promise<DevupError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DevupError);
  return error as DevupError;
}

describe('devup pull', () => {
  it('resumes an interrupted download with Range and checks the hub’s SHA-256', async () => {
    const dir = freshModelsDir();
    const progress: number[] = [];
    const logs: string[] = [];
    const pulled = await pullModel('ggml-org/models/tinyllamas/stories260K.gguf', {
      modelsDir: dir,
      hubUrl: hub.url,
      onProgress: ({ receivedBytes }) => progress.push(receivedBytes),
      onLog: (message) => logs.push(message),
    });
    const ranges = hub.requests.filter((request) => request.cdn).map((request) => request.range);
    expect(ranges.slice(-2)[0]).toBe('');
    expect(ranges.slice(-1)[0]).toMatch(/^bytes=(\d+)-$/);
    const resumedAt = Number(/bytes=(\d+)-/.exec(ranges.slice(-1)[0])![1]);
    expect(resumedAt).toBeGreaterThanOrEqual(300_000);
    expect(logs.join('\n')).toMatch(/interrupted after \d+ bytes.*retrying/);
    expect(progress.at(-1)).toBe(stories.length);
    expect(pulled).toMatchObject({ path: path.join(dir, 'stories260K.gguf'), bytes: stories.length, sha256: storiesSha, verified: true });
    expect(pulled.info.architecture).toBe('llama');
    expect(fs.readdirSync(dir)).toEqual(['stories260K.gguf']);
    expect(crypto.createHash('sha256').update(fs.readFileSync(pulled.path)).digest('hex')).toBe(storiesSha);
  });

  it('resumes a download whose server goes silent, once no data came for the idle timeout', async () => {
    const dir = freshModelsDir();
    const logs: string[] = [];
    const pulled = await pullModel('ggml-org/models/stalling/stories260K.gguf', {
      modelsDir: dir,
      hubUrl: hub.url,
      idleTimeoutMs: 500,
      onLog: (message) => logs.push(message),
    });
    expect(logs.join('\n')).toMatch(/interrupted after \d+ bytes \(no data for 0\.5 s\).*retrying/);
    const ranges = hub.requests.filter((request) => request.cdn && request.url.includes('stalling')).map((request) => request.range);
    expect(ranges[0]).toBe('');
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(pulled).toMatchObject({ sha256: storiesSha, verified: true, bytes: stories.length });
  });

  it('checks --sha256 when the hub gives no checksum, and refuses a mismatch', async () => {
    const dir = freshModelsDir();
    const pulled = await pullModel('ggml-org/models/plain/stories260K.gguf', { modelsDir: dir, hubUrl: hub.url, sha256: storiesSha });
    expect(pulled.verified).toBe(true);
    fs.rmSync(pulled.path);
    const wrong = await refusal(
      pullModel('ggml-org/models/plain/stories260K.gguf', { modelsDir: dir, hubUrl: hub.url, sha256: 'a'.repeat(64) }),
    );
    expect(wrong.message).toMatch(/expected a{64}/);
    const lying = await refusal(pullModel('someone/broken/lying.gguf', { modelsDir: dir, hubUrl: hub.url }));
    expect(lying.message).toMatch(/expected 0{64}/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a download that is not GGUF or is truncated, leaving no model behind', async () => {
    const dir = freshModelsDir();
    expect((await refusal(pullModel('someone/broken/notes.gguf', { modelsDir: dir, hubUrl: hub.url }))).message).toMatch(/not a GGUF file/);
    expect((await refusal(pullModel('someone/broken/short.gguf', { modelsDir: dir, hubUrl: hub.url }))).message).toMatch(/truncated/);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.gguf'))).toEqual([]);
    expect((await refusal(pullModel('someone/broken/missing.gguf', { modelsDir: dir, hubUrl: hub.url }))).message).toMatch(/HTTP 404/);
  });

  it('copies a local file offline and verifies it', async () => {
    const dir = freshModelsDir();
    const pulled = await pullModel(storiesPath, { modelsDir: dir, hubUrl: 'http://127.0.0.1:9', sha256: storiesSha });
    expect(pulled).toMatchObject({ path: path.join(dir, 'stories260K.gguf'), sha256: storiesSha, verified: true });
    const notGguf = path.join(dir, 'readme.gguf');
    fs.writeFileSync(notGguf, 'hello');
    expect((await refusal(pullModel(notGguf, { modelsDir: dir, hubUrl: 'http://127.0.0.1:9' }))).message).toMatch(/not a GGUF file/);
    expect((await refusal(pullModel('not/a-model.bin', { modelsDir: dir, hubUrl: hub.url }))).message).toMatch(/neither a local file nor/);
  });

  it('prints plain progress lines every 10% when not on a terminal', () => {
    const lines: string[] = [];
    let now = 0;
    const reporter = new ProgressReporter({ write: (text) => lines.push(text), isTTY: false }, () => now);
    for (let received = 0; received <= 1_000_000; received += 50_000) {
      now += 100;
      reporter.update({ receivedBytes: received, totalBytes: 1_000_000 });
    }
    expect(lines).toHaveLength(11);
    expect(lines[5]).toMatch(/^ 50%  500\.0 KB \/ 1\.0 MB  .*\/s  ETA \d+s\n$/);
    expect(lines.at(-1)).toMatch(/^100%/);
  });
});
