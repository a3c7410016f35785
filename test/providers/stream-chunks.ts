import type { ProviderReply } from '../../src/providers/provider.js';

/** Reads a stream reply to its end and returns its chunks parsed. */
export async function chunksOf(reply: ProviderReply): Promise<any[]> {
  if (reply.kind !== 'stream') throw new Error(`expected a stream, got ${reply.kind}`);
  const chunks: any[] = [];
  for await (const chunk of reply.chunks) chunks.push(JSON.parse(chunk));
  return chunks;
}
