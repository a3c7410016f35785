import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIPeer, type OpenAIPeer } from '../support/upstreams/openai-peer.js';
import { defaultTimeouts } from '../../src/providers/target-timeouts.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible/openai-compatible-provider.js';
import type { RoutableDeployment } from '../../src/gateway/deployment-registry.js';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';

/** The Responses and Messages routes run the chat pipeline: scopes, retries and fallbacks, metrics, the OpenAPI document. */
describe('the /v1 pipeline under every dialect', () => {
  let failing: OpenAIPeer;
  let healthy: OpenAIPeer;
  let gateway: GatewayHarness;
  let key: string;

  const deployment = (name: string, peer: OpenAIPeer, fallbacks: string[] = []): RoutableDeployment => ({
    name,
    modelId: null,
    fallbacks,
    targets: [
      {
        id: `${name}-1`,
        kind: 'endpoint',
        weight: 1,
        upstreamModel: 'peer-model',
        timeouts: defaultTimeouts,
        provider: createOpenAICompatibleProvider({ baseUrl: peer.baseUrl, timeouts: defaultTimeouts }),
      },
    ],
  });

  beforeAll(async () => {
    [failing, healthy] = await Promise.all([startOpenAIPeer(), startOpenAIPeer()]);
    failing.behavior = { status: 503 };
    gateway = await startGateway({
      deployments: [deployment('primary', failing, ['backup']), deployment('backup', healthy), deployment('secret', healthy)],
      gateway: { policy: { maxAttempts: 2, backoffMs: 1 } },
    });
    ({ key } = await gateway.createKey({ deployments: ['primary', 'backup'] }));
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([failing?.stop(), healthy?.stop()]);
  });

  const logs = async (limit: number) =>
    ((await (await gateway.admin('GET', `/api/logs?limit=${limit}`)).json()) as { data: Array<Record<string, any>> }).data;

  it('retries and falls back to the backup deployment, and counts the request in the metrics', async () => {
    const failedBefore = failing.requests.length;
    const anthropic = new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
    const message = await anthropic.messages.create({
      model: 'primary',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'fall back' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: fall back' }]);
    const response = await gateway.client(key).responses.create({ model: 'primary', input: 'fall back too' });
    expect(response.output_text).toBe('Echo: fall back too');
    expect(failing.requests.length - failedBefore).toBe(4);
    const [responses, messages] = await logs(2);
    expect(messages).toMatchObject({ operation: 'messages', deployment: 'primary', target_id: 'backup-1', status: 200 });
    expect(responses).toMatchObject({ operation: 'responses', deployment: 'primary', target_id: 'backup-1', status: 200 });
    const metrics = await (await gateway.admin('GET', '/metrics')).text();
    expect(metrics).toMatch(/devup_requests_total\{deployment="primary",status="200"\} 2/);
    expect(metrics).toMatch(/devup_upstream_errors_total\{deployment="primary",target="primary-1",code="upstream_error"\} 4/);
  });

  it('keeps key scopes: a deployment outside the key is a 403 in each dialect’s shape', async () => {
    const denied = await gateway
      .client(key)
      .responses.create({ model: 'secret', input: 'x' })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'secret', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });

  it('lists the /v1 routes in the OpenAPI document, from the schemas that validate them', async () => {
    const document = await (await fetch(`${gateway.url}/api/openapi.json`)).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/chat/completions',
        '/v1/completions',
        '/v1/embeddings',
        '/v1/responses',
        '/v1/messages',
        '/v1/messages/count_tokens',
        '/v1/models',
        '/v1/models/{id}',
      ]),
    );
    const messages = document.paths['/v1/messages'].post;
    expect(messages.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['model', 'messages', 'max_tokens']),
    );
    expect(messages.responses['400']).toEqual({ $ref: '#/components/responses/AnthropicError' });
    expect(messages.security).toEqual([{ apiKey: [] }, { xApiKey: [] }]);
    const responses = document.paths['/v1/responses'].post;
    expect(Object.keys(responses.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['input', 'instructions', 'max_output_tokens', 'tools', 'text', 'stream']),
    );
    expect(responses.responses['400']).toEqual({ $ref: '#/components/responses/Error' });
    expect(document.paths['/v1/chat/completions'].post.requestBody.content['application/json'].schema.required).toEqual([
      'model',
      'messages',
    ]);
  });
});
