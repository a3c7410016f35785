export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What one server-sent event of a dialect's stream tells the playground. */
export interface StreamEvent {
  text?: string;
  promptTokens?: number;
  completionTokens?: number;
  finishReason?: string;
  /** The stream failed midway with this message. */
  error?: string;
}

export interface ChatSettings {
  deployment: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
}

/** An API the gateway speaks, as the playground calls it streamed. */
export interface ChatDialect {
  id: 'chat' | 'responses' | 'messages';
  label: string;
  path: string;
  /** The highest temperature the API takes. */
  maxTemperature: number;
  headers(token: string): Record<string, string>;
  body(settings: ChatSettings): unknown;
  /** Reads one event's data (each dialect's data names its own type, so the `event:` line is not needed). */
  read(data: Record<string, any>): StreamEvent;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const systemOf = (messages: ChatMessage[]) =>
  messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n');
const turnsOf = (messages: ChatMessage[]) => messages.filter((message) => message.role !== 'system');

/** OpenAI Chat Completions: usage from the last chunk, asked for with `stream_options.include_usage`. */
const chatCompletions: ChatDialect = {
  id: 'chat',
  label: 'Chat Completions',
  path: '/v1/chat/completions',
  maxTemperature: 2,
  headers: bearer,
  body: (settings) => ({
    model: settings.deployment,
    messages: settings.messages,
    temperature: settings.temperature,
    max_tokens: settings.maxTokens,
    stream: true,
    stream_options: { include_usage: true },
  }),
  read: (data) => {
    if (data.error) return { error: data.error.message };
    const [choice] = data.choices ?? [];
    return {
      text: choice?.delta?.content ?? undefined,
      finishReason: choice?.finish_reason ?? undefined,
      promptTokens: data.usage?.prompt_tokens,
      completionTokens: data.usage?.completion_tokens,
    };
  },
};

/** OpenAI Responses: system prompt as `instructions`, text from `response.output_text.delta`, usage at `response.completed`. */
const responses: ChatDialect = {
  id: 'responses',
  label: 'Responses',
  path: '/v1/responses',
  maxTemperature: 2,
  headers: bearer,
  body: (settings) => ({
    model: settings.deployment,
    instructions: systemOf(settings.messages) || undefined,
    input: turnsOf(settings.messages),
    temperature: settings.temperature,
    max_output_tokens: settings.maxTokens,
    stream: true,
  }),
  read: (data) => {
    if (data.type === 'response.output_text.delta') return { text: data.delta };
    if (data.type === 'error') return { error: data.message };
    if (data.type === 'response.failed') return { error: data.response?.error?.message ?? 'The response failed' };
    if (data.type === 'response.completed' || data.type === 'response.incomplete') {
      const { usage, status, incomplete_details: incomplete } = data.response ?? {};
      return { finishReason: incomplete?.reason ?? status, promptTokens: usage?.input_tokens, completionTokens: usage?.output_tokens };
    }
    return {};
  },
};

/** Anthropic Messages: `x-api-key` and `anthropic-version` as Anthropic's clients send them, `system` apart, `max_tokens` required. */
const messages: ChatDialect = {
  id: 'messages',
  label: 'Messages',
  path: '/v1/messages',
  maxTemperature: 1,
  headers: (token) => ({ 'x-api-key': token, 'anthropic-version': '2023-06-01' }),
  body: (settings) => ({
    model: settings.deployment,
    system: systemOf(settings.messages) || undefined,
    messages: turnsOf(settings.messages),
    temperature: settings.temperature,
    max_tokens: settings.maxTokens,
    stream: true,
  }),
  read: (data) => {
    if (data.type === 'content_block_delta' && data.delta?.type === 'text_delta') return { text: data.delta.text };
    if (data.type === 'message_start') return { promptTokens: data.message?.usage?.input_tokens || undefined };
    if (data.type === 'message_delta') {
      return {
        finishReason: data.delta?.stop_reason ?? undefined,
        promptTokens: data.usage?.input_tokens,
        completionTokens: data.usage?.output_tokens,
      };
    }
    if (data.type === 'error') return { error: data.error?.message ?? 'The stream failed' };
    return {};
  },
};

/** The dialects the playground can switch between, in the order it lists them. */
export const chatDialects: ChatDialect[] = [chatCompletions, responses, messages];

/** The dialect of an id (from the URL), Chat Completions when it names none. */
export function chatDialectOf(id: string | null): ChatDialect {
  return chatDialects.find((dialect) => dialect.id === id) ?? chatCompletions;
}
