// The core loop: one pass every `intervalMs`, measured start to start. Passes never
// overlap (the next waits for the previous), and each pass gets a deadline signal
// after which its API calls are abandoned. Time is read here and handed to the pass.

export interface LoopOptions {
  readonly intervalMs: number;
  readonly passTimeoutMs: number;
  /** On stop, a running pass may finish for this long before its calls are abandoned. */
  readonly stopGraceMs: number;
  readonly now: () => number;
  readonly pass: (signal: AbortSignal, now: number) => Promise<void>;
  readonly onError: (err: unknown) => void;
}

export class PassLoop {
  private stopping = false;
  private running: Promise<void> | undefined;
  private current: AbortController | undefined;
  private wake: (() => void) | undefined;
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
    this.wake?.();
    if (graceMs <= 0) this.current?.abort(new Error('scheduler stopping at once'));
    const grace = setTimeout(() => this.current?.abort(new Error('scheduler stopping')), graceMs);
    try {
      await this.running;
    } finally {
      clearTimeout(grace);
    }
  }

  private async run(): Promise<void> {
    const { now, intervalMs, passTimeoutMs } = this.options;
    while (!this.stopping) {
      const started = now();
      const controller = new AbortController();
      this.current = controller;
      const deadline = setTimeout(() => controller.abort(new Error('pass deadline')), passTimeoutMs);
      try {
        await this.options.pass(controller.signal, started);
      } catch (err) {
        this.options.onError(err);
      } finally {
        clearTimeout(deadline);
        this.current = undefined;
        this.passCount += 1;
        this.lastPassEnd = now();
      }
      await this.sleep(Math.max(0, intervalMs - (now() - started)));
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
