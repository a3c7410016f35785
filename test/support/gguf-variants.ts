/**
 * Real GGUF variants of stories260K for the hub tests, made the way llama.cpp's tools make them:
 * `quantizeQ8_0` as `llama-quantize … Q8_0` does (32-weight blocks of an fp16 scale and 32 int8s;
 * 2-D weights whose rows are not a multiple of 32 stay F32, 1-D norms stay F32; `general.file_type`
 * 7) and `splitGguf` as `llama-gguf-split --split-max-tensors` does (the first part keeps every
 * metadata key, each part adds `split.no`, `split.count`, `split.tensors.count` and holds its
 * share of the tensors).
 */
interface RawEntry {
  key: string;
  /** Type id and value bytes, as they follow the key in the file. */
  raw: Buffer;
}

interface Tensor {
  name: string;
  dimensions: number[];
  type: number;
  data: Buffer;
}

interface GgufLayout {
  version: number;
  entries: RawEntry[];
  tensors: Tensor[];
}

const typeF32 = 0;
const typeQ8_0 = 8;
const alignment = 32;
const scalarBytes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** Reads a GGUF file's metadata entries (as raw bytes) and its tensors with their data. */
export function readGgufLayout(file: Buffer): GgufLayout {
  let position = 4;
  const u32 = () => ((position += 4), file.readUInt32LE(position - 4));
  const u64 = () => ((position += 8), Number(file.readBigUInt64LE(position - 8)));
  const text = () => {
    const length = u64();
    position += length;
    return file.toString('utf8', position - length, position);
  };
  const skipValue = (type: number): void => {
    if (type === 8) return void text();
    if (type === 9) {
      const elementType = u32();
      const count = u64();
      for (let index = 0; index < count; index++) skipValue(elementType);
      return;
    }
    position += scalarBytes[type];
  };
  const version = u32();
  const tensorCount = u64();
  const entryCount = u64();
  const entries: RawEntry[] = [];
  for (let index = 0; index < entryCount; index++) {
    const key = text();
    const start = position;
    skipValue(u32());
    entries.push({ key, raw: file.subarray(start, position) });
  }
  const infos = Array.from({ length: tensorCount }, () => {
    const name = text();
    const dimensions = Array.from({ length: u32() }, u64);
    return { name, dimensions, type: u32(), offset: u64() };
  });
  const dataOffset = Math.ceil(position / alignment) * alignment;
  const tensors = infos.map((info) => {
    const elements = info.dimensions.reduce((product, dimension) => product * dimension, 1);
    const bytes = info.type === typeF32 ? elements * 4 : info.type === typeQ8_0 ? (elements / 32) * 34 : Number.NaN;
    if (Number.isNaN(bytes)) throw new Error(`${info.name}: only F32 and Q8_0 tensors are handled`);
    return { ...info, data: file.subarray(dataOffset + info.offset, dataOffset + info.offset + bytes) };
  });
  return { version, entries, tensors };
}

/** The file quantized to Q8_0 as llama-quantize writes it. */
export function quantizeQ8_0(file: Buffer): Buffer {
  const layout = readGgufLayout(file);
  const tensors = layout.tensors.map((tensor) =>
    tensor.dimensions.length === 2 && tensor.dimensions[0] % 32 === 0 ? { ...tensor, type: typeQ8_0, data: q8_0(tensor.data) } : tensor,
  );
  const entries = [...layout.entries.filter((entry) => entry.key !== 'general.file_type'), { key: 'general.file_type', raw: typed(4, 7) }];
  return writeGguf(layout.version, entries, tensors);
}

/** The file with another trained context (`<arch>.context_length`), as a model fine-tuned for longer contexts states it. */
export function withContextLength(file: Buffer, tokens: number): Buffer {
  const layout = readGgufLayout(file);
  const entries = layout.entries.map((entry) =>
    entry.key.endsWith('.context_length') ? { key: entry.key, raw: typed(4, tokens) } : entry,
  );
  return writeGguf(layout.version, entries, layout.tensors);
}

/** The file split in `parts` as llama-gguf-split writes it (tensors shared out in order). */
export function splitGguf(file: Buffer, parts: number): Buffer[] {
  const layout = readGgufLayout(file);
  const perPart = Math.ceil(layout.tensors.length / parts);
  return Array.from({ length: parts }, (_, index) => {
    const split = [
      { key: 'split.no', raw: typed(2, index) },
      { key: 'split.count', raw: typed(2, parts) },
      { key: 'split.tensors.count', raw: typed(5, layout.tensors.length) },
    ];
    return writeGguf(
      layout.version,
      index === 0 ? [...layout.entries, ...split] : split,
      layout.tensors.slice(index * perPart, (index + 1) * perPart),
    );
  });
}

function q8_0(data: Buffer): Buffer {
  const values = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
  const blocks = values.length / 32;
  const out = Buffer.alloc(blocks * 34);
  for (let block = 0; block < blocks; block++) {
    const slice = values.subarray(block * 32, block * 32 + 32);
    const amax = Math.max(...slice.map(Math.abs));
    const scale = amax / 127;
    const inverse = scale === 0 ? 0 : 1 / scale;
    out.writeUInt16LE(toHalf(scale), block * 34);
    // roundf: halves away from zero.
    slice.forEach((value, index) => out.writeInt8(Math.sign(value) * Math.round(Math.abs(value * inverse)), block * 34 + 2 + index));
  }
  return out;
}

/** IEEE-754 binary16 bits of a float, rounded to nearest even (GGML_FP32_TO_FP16). */
function toHalf(value: number): number {
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa = (mantissa | 0x800000) >> (1 - exponent);
    return sign | ((mantissa + 0x1000) >> 13);
  }
  let half = sign | (exponent << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half += 1;
  return half;
}

function typed(type: number, value: number): Buffer {
  const raw = Buffer.alloc(4 + scalarBytes[type]);
  raw.writeUInt32LE(type);
  if (type === 2) raw.writeUInt16LE(value, 4);
  else if (type === 5) raw.writeInt32LE(value, 4);
  else raw.writeUInt32LE(value, 4);
  return raw;
}

function writeGguf(version: number, entries: RawEntry[], tensors: Tensor[]): Buffer {
  const parts: Buffer[] = [];
  const u32 = (value: number) => parts.push(Buffer.from(new Uint32Array([value]).buffer));
  const u64 = (value: number) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    parts.push(buffer);
  };
  const text = (value: string) => {
    u64(Buffer.byteLength(value));
    parts.push(Buffer.from(value));
  };
  parts.push(Buffer.from('GGUF'));
  u32(version);
  u64(tensors.length);
  u64(entries.length);
  for (const entry of entries) {
    text(entry.key);
    parts.push(entry.raw);
  }
  let offset = 0;
  const placed = tensors.map((tensor) => {
    const at = offset;
    offset = Math.ceil((at + tensor.data.length) / alignment) * alignment;
    return at;
  });
  tensors.forEach((tensor, index) => {
    text(tensor.name);
    u32(tensor.dimensions.length);
    tensor.dimensions.forEach(u64);
    u32(tensor.type);
    u64(placed[index]);
  });
  const header = Buffer.concat(parts);
  const data = Buffer.alloc(offset);
  tensors.forEach((tensor, index) => tensor.data.copy(data, placed[index]));
  return Buffer.concat([header, Buffer.alloc((alignment - (header.length % alignment)) % alignment), data]);
}
