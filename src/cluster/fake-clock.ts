// A clock for unit tests of code that takes `now` and `sleep(ms, signal)` (the elector,
// the pass loop): its timers fire only when the test advances it, so tests wait for
// nothing and know every instant exactly.

/** Lets every pending promise chain run (fakes answer in microtasks). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock {
  private at: number;
  private timers: { at: number; fire: () => void }[] = [];

  constructor(start: number) {
    this.at = start;
  }

  readonly now = (): number => this.at;

  /** Resolves once the clock has been advanced by `ms`, or at once when the signal aborts. */
  readonly sleep = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      const timer = {
        at: this.at + ms,
        fire: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      if (signal.aborted) return resolve();
      this.timers.push(timer);
      signal.addEventListener('abort', onAbort, { once: true });
    });

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own instant. */
  async advance(ms: number): Promise<void> {
    const end = this.at + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.at = Math.max(this.at, due.at);
      due.fire();
      await settle();
    }
    this.at = end;
    await settle();
  }
}
