import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayHarness } from './support/gateway-harness.js';
import { awayFromMinuteEnd, reservedTokens, sendWaves, usedTokens } from './support/limit-bursts.js';
import { peerKinds, type PeerFixture } from '../support/target-kinds.js';

// Regression: limits were checked before a request and its tokens and cost added after it, so a
// burst passed them by up to its concurrency (a $0.02 budget answered 21–25 requests' worth, a
// tokens-per-minute limit twice itself). Now each request reserves first; a burst may pass a
// limit by one request's reservation at most.

// $150 per million tokens: a request that uses 7 tokens costs $0.00105, so $0.02 is 19 requests' worth.
const pricing = { inputPerMillion: 150, outputPerMillion: 150 };
const usdPerToken = 150 / 1_000_000;
const concurrency = 16;

describe('limits under bursts of concurrent requests on one gateway (SQLite, in-process counters)', () => {
  let fixture: PeerFixture;
  let gateway: GatewayHarness;
  beforeAll(async () => {
    // The OpenAI peer: it holds an answer as long as the request's `peer_behavior` asks.
    fixture = await peerKinds[0].start();
    gateway = await startGateway({ deployments: [{ name: 'm', modelId: null, targets: [fixture.target('m')], fallbacks: [], pricing }] });
  });
  afterAll(async () => {
    await gateway?.stop();
    await fixture?.stop();
  });

  it('answers no more than a $0.02 budget plus one reservation, in waves of 16', async () => {
    const budgetUsd = 0.02;
    const { key } = await gateway.createKey({ limits: { budgetUsd } });
    const answers = await sendWaves([gateway.client(key)], { concurrency, maxWaves: 10, holdMs: 40 });
    const spent = answers.reduce((sum, answer) => sum + answer.tokens, 0) * usdPerToken;
    expect(spent).toBeLessThanOrEqual(budgetUsd + reservedTokens * usdPerToken);
    // …and the budget is there to be used: refusals begin only within one reservation of it.
    expect(spent).toBeGreaterThanOrEqual(budgetUsd - reservedTokens * usdPerToken);
    expect(answers.filter((answer) => answer.status !== 200).every((answer) => answer.code === 'quota_exceeded')).toBe(true);
    expect(answers.at(-1)?.code).toBe('quota_exceeded');
  });

  it('answers no more than a tokens-per-minute limit plus one reservation, in waves of 16', async () => {
    await awayFromMinuteEnd(15_000);
    const tokensPerMinute = 60;
    const { key } = await gateway.createKey({ limits: { tokensPerMinute } });
    const answers = await sendWaves([gateway.client(key)], { concurrency, maxWaves: 10, holdMs: 40 });
    const tokens = answers.reduce((sum, answer) => sum + answer.tokens, 0);
    expect(tokens).toBeLessThanOrEqual(tokensPerMinute + reservedTokens);
    expect(tokens).toBeGreaterThanOrEqual(tokensPerMinute - usedTokens);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((answer) => answer.status === 429 && answer.code === 'rate_limited' && Number(answer.retryAfter) >= 1)).toBe(true);
  }, 90_000);

  it('gives back the reservation of a request that failed upstream', async () => {
    // Four requests' reservations fill 32 of 33 tokens; if failures kept theirs, the fifth would be refused.
    const { key } = await gateway.createKey({ limits: { tokensPerMinute: reservedTokens * 4 + 1 } });
    await awayFromMinuteEnd(15_000);
    fixture.peer.queue({ status: 400, message: 'bad request' }, 4);
    const client = gateway.client(key);
    const failures = await Promise.all(
      Array.from({ length: 4 }, () =>
        client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'one two three' }], max_tokens: 4 }).then(
          () => 200,
          (error: { status?: number }) => error.status,
        ),
      ),
    );
    expect(failures).toEqual([400, 400, 400, 400]);
    // Settling is off the request path: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'one two three' }],
      max_tokens: 4,
    });
    expect(answer.usage?.total_tokens).toBe(usedTokens);
  }, 90_000);
});
