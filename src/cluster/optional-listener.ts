// A listener of an API the cluster may not serve (a CRD not installed, a beta group not
// enabled): it watches only while discovery says the API is served, asks again every
// `recheckMs`, and otherwise lists nothing and says why. It never holds up the others:
// what it cannot answer for is reported as unavailable, and the planner holds only the
// pods that depend on it.
import { apiName, type ApiResource, type Serving } from './discovery.js';
import type { Listener } from './listeners.js';

export interface OptionalListenerOptions<T> {
  readonly api: ApiResource;
  /** What the API is for, in log lines: `gang source volcano`. */
  readonly purpose: string;
  readonly listener: Listener<T>;
  readonly check: () => Promise<Serving>;
  readonly recheckMs: number;
  /** Waits; resolves or rejects early when the signal aborts (stopped). */
  readonly delay: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly log: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
}

export class OptionalListener<T> {
  private serving: Serving | undefined;
  private running = false;
  private stopping = new AbortController();
  private rechecks: Promise<void> = Promise.resolve();

  constructor(private readonly options: OptionalListenerOptions<T>) {}

  /** Checks once (and starts listening when served), then re-checks in the background. */
  async start(): Promise<void> {
    this.stopping = new AbortController();
    await this.checkNow(true);
    this.rechecks = this.recheckLoop(this.stopping.signal);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.rechecks;
    if (this.running) await this.options.listener.stop();
    this.running = false;
  }

  /** The API's objects while it is served and listened to; none otherwise. */
  list(): readonly T[] {
    return this.running ? this.options.listener.list() : [];
  }

  /** Why this API's objects cannot be relied on now, or undefined when they can. */
  unavailable(): string | undefined {
    const name = apiName(this.options.api);
    if (this.serving === undefined) return `${name}: not checked yet`;
    if (!this.serving.served) return this.serving.reason;
    if (!this.options.listener.synced) return `${name}: not listed yet`;
    return undefined;
  }

  private async recheckLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.options.delay(this.options.recheckMs, signal);
      } catch {
        return; // stopped while waiting
      }
      if (signal.aborted) return;
      await this.checkNow(false);
    }
  }

  private async checkNow(first: boolean): Promise<void> {
    const { api, purpose, log } = this.options;
    const serving = await this.options.check();
    const before = this.serving;
    if (serving.served) {
      if (!this.running) {
        if (!first) log('info', `${purpose}: ${apiName(api)} is served now; listening`, { api: apiName(api) });
        // Until the first list after a gap, the listener still holds what it had before: the
        // API stays unavailable (with its old reason) rather than showing stale objects.
        await this.options.listener.start();
        this.running = true;
      }
      this.serving = serving;
      return;
    }
    // A failed check says nothing about an API being listened to: keep listening until
    // discovery answers that it is gone.
    if (this.running && !serving.definite) return;
    this.serving = serving;
    if (this.running) {
      this.running = false;
      await this.options.listener.stop();
    }
    if (first || before?.served !== false || before.reason !== serving.reason) {
      log(
        'info',
        `${purpose}: ${serving.reason}; pods that need it wait, checked again every ${Math.round(this.options.recheckMs / 1000)} s`,
        {
          api: apiName(api),
        },
      );
    }
  }
}
