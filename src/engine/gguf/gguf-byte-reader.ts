import fs from 'node:fs';

/** Raised when the file ends inside the header: the caller reports it as truncated. */
export class GgufEndOfFile extends Error {
  constructor(readonly position: number) {
    super(`file ends at byte ${position} inside the GGUF header`);
    this.name = 'GgufEndOfFile';
  }
}

const chunkBytes = 256 * 1024;

/** Fills `target` from byte `position` of the source; answers how many bytes it wrote (0 at the end). */
export type ReadAt = (target: Buffer, position: number) => number;

/** Reads of a file opened for reading (fs.openSync). */
export const fileReadAt =
  (descriptor: number): ReadAt =>
  (target, position) =>
    fs.readSync(descriptor, target, 0, target.length, position);

/** Reads of bytes already in memory (the start of a file fetched with a Range request). */
export const bufferReadAt =
  (bytes: Buffer): ReadAt =>
  (target, position) =>
    bytes.copy(target, 0, Math.min(position, bytes.length));

/**
 * Little-endian reads over a file, refilled in chunks, so a header is parsed without reading the
 * weights that follow it. Call `need(n)` before reading n bytes.
 */
export class GgufByteReader {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  private cursor = 0;

  constructor(private readonly readAt: ReadAt) {}

  /** Absolute file position of the next byte to read. */
  get position(): number {
    return this.bufferStart + this.cursor;
  }

  need(bytes: number): void {
    if (this.cursor + bytes <= this.buffer.length) return;
    const kept = this.buffer.subarray(this.cursor);
    const wanted = Math.max(chunkBytes, bytes - kept.length);
    const fresh = Buffer.allocUnsafe(wanted);
    const bytesRead = this.readAt(fresh, this.bufferStart + this.buffer.length);
    this.bufferStart += this.cursor;
    this.buffer = Buffer.concat([kept, fresh.subarray(0, bytesRead)]);
    this.cursor = 0;
    if (this.buffer.length < bytes) throw new GgufEndOfFile(this.bufferStart + this.buffer.length);
  }

  uint8(): number {
    return this.buffer.readUInt8(this.advance(1));
  }
  int8(): number {
    return this.buffer.readInt8(this.advance(1));
  }
  uint16(): number {
    return this.buffer.readUInt16LE(this.advance(2));
  }
  int16(): number {
    return this.buffer.readInt16LE(this.advance(2));
  }
  uint32(): number {
    return this.buffer.readUInt32LE(this.advance(4));
  }
  int32(): number {
    return this.buffer.readInt32LE(this.advance(4));
  }
  float32(): number {
    return this.buffer.readFloatLE(this.advance(4));
  }
  float64(): number {
    return this.buffer.readDoubleLE(this.advance(8));
  }
  /** 64-bit integers as numbers: counts and offsets in real files stay below 2^53. */
  uint64(): number {
    return Number(this.buffer.readBigUInt64LE(this.advance(8)));
  }
  int64(): number {
    return Number(this.buffer.readBigInt64LE(this.advance(8)));
  }
  utf8(bytes: number): string {
    const start = this.advance(bytes);
    return this.buffer.toString('utf8', start, start + bytes);
  }

  private advance(bytes: number): number {
    const start = this.cursor;
    this.cursor += bytes;
    return start;
  }
}
