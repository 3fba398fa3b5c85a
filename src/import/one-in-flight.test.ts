import { describe, expect, it } from 'vitest';
import { OneInFlight } from './one-in-flight.js';

/** A call that ends when told to: `end()` resolves it, `fail(error)` rejects it. */
function gate() {
  let end!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    end = resolve;
    fail = reject;
  });
  return { done, end, fail };
}

describe('OneInFlight', () => {
  it('starts a call without waiting for it, and the next only once it has ended', async () => {
    const calls = new OneInFlight();
    const first = gate();
    const order: string[] = [];
    await calls.start(async () => {
      order.push('first started');
      await first.done;
      order.push('first ended');
    });
    order.push('caller goes on');
    const second = calls.start(() => {
      order.push('second started');
      return Promise.resolve();
    });
    await Promise.resolve();
    expect(order).toEqual(['first started', 'caller goes on']);
    first.end();
    await second;
    await calls.settle();
    expect(order).toEqual(['first started', 'caller goes on', 'first ended', 'second started']);
  });

  it('holds a failure until the next start, which rejects with it and starts nothing', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const calls = new OneInFlight();
      await calls.start(() => Promise.reject(new Error('refused')));
      // Several turns of the event loop pass while the caller builds its next batch.
      await new Promise((resolve) => setTimeout(resolve, 20));
      let started = false;
      await expect(
        calls.start(() => {
          started = true;
          return Promise.resolve();
        }),
      ).rejects.toThrow('refused');
      expect(started).toBe(false);
      expect(unhandled).toEqual([]);
      await expect(calls.settle()).resolves.toBeUndefined();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('settle rejects with the failure of the call in flight', async () => {
    const calls = new OneInFlight();
    const call = gate();
    await calls.start(() => call.done);
    call.fail(new Error('the last batch was refused'));
    await expect(calls.settle()).rejects.toThrow('the last batch was refused');
  });

  it("names the call's failure, not the later one it caused; or the later one when the call succeeded", async () => {
    const calls = new OneInFlight();
    await calls.start(() => Promise.reject(new Error('constraint refused')));
    const later = new Error('current transaction is aborted');
    expect(await calls.failure(later)).toEqual(new Error('constraint refused'));
    await calls.start(() => Promise.resolve());
    expect(await calls.failure(later)).toBe(later);
    expect(await calls.failure(later)).toBe(later);
  });
});
