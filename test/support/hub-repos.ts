import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir, referenceDir, storiesPath } from './fixtures.js';
import { quantizeQ8_0, splitGguf } from './gguf-variants.js';
import type { HubPeerRepo } from './upstreams/hub-peer.js';

const reference = (file: string) => fs.readFileSync(path.join(referenceDir, 'configs', file));
/** Genuine hub files (test/fixtures/hub/SOURCES.md). */
const hubFile = (repo: string, file: string) => ({ bytes: fs.readFileSync(path.join(fixturesDir, 'hub', repo.replace('/', '__'), file)) });

export const stories = fs.readFileSync(storiesPath);
/** stories260K quantized to Q8_0 and split in two, as llama-quantize and llama-gguf-split write them. */
export const storiesQ8Parts = splitGguf(quantizeQ8_0(stories), 2);

export const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/**
 * A checkpoint's safetensors files listed (size and SHA-256) but not served: the import only reads
 * the file list. The sizes are stand-ins (the BF16 weights of `parameters`, split evenly); the
 * config beside them is genuine.
 */
function listedCheckpoint(parameters: number, parts: number): Record<string, { listed: { size: number; sha256: string } }> {
  return Object.fromEntries(
    Array.from({ length: parts }, (_, index) => {
      const name = `model-${String(index + 1).padStart(5, '0')}-of-${String(parts).padStart(5, '0')}.safetensors`;
      return [name, { listed: { size: Math.ceil((parameters * 2) / parts), sha256: sha256(Buffer.from(name)) } }];
    }),
  );
}

/**
 * The repos the hub test peer serves: genuine model cards and `config.json` files (test/fixtures/hub,
 * test/fixtures/reference), the genuine stories260K GGUF with its Q8_0 split set, a gated repo, and broken ones.
 */
export function hubRepos(): Record<string, HubPeerRepo> {
  return {
    'Qwen/Qwen2.5-72B-Instruct': {
      files: { 'config.json': { bytes: reference('Qwen2.5-72B-Instruct.json') }, ...listedCheckpoint(72_706_203_648, 4) },
      createdAt: '2024-09-16T11:55:40.000Z',
    },
    'deepseek-ai/DeepSeek-V2-Lite': { files: { 'config.json': { bytes: reference('DeepSeek-V2-Lite.json') } } },
    'mistralai/Mixtral-8x7B-Instruct-v0.1': {
      files: {
        'README.md': hubFile('mistralai/Mixtral-8x7B-Instruct-v0.1', 'README.md'),
        'config.json': hubFile('mistralai/Mixtral-8x7B-Instruct-v0.1', 'config.json'),
      },
    },
    'microsoft/phi-4': {
      files: { 'README.md': hubFile('microsoft/phi-4', 'README.md'), 'config.json': hubFile('microsoft/phi-4', 'config.json') },
    },
    'HuggingFaceH4/zephyr-7b-beta': { files: { 'README.md': hubFile('HuggingFaceH4/zephyr-7b-beta', 'README.md') } },
    'stabilityai/stable-code-3b': { files: { 'README.md': hubFile('stabilityai/stable-code-3b', 'README.md') } },
    'ggml-org/stories260K-GGUF': {
      files: {
        'stories260K-F32.gguf': { bytes: stories },
        'stories260K-Q8_0-00001-of-00002.gguf': { bytes: storiesQ8Parts[0] },
        'stories260K-Q8_0-00002-of-00002.gguf': { bytes: storiesQ8Parts[1] },
      },
    },
    'meta-llama/Llama-3.1-8B-Instruct': { files: { 'config.json': { bytes: reference('Llama-3.1-8B-Instruct.json') } }, gated: true },
    'someone/broken-card': {
      files: {
        'README.md': { bytes: Buffer.from('---\nlicense: [mit\ntags: text-generation\n---\n# Broken\n') },
        'config.json': { bytes: reference('gpt-oss-20b.json') },
      },
    },
    'someone/broken-config': { files: { 'config.json': { bytes: reference('gpt-oss-20b.json').subarray(0, 300) } } },
    'someone/stalled': { files: { 'config.json': { bytes: reference('gpt-oss-20b.json') } }, stallInfo: true },
    'someone/stalled-config': { files: { 'config.json': { bytes: reference('gpt-oss-20b.json'), stall: true } } },
  };
}
