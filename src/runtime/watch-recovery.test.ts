import { describe, expect, test } from '@jest/globals';
import { WatchRecovery, type Recoverable } from './watch-recovery.js';

function listener(current: boolean): Recoverable & { retries: number } {
  const l = {
    current,
    retries: 0,
    retryNow: () => {
      l.retries++;
    },
  };
  return l;
}

describe('WatchRecovery', () => {
  test('restarts the failed listeners at once when the API server answers, and only them', async () => {
    const failed = listener(false);
    const fine = listener(true);
    let answers = false;
    const recovery = new WatchRecovery({ listeners: [failed, fine], answers: async () => answers, intervalMs: 1_000 });
    await recovery.check();
    expect(failed.retries).toBe(0);
    answers = true;
    await recovery.check();
    expect([failed.retries, fine.retries]).toEqual([1, 0]);
  });

  test('a question that fails counts as no answer', async () => {
    const failed = listener(false);
    const recovery = new WatchRecovery({
      listeners: [failed],
      answers: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443')),
      intervalMs: 1_000,
    });
    await recovery.check();
    expect(failed.retries).toBe(0);
  });

  test('asks one question at a time', async () => {
    let asked = 0;
    let release: () => void = () => undefined;
    const recovery = new WatchRecovery({
      listeners: [listener(false)],
      answers: () => {
        asked++;
        return new Promise<boolean>((resolve) => (release = () => resolve(true)));
      },
      intervalMs: 1_000,
    });
    const first = recovery.check();
    await recovery.check();
    expect(asked).toBe(1);
    release();
    await first;
  });
});
