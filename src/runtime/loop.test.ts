import { FakeClock, settle } from '../cluster/fake-clock.js';
import { PassLoop, type LoopOptions } from './loop.js';

const T0 = Date.UTC(2026, 0, 1);

function loopOn(clock: FakeClock, options: Pick<LoopOptions, 'pass'> & Partial<LoopOptions>): PassLoop {
  return new PassLoop({
    intervalMs: 10,
    minGapMs: 2,
    passTimeoutMs: 1_000,
    stopGraceMs: 1_000,
    now: clock.now,
    sleep: clock.sleep,
    onError: () => undefined,
    ...options,
  });
}

describe('PassLoop', () => {
  it('never overlaps passes, and stop waits for the pass in flight', async () => {
    const clock = new FakeClock(T0);
    let running = 0;
    let overlapped = false;
    let passes = 0;
    const loop = loopOn(clock, {
      intervalMs: 1,
      pass: async (signal) => {
        running++;
        if (running > 1) overlapped = true;
        await clock.sleep(5, signal);
        running--;
        passes++;
      },
    });
    loop.start();
    await clock.advance(12); // passes take 5 ms each, back to back: done at 5 and 10, the third under way
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    await clock.advance(3); // the third ends at 15; stop returns only then
    await stopping;
    expect(stopped).toBe(true);
    expect(overlapped).toBe(false);
    expect(passes).toBe(3);
    expect(running).toBe(0);
    expect(loop.passes).toBe(passes);
    expect(loop.lastPassEndedAt).toBe(T0 + 15);
  });

  it('starts passes intervalMs apart, start to start, and hands each its start time', async () => {
    const clock = new FakeClock(T0);
    const starts: number[] = [];
    const loop = loopOn(clock, {
      intervalMs: 100,
      pass: async (signal, now) => {
        starts.push(now - T0);
        await clock.sleep(30, signal);
      },
    });
    loop.start();
    await clock.advance(250);
    await loop.stop();
    expect(starts).toEqual([0, 100, 200]);
    expect(loop.passes).toBe(3);
  });

  it('gives each pass a deadline signal, and survives a pass that throws', async () => {
    const clock = new FakeClock(T0);
    const errors: unknown[] = [];
    const abortedAt: number[] = [];
    const loop = loopOn(clock, {
      intervalMs: 1,
      passTimeoutMs: 10,
      onError: (e) => errors.push(e),
      pass: async (signal) => {
        signal.addEventListener('abort', () => abortedAt.push(clock.now() - T0));
        await clock.sleep(30, new AbortController().signal);
        throw new Error('boom');
      },
    });
    loop.start();
    await clock.advance(60); // two passes of 30 ms, each past its 10 ms deadline
    const stopped = loop.stop();
    await clock.advance(30);
    await stopped;
    expect(abortedAt).toEqual([10, 40, 70]);
    expect(errors).toEqual([new Error('boom'), new Error('boom'), new Error('boom')]);
  });

  it('stop(0) abandons the pass in flight at once', async () => {
    const clock = new FakeClock(T0);
    let signalled: AbortSignal | undefined;
    const loop = loopOn(clock, {
      intervalMs: 1,
      passTimeoutMs: 60_000,
      stopGraceMs: 60_000,
      pass: (signal) => {
        signalled = signal;
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
      },
    });
    loop.start();
    await settle();
    expect(signalled?.aborted).toBe(false);
    await loop.stop(0);
    expect(signalled?.aborted).toBe(true);
    expect(signalled?.reason).toEqual(new Error('scheduler stopping at once'));
    expect(loop.passes).toBe(1);
    expect(clock.now()).toBe(T0); // no time passed
  });

  it('on stop, lets the pass in flight finish within the grace period, then abandons it', async () => {
    const clock = new FakeClock(T0);
    let signalled: AbortSignal | undefined;
    const loop = loopOn(clock, {
      passTimeoutMs: 60_000,
      stopGraceMs: 500,
      pass: (signal) => {
        signalled = signal;
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
      },
    });
    loop.start();
    await settle();
    let stopped = false;
    void loop.stop().then(() => (stopped = true));
    await clock.advance(499);
    expect([stopped, signalled?.aborted]).toEqual([false, false]);
    await clock.advance(1);
    expect([stopped, signalled?.aborted]).toEqual([true, true]);
    expect(signalled?.reason).toEqual(new Error('scheduler stopping'));
    expect(clock.pending).toBe(0);
  });
  it('wake() starts the next pass after the minimum gap instead of the interval', async () => {
    const clock = new FakeClock(T0);
    const starts: number[] = [];
    const loop = loopOn(clock, {
      intervalMs: 100,
      minGapMs: 20,
      pass: () => {
        starts.push(clock.now() - T0);
        return Promise.resolve();
      },
    });
    loop.start();
    await clock.advance(5);
    loop.wake(); // 5 ms after the first pass started: the gap holds it until 20
    await clock.advance(14);
    expect(starts).toEqual([0]);
    await clock.advance(1);
    expect(starts).toEqual([0, 20]);
    await clock.advance(99); // not woken again: back to the interval
    expect(starts).toEqual([0, 20]);
    await clock.advance(1);
    expect(starts).toEqual([0, 20, 120]);
    await loop.stop();
  });

  it('a wake() during a pass runs the next one right after it, once the gap has passed', async () => {
    const clock = new FakeClock(T0);
    const starts: number[] = [];
    let first = true;
    const loop = loopOn(clock, {
      intervalMs: 100,
      minGapMs: 20,
      pass: async (signal) => {
        starts.push(clock.now() - T0);
        if (first) {
          first = false;
          loop.wake();
          await clock.sleep(30, signal);
        }
      },
    });
    loop.start();
    await clock.advance(30);
    expect(starts).toEqual([0, 30]);
    await clock.advance(99);
    expect(starts).toEqual([0, 30]);
    await clock.advance(1);
    expect(starts).toEqual([0, 30, 130]);
    await loop.stop();
  });

  it('stop() ends a woken wait at once', async () => {
    const clock = new FakeClock(T0);
    const loop = loopOn(clock, { intervalMs: 100, minGapMs: 50, pass: () => Promise.resolve() });
    loop.start();
    await clock.advance(1);
    loop.wake();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(true);
    await stopping;
  });
});
