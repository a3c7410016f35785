import { errorFrom } from '../../api/client.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface StreamStats {
  /** Milliseconds from sending to the first content token. */
  ttftMs: number | null;
  completionTokens: number;
  promptTokens: number | null;
  /** Completion tokens per second after the first one arrived. */
  tokensPerSecond: number | null;
  totalMs: number;
  finishReason: string | null;
  /** Server-sent events that carried content: more than one means the answer arrived streamed. */
  chunks: number;
}

export interface StreamRequest {
  deployment: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  token: string;
  signal?: AbortSignal;
  onToken(text: string): void;
}

/**
 * Streams `/v1/chat/completions` (SSE) token by token and measures what the user feels: time to
 * first token and decode speed. Token counts come from the stream's usage chunk, asked for with
 * `stream_options.include_usage`; without one, each content chunk counts as one token.
 */
export async function streamChat(input: StreamRequest): Promise<StreamStats> {
  const started = performance.now();
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${input.token}`, accept: 'text/event-stream' },
    body: JSON.stringify({
      model: input.deployment,
      messages: input.messages,
      temperature: input.temperature,
      max_tokens: input.maxTokens,
      stream: true,
      stream_options: { include_usage: true },
    }),
    signal: input.signal,
  });
  if (!response.ok || !response.body) throw await errorFrom(response);

  let firstTokenAt: number | null = null;
  let chunks = 0;
  let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
  let finishReason: string | null = null;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const events = buffer.split(/\r?\n\r?\n/);
    buffer = events.pop() ?? '';
    for (const event of events) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (!data || data === '[DONE]') continue;
      const payload = JSON.parse(data) as {
        error?: { message: string };
        usage?: typeof usage;
        choices?: Array<{ delta?: { content?: string }; finish_reason?: string | null }>;
      };
      if (payload.error) throw new Error(payload.error.message);
      if (payload.usage) usage = payload.usage;
      for (const choice of payload.choices ?? []) {
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const text = choice.delta?.content;
        if (!text) continue;
        firstTokenAt ??= performance.now();
        chunks++;
        input.onToken(text);
      }
    }
  }
  const ended = performance.now();
  const completionTokens = usage?.completion_tokens ?? chunks;
  const decodeSeconds = firstTokenAt === null ? 0 : (ended - firstTokenAt) / 1000;
  return {
    ttftMs: firstTokenAt === null ? null : firstTokenAt - started,
    completionTokens,
    promptTokens: usage?.prompt_tokens ?? null,
    tokensPerSecond: decodeSeconds > 0 && completionTokens > 1 ? (completionTokens - 1) / decodeSeconds : null,
    totalMs: ended - started,
    finishReason,
    chunks,
  };
}
