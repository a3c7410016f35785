/** Writes small GGUF files for reader tests: typed metadata and F32 tensors (data zero-filled). */
export type WrittenValue =
  | { type: 'string'; value: string }
  | { type: 'uint32'; value: number }
  | { type: 'uint64'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'strings'; value: string[] }
  | { type: 'int32s'; value: number[] };

export function writeGguf(input: {
  version?: number;
  metadata: Record<string, WrittenValue>;
  tensors: Array<{ name: string; dimensions: number[] }>;
}): Buffer {
  const parts: Buffer[] = [];
  const u32 = (value: number) => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    parts.push(buffer);
  };
  const u64 = (value: number) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    parts.push(buffer);
  };
  const text = (value: string) => {
    const bytes = Buffer.from(value, 'utf8');
    u64(bytes.length);
    parts.push(bytes);
  };
  const i32 = (value: number) => {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(value);
    parts.push(buffer);
  };

  parts.push(Buffer.from('GGUF', 'ascii'));
  u32(input.version ?? 3);
  u64(input.tensors.length);
  u64(Object.keys(input.metadata).length);
  for (const [key, entry] of Object.entries(input.metadata)) {
    text(key);
    switch (entry.type) {
      case 'string':
        u32(8);
        text(entry.value);
        break;
      case 'uint32':
        u32(4);
        u32(entry.value);
        break;
      case 'uint64':
        u32(10);
        u64(entry.value);
        break;
      case 'int32':
        u32(5);
        i32(entry.value);
        break;
      case 'float32': {
        u32(6);
        const buffer = Buffer.alloc(4);
        buffer.writeFloatLE(entry.value);
        parts.push(buffer);
        break;
      }
      case 'bool':
        u32(7);
        parts.push(Buffer.from([entry.value ? 1 : 0]));
        break;
      case 'strings':
        u32(9);
        u32(8);
        u64(entry.value.length);
        entry.value.forEach(text);
        break;
      case 'int32s':
        u32(9);
        u32(5);
        u64(entry.value.length);
        entry.value.forEach(i32);
        break;
    }
  }
  let offset = 0;
  for (const tensor of input.tensors) {
    text(tensor.name);
    u32(tensor.dimensions.length);
    tensor.dimensions.forEach(u64);
    u32(0); // F32
    u64(offset);
    offset += Math.ceil((tensor.dimensions.reduce((product, dimension) => product * dimension, 1) * 4) / 32) * 32;
  }
  const header = Buffer.concat(parts);
  const padding = Buffer.alloc((32 - (header.length % 32)) % 32);
  return Buffer.concat([header, padding, Buffer.alloc(offset)]);
}
