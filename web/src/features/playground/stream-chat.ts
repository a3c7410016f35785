import { errorFrom } from '../../api/client.js';
import type { ChatDialect, ChatMessage } from './chat-dialects.js';

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
  dialect: ChatDialect;
  deployment: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  token: string;
  signal?: AbortSignal;
  onToken(text: string): void;
}

/**
 * Streams a chat through the dialect's route (`/v1/chat/completions`, `/v1/responses` or
 * `/v1/messages`, SSE) token by token and measures what the user feels: time to first token and
 * decode speed. Token counts come from the usage the stream tells; without it, each content event
 * counts as one token.
 */
export async function streamChat(input: StreamRequest): Promise<StreamStats> {
  const { dialect } = input;
  const started = performance.now();
  const response = await fetch(dialect.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...dialect.headers(input.token) },
    body: JSON.stringify(
      dialect.body({ deployment: input.deployment, messages: input.messages, temperature: input.temperature, maxTokens: input.maxTokens }),
    ),
    signal: input.signal,
  });
  if (!response.ok || !response.body) throw await errorFrom(response);

  let firstTokenAt: number | null = null;
  let chunks = 0;
  let promptTokens: number | undefined;
  let completionTokens: number | undefined;
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
      const told = dialect.read(JSON.parse(data));
      if (told.error) throw new Error(told.error);
      promptTokens = told.promptTokens ?? promptTokens;
      completionTokens = told.completionTokens ?? completionTokens;
      finishReason = told.finishReason ?? finishReason;
      if (!told.text) continue;
      firstTokenAt ??= performance.now();
      chunks++;
      input.onToken(told.text);
    }
  }
  const ended = performance.now();
  const tokens = completionTokens ?? chunks;
  const decodeSeconds = firstTokenAt === null ? 0 : (ended - firstTokenAt) / 1000;
  return {
    ttftMs: firstTokenAt === null ? null : firstTokenAt - started,
    completionTokens: tokens,
    promptTokens: promptTokens ?? null,
    tokensPerSecond: decodeSeconds > 0 && tokens > 1 ? (tokens - 1) / decodeSeconds : null,
    totalMs: ended - started,
    finishReason,
    chunks,
  };
}
