import type { CodeSample } from '../../components/code-tabs.js';

/** How to call a deployment through the gateway: curl, Python and TypeScript `openai` clients. */
export function codeSnippets(deployment: string, origin: string): CodeSample[] {
  const base = `${origin}/v1`;
  const model = JSON.stringify(deployment);
  return [
    {
      label: 'curl',
      code: `curl ${base}/chat/completions \\
  -H "Authorization: Bearer $DEVUP_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": ${model}, "stream": true, "messages": [{"role": "user", "content": "Hello!"}]}'`,
    },
    {
      label: 'Python',
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
      label: 'TypeScript',
      code: `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${base}', apiKey: process.env.DEVUP_API_KEY });
const stream = await client.chat.completions.create({
  model: ${model},
  messages: [{ role: 'user', content: 'Hello!' }],
  stream: true,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');`,
    },
  ];
}
