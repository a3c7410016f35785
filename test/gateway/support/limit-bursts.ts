import OpenAI from 'openai';

/** The request every burst sends: 13 bytes of text (4 tokens by the gateway's estimate), 3 words for the peer, which answers 4. */
export const burstMessages = [{ role: 'user' as const, content: 'one two three' }];
/** The completion bound the requests send: the reply's 4 words fit. */
export const burstMaxTokens = 4;
/** Tokens one request reserves: ceil(13 / 4) prompt + `burstMaxTokens`. */
export const reservedTokens = 4 + burstMaxTokens;
/** Tokens one answered request uses (the peer counts words: 3 prompt + 4 completion). */
export const usedTokens = 7;

export interface BurstAnswer {
  status: number;
  code: string | null;
  retryAfter: string | null;
  /** Prompt + completion tokens of an answered request. */
  tokens: number;
}

/**
 * Sends waves of `concurrency` chat requests at once, half of them streamed, spread over
 * `clients` in turn, until a wave is refused entirely (or `maxWaves`). The peer holds each
 * answer `holdMs` before its headers, so that every request of a wave is in flight together.
 */
export async function sendWaves(
  clients: OpenAI[],
  options: { concurrency: number; maxWaves: number; holdMs: number },
): Promise<BurstAnswer[]> {
  const answers: BurstAnswer[] = [];
  let sent = 0;
  for (let wave = 0; wave < options.maxWaves; wave++) {
    const results = await Promise.all(
      Array.from({ length: options.concurrency }, (_, index) => send(clients[sent++ % clients.length], index % 2 === 1, options.holdMs)),
    );
    answers.push(...results);
    if (results.every((result) => result.status !== 200)) break;
  }
  return answers;
}

async function send(client: OpenAI, stream: boolean, holdMs: number): Promise<BurstAnswer> {
  // Unknown fields pass through the gateway to the peer: this one tells it how long to hold the answer.
  const body = {
    model: 'm',
    messages: burstMessages,
    max_tokens: burstMaxTokens,
    peer_behavior: { stallBeforeHeadersMs: holdMs },
  } as OpenAI.ChatCompletionCreateParamsNonStreaming;
  try {
    if (!stream) {
      const completion = await client.chat.completions.create(body);
      return answered(completion.usage);
    }
    const chunks = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of chunks) usage = chunk.usage ?? usage;
    return answered(usage);
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    return { status: error.status ?? 0, code: error.code ?? null, retryAfter: error.headers?.get('retry-after') ?? null, tokens: 0 };
  }
}

function answered(usage: OpenAI.CompletionUsage | undefined | null): BurstAnswer {
  if (!usage) throw new Error('an answer without usage');
  return { status: 200, code: null, retryAfter: null, tokens: usage.prompt_tokens + usage.completion_tokens };
}

/** Waits, when a minute ends within `marginMs`, until the next one starts: a per-minute limit must not reset mid-test. */
export async function awayFromMinuteEnd(marginMs: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
