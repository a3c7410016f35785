import fs from 'node:fs';
import { DevupError } from '../../errors.js';
import { readGgufHeader, type GgufHeader } from './gguf-header.js';

const firstPartPattern = /^(.*)-00001-of-(\d{5})\.gguf$/i;

/**
 * The header of a whole GGUF file set: a split set's first part (`NAME-00001-of-00003.gguf`, as
 * llama-gguf-split writes it) has every metadata key but only its share of the tensors, so the
 * other parts, which llama.cpp opens from the same folder by name, are read and joined; a missing
 * part throws. Any other file is read alone.
 *
 * @example readGgufSetHeader('/models/Qwen2.5-7B-Instruct-Q8_0-00001-of-00002.gguf').tensors.length // every tensor of the model
 */
export function readGgufSetHeader(filePath: string): GgufHeader {
  const first = readGgufHeader(filePath);
  const count = Number(first.metadata['split.count'] ?? 1);
  const match = firstPartPattern.exec(filePath);
  if (count <= 1 || !match) return first;
  const parts = [first];
  for (let part = 2; part <= count; part++) {
    const partPath = `${match[1]}-${String(part).padStart(5, '0')}-of-${match[2]}.gguf`;
    if (!fs.existsSync(partPath))
      throw new DevupError('invalid_request', `${filePath} is part 1 of ${count}; part ${part} (${partPath}) is missing`, {
        param: 'file',
      });
    parts.push(readGgufHeader(partPath));
  }
  return joinSplitHeaders(parts);
}

/** One header for a split set's parts (in order): the first part's metadata, every part's tensors and bytes. */
export function joinSplitHeaders(parts: GgufHeader[]): GgufHeader {
  const [first] = parts;
  return {
    ...first,
    tensorCount: parts.reduce((sum, header) => sum + header.tensorCount, 0),
    tensors: parts.flatMap((header) => header.tensors),
    expectedBytes: parts.reduce((sum, header) => sum + header.expectedBytes, 0),
    fileBytes: parts.reduce((sum, header) => sum + header.fileBytes, 0),
  };
}
