import { Listener, type InformerLike } from './listeners.js';

/** An informer whose start() fails the first `failures` times, as ListWatch does: it emits error. */
class FakeInformer implements InformerLike<{ name: string }> {
  starts = 0;
  stops = 0;
  private readonly handlers = new Map<string, ((x?: unknown) => void)[]>();
  constructor(private failures: number) {}
  on(verb: 'add' | 'update' | 'delete', cb: (obj: { name: string }) => void): void;
  on(verb: 'error' | 'connect', cb: (err?: unknown) => void): void;
  on(verb: string, cb: (x: never) => void): void {
    this.handlers.set(verb, [...(this.handlers.get(verb) ?? []), cb as (x?: unknown) => void]);
  }
  emit(verb: string, x?: unknown): void {
    for (const cb of this.handlers.get(verb) ?? []) cb(x);
  }
  async start(): Promise<void> {
    this.starts++;
    if (this.failures > 0) {
      this.failures--;
      this.emit('error', new Error('connect ECONNREFUSED'));
      return;
    }
    this.emit('connect');
  }
  async stop(): Promise<void> {
    this.stops++;
  }
  list(): readonly { name: string }[] {
    return [];
  }
}

function setup(failures: number) {
  let clock = 0;
  const delays: number[] = [];
  const informer = new FakeInformer(failures);
  const listener = new Listener(informer, {
    name: 'pods',
    restartInitialDelayMs: 100,
    restartMaxDelayMs: 1_000,
    quietMs: 60_000,
    now: () => clock,
    delay: async (ms) => {
      delays.push(ms);
      clock += ms;
    },
    random: () => 1,
    log: () => undefined,
  });
  return { informer, listener, delays, advance: (ms: number) => (clock += ms) };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

describe('Listener', () => {
  it('restarts a failed informer with exponential, capped backoff, then reports synced', async () => {
    const { informer, listener, delays } = setup(5);
    await listener.start(1e9);
    await settle();
    expect(informer.starts).toBe(6);
    expect(delays).toEqual([100, 200, 400, 800, 1_000]);
    expect(listener.synced).toBe(true);
    await listener.stop();
  });

  it('is current from a successful list until the watch fails, and again once it has listed', async () => {
    const { informer, listener } = setup(0);
    expect(listener.current).toBe(false);
    await listener.start(1e9);
    expect(listener.current).toBe(true);
    informer.emit('error', new Error('read ECONNRESET'));
    expect([listener.current, listener.synced]).toEqual([false, true]);
    await settle();
    expect(informer.starts).toBe(2);
    expect(listener.current).toBe(true);
    await listener.stop();
    expect(listener.current).toBe(false);
  });

  it('ends a backoff wait at once when told the API server answers again, also after a failed retry', async () => {
    const informer = new FakeInformer(2);
    let waiting: AbortSignal | undefined;
    const listener = new Listener(informer, {
      name: 'pods',
      restartInitialDelayMs: 30_000,
      restartMaxDelayMs: 30_000,
      quietMs: 60_000,
      now: () => 0,
      // A backoff that lasts until it is aborted.
      delay: (_ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          waiting = signal;
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
      log: () => undefined,
    });
    await listener.start(1e9);
    await settle();
    expect([informer.starts, listener.current, waiting?.aborted]).toEqual([1, false, false]);
    listener.retryNow();
    await settle();
    // The retry failed too (the server was not ready yet): a new backoff, ended the same way.
    expect([informer.starts, listener.current, waiting?.aborted]).toEqual([2, false, false]);
    listener.retryNow();
    await settle();
    expect([informer.starts, listener.current]).toEqual([3, true]);
    await listener.stop();
  });

  it('is not synced while the first list keeps failing', async () => {
    const { listener } = setup(1);
    const start = listener.start(1e9);
    expect(listener.synced).toBe(false);
    await start;
    await listener.stop();
  });

  it('restarts a watch that has been quiet too long, and leaves a lively one alone', async () => {
    const { informer, listener, advance } = setup(0);
    await listener.start(1e9);
    advance(30_000);
    informer.emit('update', { name: 'x' });
    advance(40_000);
    listener.checkWatchdog();
    expect(informer.stops).toBe(0);
    advance(30_000);
    listener.checkWatchdog();
    await settle();
    expect(informer.stops).toBe(1);
    expect(informer.starts).toBe(2);
    await listener.stop();
  });
});
