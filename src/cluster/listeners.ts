// Listeners keep the in-memory maps of nodes, pods and PDBs current with client-node
// informers (list + watch). ListWatch re-lists on 410 and reconnects after timeouts,
// but any other error (connection reset, 5xx, a failing list) stops it for good, so we
// restart it with exponential backoff, and a watchdog restarts a watch gone quiet.

/** The part of client-node's ListWatch a listener uses; tests pass a fake. */
export interface InformerLike<T> {
  on(verb: 'add' | 'update' | 'delete', cb: (obj: T) => void): void;
  on(verb: 'error' | 'connect', cb: (err?: unknown) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): readonly T[];
}

export interface ListenerOptions {
  /** nodes, pods, pdbs: for logs. */
  readonly name: string;
  readonly restartInitialDelayMs: number;
  readonly restartMaxDelayMs: number;
  /** No event and no reconnect for this long: the watch is presumed stuck and restarted. */
  readonly quietMs: number;
  readonly now: () => number;
  /** Waits; resolves or rejects early when the signal aborts (the listener stopped). */
  readonly delay: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly log: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
}

export class Listener<T> {
  private syncedOnce = false;
  private watching = false;
  private stopped = true;
  private restarting = false;
  private failures = 0;
  private errors = 0;
  private lastActivity: number;
  private watchdog: NodeJS.Timeout | undefined;
  private stopping = new AbortController();
  /** Aborted to end a backoff wait early (retryNow). */
  private backoff = new AbortController();

  constructor(
    private readonly informer: InformerLike<T>,
    private readonly options: ListenerOptions,
  ) {
    this.lastActivity = options.now();
    const touch = (): void => {
      this.lastActivity = this.options.now();
    };
    const onObject = (): void => {
      touch();
      this.failures = 0;
    };
    informer.on('add', onObject);
    informer.on('update', onObject);
    informer.on('delete', onObject);
    informer.on('connect', touch);
    informer.on('error', (err) => this.onError(err));
  }

  /** True once a list has succeeded: the maps reflect the cluster (perhaps a little late). */
  get synced(): boolean {
    return this.syncedOnce;
  }

  /**
   * Listed, and watching without an error since: the maps are as current as the watch. False
   * from a failure until the restarted informer has listed again; meanwhile the maps may miss
   * what changed (pods bound, deleted), and a plan made from them could hand out capacity
   * that is taken.
   */
  get current(): boolean {
    return this.watching;
  }

  list(): readonly T[] {
    return this.informer.list();
  }

  /** Starts listing and watching; resolves after the first attempt, successful or not. */
  async start(watchdogIntervalMs = Math.max(1_000, this.options.quietMs / 4)): Promise<void> {
    this.stopped = false;
    this.stopping = new AbortController();
    this.watchdog = setInterval(() => this.checkWatchdog(), watchdogIntervalMs);
    this.watchdog.unref();
    await this.startOnce();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watching = false;
    this.stopping.abort(); // a restart waiting out its backoff gives up now
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
    await this.informer.stop();
  }

  /**
   * Ends the wait before the next restart at once: the caller knows the API server answers
   * again, so there is no point waiting out a backoff of up to restartMaxDelayMs.
   */
  retryNow(): void {
    this.backoff.abort(); // a wait already over is not affected: each restart waits on its own
  }

  /** Restarts the watch when it has been silent too long (called periodically). */
  checkWatchdog(): void {
    if (this.stopped || this.restarting) return;
    const quietFor = this.options.now() - this.lastActivity;
    if (quietFor <= this.options.quietMs) return;
    this.options.log('warn', 'watch quiet too long, restarting', { listener: this.options.name, quietMs: quietFor });
    void this.restart(0);
  }

  private onError(err: unknown): void {
    this.errors += 1;
    this.watching = false;
    if (this.stopped || this.restarting) return;
    this.failures += 1;
    const backoff = Math.min(
      this.options.restartMaxDelayMs,
      this.options.restartInitialDelayMs * 2 ** Math.min(30, this.failures - 1),
    );
    // Jitter (half to full delay) keeps several listeners from reconnecting in lockstep.
    const delayMs = Math.round(backoff * (0.5 + 0.5 * (this.options.random ?? Math.random)()));
    this.options.log('warn', 'watch failed, restarting after backoff', {
      listener: this.options.name,
      error: err instanceof Error ? err.message : String(err),
      delayMs,
    });
    void this.restart(delayMs);
  }

  private async restart(delayMs: number): Promise<void> {
    this.restarting = true;
    const wait = new AbortController();
    this.backoff = wait;
    try {
      const stop = (): void => wait.abort();
      this.stopping.signal.addEventListener('abort', stop, { once: true });
      if (delayMs > 0) await this.options.delay(delayMs, wait.signal).catch(() => undefined);
      this.stopping.signal.removeEventListener('abort', stop);
      if (this.stopped) return;
      await this.informer.stop();
      if (this.stopped) return;
      this.lastActivity = this.options.now();
      this.restarting = false;
      await this.startOnce();
    } finally {
      // A failed start has already begun the next restart: that one is in charge now.
      if (this.backoff === wait) this.restarting = false;
    }
  }

  private async startOnce(): Promise<void> {
    const errorsBefore = this.errors;
    try {
      await this.informer.start();
    } catch (err) {
      this.onError(err);
      return;
    }
    // ListWatch.start() resolves after list + watch; an error on the way was emitted.
    if (this.errors === errorsBefore && !this.stopped) {
      if (!this.syncedOnce) this.options.log('info', 'listener synced', { listener: this.options.name });
      this.syncedOnce = true;
      this.watching = true;
      this.lastActivity = this.options.now();
    }
  }
}
