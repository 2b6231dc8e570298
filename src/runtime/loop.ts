// The core loop: one pass every `intervalMs`, measured start to start. Passes never
// overlap (the next waits for the previous), and each pass gets a deadline signal
// after which its API calls are abandoned. `wake()` brings the next pass forward (no sooner
// than `minGapMs` after the last one started), for events a pass is waiting on. Time is read here and handed to the pass;
// the clock and the timers are injected, as for the listeners and the elector.

export interface LoopOptions {
  readonly intervalMs: number;
  /** The shortest time between the starts of two passes when woken early. */
  readonly minGapMs: number;
  readonly passTimeoutMs: number;
  /** On stop, a running pass may finish for this long before its calls are abandoned. */
  readonly stopGraceMs: number;
  readonly now: () => number;
  /** Resolves after `ms`; may resolve or reject early once `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<unknown>;
  readonly pass: (signal: AbortSignal, now: number) => Promise<void>;
  readonly onError: (err: unknown) => void;
}

export class PassLoop {
  private stopping = false;
  private running: Promise<void> | undefined;
  private current: AbortController | undefined;
  /** Aborted by stop(): ends the wait between passes at once. */
  private readonly halt = new AbortController();
  private lastPassEnd: number | undefined;
  private passCount = 0;
  /** Aborted by wake(): ends the wait between passes early. */
  private nap = new AbortController();
  private woken = false;

  constructor(private readonly options: LoopOptions) {}

  /** Passes completed so far. */
  get passes(): number {
    return this.passCount;
  }

  /** When the last pass ended (ms since the epoch), for /healthz; undefined before the first. */
  get lastPassEndedAt(): number | undefined {
    return this.lastPassEnd;
  }

  /** The next pass starts as soon as the minimum gap allows, instead of at the interval. */
  wake(): void {
    this.woken = true;
    this.nap.abort();
  }

  start(): void {
    if (this.running !== undefined) return;
    this.running = this.run();
  }

  /**
   * Stops planning; a pass in flight finishes, or is abandoned after the grace period
   * (stopGraceMs unless given: 0 abandons its calls at once, as when the lease is lost).
   */
  async stop(graceMs = this.options.stopGraceMs): Promise<void> {
    this.stopping = true;
    this.halt.abort();
    if (graceMs <= 0) this.current?.abort(new Error('scheduler stopping at once'));
    const grace = new AbortController();
    this.after(graceMs, grace.signal, () => this.current?.abort(new Error('scheduler stopping')));
    try {
      await this.running;
    } finally {
      grace.abort();
    }
  }

  private async run(): Promise<void> {
    const { now, passTimeoutMs } = this.options;
    while (!this.stopping) {
      const started = now();
      const controller = new AbortController();
      this.current = controller;
      const deadline = new AbortController();
      this.after(passTimeoutMs, deadline.signal, () => controller.abort(new Error('pass deadline')));
      try {
        await this.options.pass(controller.signal, started);
      } catch (err) {
        this.options.onError(err);
      } finally {
        deadline.abort();
        this.current = undefined;
        this.passCount += 1;
        this.lastPassEnd = now();
      }
      await this.waitAfter(started);
    }
  }

  /** Until the next pass is due (at the interval, or after the minimum gap once woken), or stop(). */
  private async waitAfter(started: number): Promise<void> {
    const { now, intervalMs, minGapMs } = this.options;
    if (this.stopping) return;
    if (!this.woken) {
      this.nap = new AbortController();
      const nap = this.nap;
      const stop = (): void => nap.abort();
      this.halt.signal.addEventListener('abort', stop, { once: true });
      await this.options.sleep(Math.max(0, intervalMs - (now() - started)), nap.signal).catch(() => undefined);
      this.halt.signal.removeEventListener('abort', stop);
    }
    if (this.stopping || !this.woken) return;
    this.woken = false;
    const gap = minGapMs - (now() - started);
    if (gap > 0) await this.options.sleep(gap, this.halt.signal).catch(() => undefined);
  }

  /** Calls `fire` after `ms` unless `cancel` aborts first. */
  private after(ms: number, cancel: AbortSignal, fire: () => void): void {
    this.options.sleep(ms, cancel).then(
      () => {
        if (!cancel.aborted) fire();
      },
      () => undefined,
    );
  }
}
