import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGgufHeader } from '../../src/engine/gguf/gguf-header.js';
import { describeGguf } from '../../src/engine/gguf/gguf-model-info.js';
import { startEmbedded } from './support/embedded-deployment.js';
import { storiesPath } from '../support/fixtures.js';
import { writeWithChatTemplate } from './support/with-chat-template.js';

const chatml =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

describe('chat template from the GGUF', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-template-'));
  const templated = path.join(directory, 'stories-chatml.gguf');
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('renders chat with the file’s own template instead of the transcript fallback', async () => {
    writeWithChatTemplate(storiesPath, templated, chatml);
    expect(describeGguf(readGgufHeader(templated), templated).chatTemplate).toContain("'<|im_start|>' + message['role']");

    const withTemplate = await startEmbedded('chatml', { file: templated, parallel: 1, contextSize: 256 });
    const plain = await startEmbedded('plain', { file: storiesPath, parallel: 1, contextSize: 256 });
    try {
      const ask = async (started: typeof plain) => {
        const reply = await started.running.provider.call({
          operation: 'chat',
          body: { messages: [{ role: 'user', content: 'hello' }], max_tokens: 6, temperature: 0 },
          signal: new AbortController().signal,
        });
        if (reply.kind !== 'json') throw new Error('expected a JSON answer');
        return reply;
      };
      const [templatedReply, plainReply] = [await ask(withTemplate), await ask(plain)];
      // ChatML spells `<|im_start|>user\n…<|im_end|>\n<|im_start|>assistant\n` (plain text for this
      // vocabulary); the fallback is `User: hello\nAssistant:`, far fewer tokens.
      expect(templatedReply.usage!.promptTokens).toBeGreaterThan(plainReply.usage!.promptTokens + 20);
      expect(templatedReply.usage!.completionTokens).toBe(6);
      expect((templatedReply.body.choices as Array<{ message: { content: string } }>)[0].message.content.length).toBeGreaterThan(0);
    } finally {
      await withTemplate.stop();
      await plain.stop();
    }
  });
});
