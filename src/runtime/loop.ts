// The core loop: one pass every `intervalMs`, measured start to start. Passes never
// overlap (the next waits for the previous), and each pass gets a deadline signal
// after which its API calls are abandoned. Time is read here and handed to the pass;
// the clock and the timers are injected, as for the listeners and the elector.

export interface LoopOptions {
  readonly intervalMs: number;
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

  constructor(private readonly options: LoopOptions) {}

  /** Passes completed so far. */
  get passes(): number {
    return this.passCount;
  }

  /** When the last pass ended (ms since the epoch), for /healthz; undefined before the first. */
  get lastPassEndedAt(): number | undefined {
    return this.lastPassEnd;
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
    const { now, intervalMs, passTimeoutMs } = this.options;
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
      await this.wait(Math.max(0, intervalMs - (now() - started)));
    }
  }

  /** Until the next pass is due, or stop() is called. */
  private async wait(ms: number): Promise<void> {
    if (this.stopping) return;
    await this.options.sleep(ms, this.halt.signal).catch(() => undefined);
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
