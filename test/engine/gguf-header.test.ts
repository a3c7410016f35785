import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DevupError } from '../../src/errors.js';
import { readGgufHeader } from '../../src/engine/gguf/gguf-header.js';
import { describeGguf, ggufMetadataMap } from '../../src/engine/gguf/gguf-model-info.js';
import { writeGguf } from './support/gguf-writer.js';
import { storiesPath } from '../support/fixtures.js';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-gguf-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const target = path.join(directory, name);
  fs.writeFileSync(target, bytes);
  return target;
}

function refusal(filePath: string): DevupError {
  let error: unknown;
  try {
    readGgufHeader(filePath);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(DevupError);
  expect((error as DevupError).code).toBe('invalid_request');
  return error as DevupError;
}

describe('GGUF header reader', () => {
  it('reads every metadata type, arrays and tensor shapes of a written v2 and v3 file', async () => {
    for (const version of [2, 3]) {
      const written = writeGguf({
        version,
        metadata: {
          'general.architecture': { type: 'string', value: 'qwen2' },
          'general.name': { type: 'string', value: 'Tiny Qwen' },
          'general.file_type': { type: 'uint32', value: 15 },
          'qwen2.context_length': { type: 'uint32', value: 32768 },
          'qwen2.block_count': { type: 'uint64', value: 2 },
          'qwen2.attention.head_count': { type: 'int32', value: 4 },
          'qwen2.rope.freq_base': { type: 'float32', value: 1_000_000 },
          'tokenizer.ggml.add_bos_token': { type: 'bool', value: false },
          'tokenizer.ggml.tokens': { type: 'strings', value: ['<s>', 'a', 'ü'] },
          'tokenizer.ggml.token_type': { type: 'int32s', value: [3, 1, -1] },
          'tokenizer.chat_template': { type: 'string', value: '{% for m in messages %}{{ m.content }}{% endfor %}' },
        },
        tensors: [
          { name: 'token_embd.weight', dimensions: [8, 3] },
          { name: 'output_norm.weight', dimensions: [8] },
        ],
      });
      const target = file(`written-v${version}.gguf`, written);
      const header = readGgufHeader(target);
      expect(header.version).toBe(version);
      expect(header.tensorCount).toBe(2);
      expect(header.metadata['tokenizer.ggml.tokens']).toEqual(['<s>', 'a', 'ü']);
      expect(header.metadata['tokenizer.ggml.token_type']).toEqual([3, 1, -1]);
      expect(header.metadata['tokenizer.ggml.add_bos_token']).toBe(false);
      expect(header.metadata['qwen2.rope.freq_base']).toBe(1_000_000);
      expect(header.tensors.map((tensor) => tensor.dimensions)).toEqual([[8, 3], [8]]);
      expect(header.expectedBytes).toBe(written.length);

      const info = describeGguf(header, target);
      expect(info).toMatchObject({
        name: 'Tiny Qwen',
        architecture: 'qwen2',
        parameterCount: 8 * 3 + 8,
        quantization: 'Q4_K_M',
        contextLength: 32768,
        layers: 2,
        heads: 4,
        kvHeads: 4,
        vocabularySize: 3,
        chatTemplate: '{% for m in messages %}{{ m.content }}{% endfor %}',
      });
      expect(ggufMetadataMap(header)['tokenizer.ggml.tokens']).toBe(3);
    }
  });

  it('summarises long arrays by their length instead of holding them', async () => {
    const tokens = Array.from({ length: 300 }, (_, index) => `t${index}`);
    const target = file('long.gguf', writeGguf({ metadata: { 'tokenizer.ggml.tokens': { type: 'strings', value: tokens } }, tensors: [] }));
    const header = readGgufHeader(target, { maxArrayItems: 100 });
    expect(header.metadata['tokenizer.ggml.tokens']).toEqual({ arrayLength: 300, elementType: 8 });
  });

  it('reads the stories260K header without its weights', async () => {
    const header = readGgufHeader(storiesPath);
    const info = describeGguf(header, storiesPath);
    expect(header.fileBytes).toBe(fs.statSync(storiesPath).size);
    expect(header.expectedBytes).toBe(header.fileBytes);
    expect(header.dataOffset).toBeLessThan(header.fileBytes / 10);
    expect(info).toMatchObject({
      name: 'stories260K',
      architecture: 'llama',
      quantization: 'F32',
      layers: 5,
      heads: 8,
      kvHeads: 4,
      vocabularySize: 512,
      chatTemplate: null,
    });
    // Parameters are counted from tensor shapes: about the 260K of the name.
    expect(info.parameterCount).toBeGreaterThan(250_000);
    expect(info.parameterCount).toBeLessThan(300_000);
  });

  it('refuses a file that is not GGUF, one cut inside its header and one cut inside its weights', async () => {
    const stories = fs.readFileSync(storiesPath);
    expect(refusal(file('text.gguf', Buffer.from('hello, this is not a model'))).message).toMatch(/not a GGUF file/);
    expect(refusal(file('random.gguf', crypto.randomBytes(4096))).message).toMatch(/not a GGUF file/);
    expect(refusal(file('cut-header.gguf', stories.subarray(0, 2000))).message).toMatch(/truncated.*inside the GGUF header/);
    expect(refusal(file('cut-weights.gguf', stories.subarray(0, stories.length - 1000))).message).toMatch(/truncated: 1184376 bytes/);
    expect(refusal(path.join(directory, 'missing.gguf')).message).toMatch(/cannot open.*ENOENT/);
  });

  it('refuses an unsupported version and a corrupt count', async () => {
    const version1 = writeGguf({ metadata: {}, tensors: [] });
    version1.writeUInt32LE(1, 4);
    expect(refusal(file('v1.gguf', version1)).message).toMatch(/version 1/);
    const corrupt = writeGguf({ metadata: {}, tensors: [] });
    corrupt.writeBigUInt64LE(1n << 40n, 16);
    expect(refusal(file('corrupt.gguf', corrupt)).message).toMatch(/corrupt/);
  });
});
