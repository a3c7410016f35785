import fs from 'node:fs';
import { DevupError } from '../../errors.js';
import { bufferReadAt, fileReadAt, GgufByteReader, GgufEndOfFile } from './gguf-byte-reader.js';
import { GgufValueType, ggmlTypes } from './gguf-types.js';

/** A metadata value; arrays longer than `maxArrayItems` are summarised by their length. */
export type GgufValue = number | boolean | string | GgufValue[] | GgufArraySummary;

export interface GgufArraySummary {
  arrayLength: number;
  elementType: number;
}

export interface GgufTensorInfo {
  name: string;
  dimensions: number[];
  ggmlType: number;
  /** Offset from the start of the data section. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  tensorCount: number;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Where the tensor data starts (after the header, aligned). */
  dataOffset: number;
  /** The size a complete file has: the end of its last tensor. */
  expectedBytes: number;
  fileBytes: number;
}

const magic = 0x46554747; // "GGUF" read as a little-endian uint32
const sanityLimit = 100_000_000;

/**
 * Reads a GGUF (v2/v3, little-endian) header without reading the weights, and checks the file is
 * complete. Synchronous (a header is kilobytes to a few megabytes) so specs can be checked where
 * they are parsed. A file that is not GGUF, is corrupt or truncated throws DevupError('invalid_request').
 *
 * @example
 *   const header = readGgufHeader('/models/stories260K.gguf');
 *   header.metadata['general.architecture'] // 'llama'
 */
export function readGgufHeader(filePath: string, options: { maxArrayItems?: number } = {}): GgufHeader {
  let descriptor;
  try {
    descriptor = fs.openSync(filePath, 'r');
  } catch (error) {
    throw new DevupError(
      'invalid_request',
      `cannot open ${filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        param: 'file',
        cause: error,
      },
    );
  }
  try {
    const fileBytes = fs.fstatSync(descriptor).size;
    const header = parse(new GgufByteReader(fileReadAt(descriptor)), fileBytes, options.maxArrayItems ?? 256);
    if (header.fileBytes < header.expectedBytes) {
      throw invalid(filePath, `is truncated: ${header.fileBytes} bytes, the header describes ${header.expectedBytes}`);
    }
    return header;
  } catch (error) {
    if (error instanceof GgufEndOfFile) throw invalid(filePath, `is truncated: it ends at byte ${error.position}, inside the GGUF header`);
    if (error instanceof GgufFormatError) throw invalid(filePath, error.message);
    throw error;
  } finally {
    fs.closeSync(descriptor);
  }
}

/**
 * Reads a GGUF header from the first bytes of a file of `fileBytes` (fetched with a Range request),
 * without the completeness check (the weights are not there). Answers undefined when the header
 * goes on past `start`: fetch more and try again. Anything not GGUF throws DevupError('invalid_request').
 *
 * @example readGgufHeaderStart(await hub.readRange(repo, file, 0, 2 ** 20 - 1), fileBytes, file)?.metadata['general.architecture']
 */
export function readGgufHeaderStart(
  start: Buffer,
  fileBytes: number,
  name: string,
  options: { maxArrayItems?: number } = {},
): GgufHeader | undefined {
  try {
    return parse(new GgufByteReader(bufferReadAt(start)), fileBytes, options.maxArrayItems ?? 256);
  } catch (error) {
    if (error instanceof GgufEndOfFile) {
      if (start.length < fileBytes) return undefined;
      throw invalid(name, `is truncated: it ends at byte ${error.position}, inside the GGUF header`);
    }
    if (error instanceof GgufFormatError) throw invalid(name, error.message);
    throw error;
  }
}

class GgufFormatError extends Error {}

function invalid(filePath: string, problem: string): DevupError {
  return new DevupError('invalid_request', `${filePath} ${problem}`, { param: 'file' });
}

function parse(reader: GgufByteReader, fileBytes: number, maxArrayItems: number): GgufHeader {
  if (fileBytes < 4) throw new GgufFormatError(`is not a GGUF file (${fileBytes} bytes)`);
  reader.need(4);
  if (reader.uint32() !== magic) throw new GgufFormatError('is not a GGUF file (no GGUF magic at its start)');
  reader.need(4);
  const version = reader.uint32();
  if (version !== 2 && version !== 3) throw new GgufFormatError(`has GGUF version ${version}; versions 2 and 3 are supported`);
  reader.need(16);
  const tensorCount = checkedCount(reader.uint64(), 'tensor count');
  const metadataCount = checkedCount(reader.uint64(), 'metadata count');

  const metadata: Record<string, GgufValue> = {};
  for (let index = 0; index < metadataCount; index++) {
    const key = readString(reader);
    reader.need(4);
    metadata[key] = readValue(reader, reader.uint32(), maxArrayItems);
  }

  const tensors: GgufTensorInfo[] = [];
  for (let index = 0; index < tensorCount; index++) {
    const name = readString(reader);
    reader.need(4);
    const dimensionCount = reader.uint32();
    if (dimensionCount > 8) throw new GgufFormatError(`is corrupt: tensor ${name} has ${dimensionCount} dimensions`);
    reader.need(dimensionCount * 8 + 12);
    const dimensions = Array.from({ length: dimensionCount }, () => reader.uint64());
    tensors.push({ name, dimensions, ggmlType: reader.uint32(), offset: reader.uint64() });
  }

  const alignment = typeof metadata['general.alignment'] === 'number' ? metadata['general.alignment'] : 32;
  const dataOffset = Math.ceil(reader.position / alignment) * alignment;
  const dataBytes = Math.max(0, ...tensors.map((tensor) => tensor.offset + tensorBytes(tensor)));
  return { version, tensorCount, metadata, tensors, dataOffset, expectedBytes: dataOffset + dataBytes, fileBytes };
}

/** Bytes of one tensor's data; 0 for a type this reader does not know (the check then trusts offsets). */
export function tensorBytes(tensor: GgufTensorInfo): number {
  const type = ggmlTypes[tensor.ggmlType];
  if (!type) return 0;
  const [, blockElements, blockBytes] = type;
  return (elementCount(tensor) / blockElements) * blockBytes;
}

export function elementCount(tensor: GgufTensorInfo): number {
  return tensor.dimensions.reduce((product, dimension) => product * dimension, 1);
}

function checkedCount(value: number, what: string): number {
  if (value > sanityLimit) throw new GgufFormatError(`is corrupt: ${what} ${value} is implausible`);
  return value;
}

function readString(reader: GgufByteReader): string {
  reader.need(8);
  const length = checkedCount(reader.uint64(), 'string length');
  reader.need(length);
  return reader.utf8(length);
}

const scalarBytes: Partial<Record<number, number>> = {
  [GgufValueType.Uint8]: 1,
  [GgufValueType.Int8]: 1,
  [GgufValueType.Bool]: 1,
  [GgufValueType.Uint16]: 2,
  [GgufValueType.Int16]: 2,
  [GgufValueType.Uint32]: 4,
  [GgufValueType.Int32]: 4,
  [GgufValueType.Float32]: 4,
  [GgufValueType.Uint64]: 8,
  [GgufValueType.Int64]: 8,
  [GgufValueType.Float64]: 8,
};

function readValue(reader: GgufByteReader, type: number, maxArrayItems: number): GgufValue {
  if (type === GgufValueType.String) return readString(reader);
  if (type === GgufValueType.Array) {
    reader.need(12);
    const elementType = reader.uint32();
    const length = checkedCount(reader.uint64(), 'array length');
    const items: GgufValue[] = [];
    for (let index = 0; index < length; index++) {
      const item = readValue(reader, elementType, maxArrayItems);
      if (index < maxArrayItems) items.push(item);
    }
    return length <= maxArrayItems ? items : { arrayLength: length, elementType };
  }
  const bytes = scalarBytes[type];
  if (bytes === undefined) throw new GgufFormatError(`is corrupt: unknown metadata value type ${type}`);
  reader.need(bytes);
  return readScalar(reader, type);
}

function readScalar(reader: GgufByteReader, type: number): number | boolean {
  switch (type) {
    case GgufValueType.Uint8:
      return reader.uint8();
    case GgufValueType.Int8:
      return reader.int8();
    case GgufValueType.Bool:
      return reader.uint8() !== 0;
    case GgufValueType.Uint16:
      return reader.uint16();
    case GgufValueType.Int16:
      return reader.int16();
    case GgufValueType.Uint32:
      return reader.uint32();
    case GgufValueType.Int32:
      return reader.int32();
    case GgufValueType.Float32:
      return reader.float32();
    case GgufValueType.Uint64:
      return reader.uint64();
    case GgufValueType.Int64:
      return reader.int64();
    default:
      return reader.float64();
  }
}
