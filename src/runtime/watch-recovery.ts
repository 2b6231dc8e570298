// While passes are held because a watch failed, the listeners wait out their backoff (up to
// watchRestartMaxDelay, 30 s) before listing again, so after a 30 s outage of kube-apiserver
// scheduling resumed anywhere from 2.5 to 57 s after the server was back. This asks the API
// server every second whether it answers, and when it does, the failed listeners restart at
// once.

export interface Recoverable {
  readonly current: boolean;
  retryNow(): void;
}

export interface WatchRecoveryOptions {
  readonly listeners: readonly Recoverable[];
  /** Whether the API server answers (its /readyz); rejects or false when it does not. */
  readonly answers: () => Promise<boolean>;
  readonly intervalMs: number;
}

export class WatchRecovery {
  private timer: NodeJS.Timeout | undefined;
  private asking = false;

  constructor(private readonly options: WatchRecoveryOptions) {}

  /** Asks while `held`, stops asking once passes resume. */
  update(held: boolean): void {
    if (held && this.timer === undefined) {
      this.timer = setInterval(() => void this.check(), this.options.intervalMs);
      this.timer.unref();
    } else if (!held) this.stop();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One question; a failed watch restarts at once when the answer is yes. */
  async check(): Promise<void> {
    if (this.asking) return;
    this.asking = true;
    try {
      const answers = await this.options.answers().catch(() => false);
      if (answers) for (const l of this.options.listeners) if (!l.current) l.retryNow();
    } finally {
      this.asking = false;
    }
  }
}
