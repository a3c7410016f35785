import path from 'node:path';
import { elementCount, tensorBytes, type GgufHeader, type GgufValue } from './gguf-header.js';
import { fileTypes, ggmlTypes } from './gguf-types.js';

/** What a GGUF header says about its model, in library terms. */
export interface GgufModelInfo {
  /** `general.name`, else (or when it is just the architecture id) the file name without `.gguf`. */
  name: string;
  /** llama.cpp architecture id (`llama`, `qwen2`, `deepseek2`…). */
  architecture: string;
  parameterCount: number;
  /** `general.file_type` label (Q4_K_M…), else the type holding most tensor bytes. */
  quantization: string;
  contextLength: number | null;
  layers: number | null;
  heads: number | null;
  kvHeads: number | null;
  embeddingLength: number | null;
  vocabularySize: number | null;
  expertCount: number | null;
  chatTemplate: string | null;
  fileBytes: number;
}

/**
 * Summarises a header for the library.
 *
 * @example
 *   describeGguf(await readGgufHeader(file), file) // { architecture: 'llama', parameterCount: 292_928, quantization: 'F32', … }
 */
export function describeGguf(header: GgufHeader, filePath: string): GgufModelInfo {
  const metadata = header.metadata;
  const architecture = stringValue(metadata['general.architecture']) ?? 'unknown';
  const perArchitecture = (key: string) => numberValue(metadata[`${architecture}.${key}`]);
  const heads = perArchitecture('attention.head_count');
  // Converters often write the architecture id as the name ("llama"); the file name says more then.
  const generalName = stringValue(metadata['general.name']);
  return {
    name: generalName && generalName !== architecture ? generalName : path.basename(filePath).replace(/\.gguf$/i, ''),
    architecture,
    parameterCount: header.tensors.reduce((sum, tensor) => sum + elementCount(tensor), 0),
    quantization: quantization(header),
    contextLength: perArchitecture('context_length'),
    layers: perArchitecture('block_count'),
    heads,
    kvHeads: perArchitecture('attention.head_count_kv') ?? heads,
    embeddingLength: perArchitecture('embedding_length'),
    vocabularySize: perArchitecture('vocab_size') ?? arrayLength(metadata['tokenizer.ggml.tokens']),
    expertCount: perArchitecture('expert_count'),
    chatTemplate: stringValue(metadata['tokenizer.chat_template']),
    fileBytes: header.fileBytes,
  };
}

/**
 * The header's metadata as a flat key → scalar map for the planner: arrays (the vocabulary,
 * merges) become their length, so the map stays small.
 */
export function ggufMetadataMap(header: GgufHeader): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(header.metadata).map(([key, value]) => [
      key,
      Array.isArray(value) || typeof value === 'object' ? (arrayLength(value) ?? 0) : value,
    ]),
  );
}

function quantization(header: GgufHeader): string {
  const fileType = numberValue(header.metadata['general.file_type']);
  if (fileType !== null && fileTypes[fileType]) return fileTypes[fileType];
  const bytesByType = new Map<number, number>();
  for (const tensor of header.tensors) bytesByType.set(tensor.ggmlType, (bytesByType.get(tensor.ggmlType) ?? 0) + tensorBytes(tensor));
  const [dominant] = [...bytesByType.entries()].sort((left, right) => right[1] - left[1]);
  return dominant ? (ggmlTypes[dominant[0]]?.[0] ?? `type ${dominant[0]}`) : 'unknown';
}

function stringValue(value: GgufValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function numberValue(value: GgufValue | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

function arrayLength(value: GgufValue | undefined): number | null {
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') return value.arrayLength;
  return null;
}
