import { describe, expect, it } from 'vitest';
import { DevupError } from '../../src/errors.js';
import { SequencePool } from '../../src/engine/runtime/sequence-pool.js';
import { StopMatcher } from '../../src/engine/runtime/stop-matcher.js';

const signal = () => new AbortController().signal;

describe('SequencePool', () => {
  it('lends free slots, queues FIFO up to the limit and refuses beyond it with overloaded + Retry-After', async () => {
    const pool = new SequencePool(['a', 'b'], 2);
    const first = await pool.acquire(signal());
    const second = await pool.acquire(signal());
    const order: string[] = [];
    const waiting = [pool.acquire(signal()), pool.acquire(signal())].map((lease, index) =>
      lease.then((granted) => (order.push(`w${index}:${granted.slot}`), granted)),
    );
    expect(pool.queued).toBe(2);
    const refused = await pool.acquire(signal()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DevupError);
    expect(refused).toMatchObject({ code: 'overloaded', status: 503, retryAfterSeconds: 1 });
    second.release();
    first.release();
    first.release(); // a second release is ignored
    await Promise.all(waiting);
    expect(order).toEqual(['w0:b', 'w1:a']);
    expect(pool.busy).toBe(2);
  });

  it('drops a waiter whose signal aborts, and rejects every waiter on drain', async () => {
    const pool = new SequencePool(['only'], 4);
    const held = await pool.acquire(signal());
    const controller = new AbortController();
    const abandoned = pool.acquire(controller.signal).catch((error: unknown) => error);
    const kept = pool.acquire(signal());
    controller.abort(new Error('client left'));
    expect(((await abandoned) as Error).message).toBe('client left');
    expect(pool.queued).toBe(1);
    held.release();
    expect((await kept).slot).toBe('only');
    const late = pool.acquire(signal()).catch((error: unknown) => error);
    pool.drain(new DevupError('unavailable', 'unloaded'));
    expect(await late).toMatchObject({ code: 'unavailable' });
  });
});

describe('StopMatcher', () => {
  it('holds back text that may start a stop sequence and cuts at the earliest stop', () => {
    const matcher = new StopMatcher(['\n\n', 'THE END']);
    expect(matcher.push('Hello')).toEqual({ text: 'Hello', stopped: false });
    expect(matcher.push(' world\n')).toEqual({ text: ' world', stopped: false });
    expect(matcher.push('more THE E')).toEqual({ text: '\nmore ', stopped: false });
    expect(matcher.push('ND\n\n')).toEqual({ text: '', stopped: true });
    const plain = new StopMatcher(['zz']);
    expect(plain.push('abz')).toEqual({ text: 'ab', stopped: false });
    expect(plain.flush()).toBe('z');
  });
});
