import { DevupError } from '../../errors.js';
import { readGgufHeaderStart, type GgufHeader } from '../../engine/gguf/gguf-header.js';
import { joinSplitHeaders } from '../../engine/gguf/gguf-split.js';
import type { HubClient } from './hub-client.js';
import type { HubReference } from './hub-reference.js';
import type { HubFile } from './hub-shapes.js';

const firstRead = 1024 * 1024;
const maxHeaderBytes = 64 * 1024 * 1024;

/**
 * The GGUF header of a file on the hub, read with Range requests (1 MiB, doubled while the header
 * goes on; vocabularies make some headers tens of MiB), never the weights.
 */
export async function readRemoteGgufHeader(hub: HubClient, reference: HubReference, file: HubFile): Promise<GgufHeader> {
  const name = `${file.path} of ${reference.repo}@${reference.revision}`;
  for (let length = Math.min(firstRead, file.bytes); ; length = Math.min(length * 2, file.bytes)) {
    const start = await hub.readRange(reference, file.path, 0, length - 1);
    const header = readGgufHeaderStart(start, file.bytes, name);
    if (header) return header;
    if (length >= maxHeaderBytes) throw new DevupError('invalid_request', `${name} has a GGUF header over ${maxHeaderBytes} bytes`);
  }
}

/**
 * The header of a GGUF variant: a split set's parts each list their own tensors, so their headers
 * are read and joined (metadata from the first part, sizes added up).
 */
export async function readVariantHeader(hub: HubClient, reference: HubReference, files: HubFile[]): Promise<GgufHeader> {
  const headers: GgufHeader[] = [];
  for (const file of files) headers.push(await readRemoteGgufHeader(hub, reference, file));
  return joinSplitHeaders(headers);
}
