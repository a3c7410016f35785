import type { ModelImport } from '../model-input.js';
import type { GgufHeader } from '../../engine/gguf/gguf-header.js';
import { readGgufSetHeader } from '../../engine/gguf/gguf-split.js';
import { describeGguf, ggufMetadataMap, type GgufModelInfo } from '../../engine/gguf/gguf-model-info.js';

export interface GgufImport {
  model: ModelImport;
  info: GgufModelInfo;
  /** The header's metadata, flat (arrays as lengths): the planner's input. */
  metadata: Record<string, string | number | boolean>;
}

/**
 * GGUF header → library model import: name, parameter count, trained context length, and in
 * `spec` the quantization, layer/head/KV-head counts, vocabulary size, chat template and the whole
 * metadata map for the planner (a split set's first part stands for the set). Only the header is read, never the weights; a file that is not
 * GGUF or is truncated throws DevupError('invalid_request').
 *
 * @example importGguf('/models/stories260K.gguf').model // { id: 'stories260k', totalParams: 292800, … }
 */
export function importGguf(filePath: string, options: { id?: string } = {}): GgufImport {
  return importGgufHeader(readGgufSetHeader(filePath), filePath, { ...options, source: `GGUF header of ${filePath}` });
}

/** The same for a header read elsewhere (the start of a file on the hub); `location` names the file. */
export function importGgufHeader(header: GgufHeader, location: string, options: { id?: string; source: string }): GgufImport {
  const info = describeGguf(header, location);
  const metadata = ggufMetadataMap(header);
  const publisher = [metadata['general.organization'], metadata['general.author']].find(
    (value) => typeof value === 'string' && value !== '',
  );
  const license = metadata['general.license'];
  const model: ModelImport = {
    id: options.id ?? modelIdFor(info.name),
    name: info.name,
    ...(typeof publisher === 'string' ? { publisher } : {}),
    ...(typeof license === 'string' && license !== '' ? { license } : {}),
    architecture: info.expertCount && info.expertCount > 1 ? 'MoE' : 'Dense',
    totalParams: info.parameterCount > 0 ? info.parameterCount : null,
    contextLength: info.contextLength,
    openWeights: true,
    tags: ['gguf', info.quantization.toLowerCase()],
    spec: {
      format: 'gguf',
      ggufArchitecture: info.architecture,
      quantization: info.quantization,
      layers: info.layers,
      heads: info.heads,
      kvHeads: info.kvHeads,
      embeddingLength: info.embeddingLength,
      vocabularySize: info.vocabularySize,
      experts: info.expertCount,
      chatTemplate: info.chatTemplate,
      fileBytes: info.fileBytes,
      ggufMetadata: metadata,
    },
    source: options.source,
  };
  return { model, info, metadata };
}

/** "Stories 260K" → "stories-260k": a library id (lowercase slug) from a model name. */
export function modelIdFor(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 128);
  return slug || 'gguf-model';
}
