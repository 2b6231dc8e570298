import { ApiException } from '@kubernetes/client-node';
import { callWithRetry } from './retry.js';

const policy = { attempts: 4, initialDelayMs: 1, maxDelayMs: 2 };
const fail = (code: number) => new ApiException(code, `HTTP ${code}`, '', {});

describe('callWithRetry', () => {
  it('retries transient failures, then succeeds', async () => {
    let calls = 0;
    const outcome = await callWithRetry(async () => {
      calls++;
      if (calls < 3) throw fail(503);
      return 'ok';
    }, policy);
    expect(outcome).toEqual({ ok: true, value: 'ok' });
    expect(calls).toBe(3);
  });

  it('gives up after the bounded number of attempts', async () => {
    let calls = 0;
    const outcome = await callWithRetry(async () => {
      calls++;
      throw fail(500);
    }, policy);
    expect(outcome).toMatchObject({ ok: false, abandoned: false, error: { kind: 'transient', status: 500 } });
    expect(calls).toBe(4);
  });

  it.each([404, 409, 403, 422])('does not retry HTTP %i', async (code) => {
    let calls = 0;
    const outcome = await callWithRetry(async () => {
      calls++;
      throw fail(code);
    }, policy);
    expect(calls).toBe(1);
    expect(outcome.ok || outcome.abandoned).toBe(false);
    expect(!outcome.ok && outcome.error.status).toBe(code);
  });

  it('lets the caller refuse a retry (429 on eviction: a PDB says no)', async () => {
    let calls = 0;
    const outcome = await callWithRetry(
      async () => {
        calls++;
        throw fail(429);
      },
      policy,
      { retryable: (e) => e.kind === 'transient' && e.status !== 429 },
    );
    expect(calls).toBe(1);
    expect(!outcome.ok && outcome.error.status).toBe(429);
  });

  it('abandons a call that outlives the deadline', async () => {
    const controller = new AbortController();
    const never = new Promise<string>(() => undefined);
    const pending = callWithRetry(() => never, policy, { signal: controller.signal });
    controller.abort();
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.abandoned).toBe(true);
    expect(outcome).toEqual({
      ok: false,
      abandoned: true,
      error: { kind: 'transient', status: undefined, message: 'abandoned at the pass deadline' },
    });
  });

  it('sends nothing once the signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const outcome = await callWithRetry(async () => void calls++, policy, { signal: controller.signal });
    expect(calls).toBe(0);
    expect(!outcome.ok && outcome.abandoned).toBe(true);
  });
});
