import { PassLoop } from './loop.js';

describe('PassLoop', () => {
  it('never overlaps passes, and stop waits for the pass in flight', async () => {
    let running = 0;
    let overlapped = false;
    let passes = 0;
    const loop = new PassLoop({
      intervalMs: 1,
      passTimeoutMs: 1_000,
      stopGraceMs: 1_000,
      now: Date.now,
      onError: () => undefined,
      pass: async () => {
        running++;
        if (running > 1) overlapped = true;
        await new Promise((r) => setTimeout(r, 5));
        running--;
        passes++;
      },
    });
    loop.start();
    while (passes < 3) await new Promise((r) => setTimeout(r, 5));
    await loop.stop();
    expect(overlapped).toBe(false);
    expect(passes).toBeGreaterThan(2);
    expect(running).toBe(0);
    expect(loop.passes).toBe(passes);
  });

  it('gives each pass a deadline signal, and survives a pass that throws', async () => {
    const errors: unknown[] = [];
    const aborted: boolean[] = [];
    const loop = new PassLoop({
      intervalMs: 1,
      passTimeoutMs: 10,
      stopGraceMs: 1_000,
      now: Date.now,
      onError: (e) => errors.push(e),
      pass: async (signal) => {
        await new Promise((r) => setTimeout(r, 30));
        aborted.push(signal.aborted);
        throw new Error('boom');
      },
    });
    loop.start();
    while (errors.length < 2) await new Promise((r) => setTimeout(r, 5));
    await loop.stop();
    expect(aborted.every(Boolean)).toBe(true);
    expect(errors.length).toBeGreaterThan(1);
  });

  it('stop(0) abandons the pass in flight at once', async () => {
    let signalled: AbortSignal | undefined;
    const loop = new PassLoop({
      intervalMs: 1,
      passTimeoutMs: 60_000,
      stopGraceMs: 60_000,
      now: Date.now,
      onError: () => undefined,
      pass: (signal) => {
        signalled = signal;
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
      },
    });
    loop.start();
    while (signalled === undefined) await new Promise((r) => setTimeout(r, 1));
    await loop.stop(0);
    expect(signalled.aborted).toBe(true);
    expect(loop.passes).toBe(1);
  });
});
