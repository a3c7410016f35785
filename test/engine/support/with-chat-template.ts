import fs from 'node:fs';

/**
 * Copies a GGUF with `tokenizer.chat_template` added to its metadata: the key/value is spliced in
 * before the tensor infos and padded to a multiple of the 32-byte alignment, so the tensor data
 * keeps its alignment and offsets. Lets the template path run on stories260K, which has none.
 */
export function writeWithChatTemplate(source: string, target: string, template: string): void {
  const bytes = fs.readFileSync(source);
  const firstTensorName = Buffer.from('token_embd.weight');
  const tensorInfos = bytes.indexOf(firstTensorName) - 8;
  const key = Buffer.from('tokenizer.chat_template');
  const fixed = 8 + key.length + 4 + 8;
  let padded = template;
  while ((fixed + Buffer.byteLength(padded)) % 32 !== 0) padded += ' ';
  const entry = Buffer.alloc(fixed + Buffer.byteLength(padded));
  let offset = entry.writeBigUInt64LE(BigInt(key.length), 0);
  offset += key.copy(entry, offset);
  offset = entry.writeUInt32LE(8, offset); // string
  offset = entry.writeBigUInt64LE(BigInt(Buffer.byteLength(padded)), offset);
  entry.write(padded, offset);
  const spliced = Buffer.concat([bytes.subarray(0, tensorInfos), entry, bytes.subarray(tensorInfos)]);
  spliced.writeBigUInt64LE(bytes.readBigUInt64LE(16) + 1n, 16); // metadata count
  fs.writeFileSync(target, spliced);
}
