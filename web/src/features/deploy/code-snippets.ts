import type { CodeSample } from '../../components/code-tabs.js';

/**
 * How to call a deployment through the gateway, in each API it speaks: OpenAI Chat Completions
 * (curl, Python and TypeScript `openai` clients), OpenAI Responses (`openai`, curl) and Anthropic
 * Messages (`@anthropic-ai/sdk`, whose base URL is the origin: it adds `/v1/messages` itself; curl).
 */
export function codeSnippets(deployment: string, origin: string): CodeSample[] {
  const base = `${origin}/v1`;
  const model = JSON.stringify(deployment);
  return [
    {
      label: 'Chat · curl',
      code: `curl ${base}/chat/completions \\
  -H "Authorization: Bearer $DEVUP_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": ${model}, "max_tokens": 256, "stream": true, "messages": [{"role": "user", "content": "Hello!"}]}'`,
    },
    {
      label: 'Chat · Python',
      code: `from openai import OpenAI

client = OpenAI(base_url="${base}", api_key=os.environ["DEVUP_API_KEY"])
stream = client.chat.completions.create(
    model=${model},
    messages=[{"role": "user", "content": "Hello!"}],
    stream=True,
)
for chunk in stream:
    print(chunk.choices[0].delta.content or "", end="")`.replace('from openai', 'import os\nfrom openai'),
    },
    {
      label: 'Chat · TypeScript',
      code: `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${base}', apiKey: process.env.DEVUP_API_KEY });
const stream = await client.chat.completions.create({
  model: ${model},
  messages: [{ role: 'user', content: 'Hello!' }],
  stream: true,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');`,
    },
    {
      label: 'Responses · TypeScript',
      code: `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${base}', apiKey: process.env.DEVUP_API_KEY });
const stream = await client.responses.create({
  model: ${model},
  input: 'Hello!',
  stream: true,
});
for await (const event of stream) if (event.type === 'response.output_text.delta') process.stdout.write(event.delta);`,
    },
    {
      label: 'Responses · curl',
      code: `curl ${base}/responses \\
  -H "Authorization: Bearer $DEVUP_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": ${model}, "max_output_tokens": 256, "input": "Hello!"}'`,
    },
    {
      label: 'Anthropic SDK',
      code: `import Anthropic from '@anthropic-ai/sdk';

// Tools built on this SDK take the same two settings as ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY.
const client = new Anthropic({ baseURL: '${origin}', apiKey: process.env.DEVUP_API_KEY });
const stream = client.messages.stream({
  model: ${model},
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello!' }],
});
stream.on('text', (text) => process.stdout.write(text));
await stream.finalMessage();`,
    },
    {
      label: 'Messages · curl',
      code: `curl ${base}/messages \\
  -H "x-api-key: $DEVUP_API_KEY" \\
  -H "anthropic-version: 2023-06-01" \\
  -H "Content-Type: application/json" \\
  -d '{"model": ${model}, "max_tokens": 256, "messages": [{"role": "user", "content": "Hello!"}]}'`,
    },
  ];
}
