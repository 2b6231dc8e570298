// Leader election on one coordination.k8s.io Lease, the way client-go's leaderelection
// works: read, then create or replace with the resourceVersion read (409 = another replica
// won). A lease held by someone else counts as expired only after leaseDuration has passed
// on OUR clock since we last saw its record change; the holder's timestamps are never
// compared with our clock, so clock skew between machines does not matter.
//
//   standby --acquired--> leading --renewal failing for renewDeadline--> lost (onLost)
//      |                     |         (or another holder seen)
//      +------ stop() -------+--> stopped; stop() while leading releases the lease
//
// The leader gives up at (start of its last successful renewal + renewDeadline), which is
// before any other replica can see the lease expire (>= the same instant + leaseDuration).
import { classifyError } from './errors.js';
import type { LeaseApi, LeaseRecord, StoredLease } from './lease-api.js';

export interface LeaseTimings {
  /** How long others wait after the last change they saw before taking the lease over. */
  readonly leaseDurationMs: number;
  /** The leader steps down when it could not renew for this long. */
  readonly renewDeadlineMs: number;
  /** Between two attempts to acquire or renew. */
  readonly retryPeriodMs: number;
}

export type ElectorLogLevel = 'debug' | 'info' | 'warn';

export interface ElectorOptions extends LeaseTimings {
  /** The Lease contended for. */
  readonly lease: LeaseApi;
  /** Unique per replica and per start (a restarted pod is a new candidate). */
  readonly identity: string;
  readonly now: () => number;
  /** Resolves after `ms`; may resolve or reject early once `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<unknown>;
  /** In [0, 1): spreads the retries of standby replicas. */
  readonly random: () => number;
  /** This replica now holds the lease. */
  readonly onAcquired: () => void;
  /** This replica no longer holds the lease (it stopped renewing in time, or someone took it). */
  readonly onLost: (reason: string) => void;
  readonly log: (level: ElectorLogLevel, message: string, fields: Record<string, unknown>) => void;
}

/** A standby waits retryPeriod plus up to this share of it between attempts. */
const RETRY_JITTER = 0.2;

type Attempt =
  | { readonly kind: 'acquired' }
  | { readonly kind: 'held'; readonly holder: string }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'failed'; readonly message: string };

/** Why a set of timings cannot work, or undefined when it can. */
export function timingsProblem({ leaseDurationMs, renewDeadlineMs, retryPeriodMs }: LeaseTimings): string | undefined {
  if (leaseDurationMs < 1_000) return 'leaseDuration must be at least 1s (a Lease counts whole seconds)';
  if (leaseDurationMs <= renewDeadlineMs) return 'leaseDuration must be longer than renewDeadline';
  if (renewDeadlineMs <= retryPeriodMs) return 'renewDeadline must be longer than retryPeriod';
  return undefined;
}

export class LeaseElector {
  private readonly halt = new AbortController();
  /** Settles once stop() is called. */
  private readonly stopCalled: Promise<void> = new Promise((resolve) =>
    this.halt.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  private running: Promise<void> | undefined;
  private released: Promise<void> | undefined;
  private observed: StoredLease | undefined;
  /** When (our clock) the observed record last changed. */
  private observedAt = 0;
  /** Attempts started; an attempt that answers after its timeout must not overwrite newer observations. */
  private attempts = 0;
  private holding = false;
  /** The attempt under way, bounded by its own timeout (stop() waits for it, not for the halt). */
  private inFlight: Promise<Attempt> | undefined;
  private lastAttemptStart = 0;
  private lastAttemptEnd: number;
  private readonly durationSeconds: number;

  constructor(private readonly options: ElectorOptions) {
    const problem = timingsProblem(options);
    if (problem !== undefined) throw new Error(problem);
    this.durationSeconds = Math.ceil(options.leaseDurationMs / 1_000);
    this.lastAttemptEnd = options.now();
  }

  /** Whether this replica holds the lease now. */
  get leading(): boolean {
    return this.holding;
  }

  /** When the last attempt to acquire or renew ended (for /healthz of a standby). */
  get lastAttemptEndedAt(): number {
    return this.lastAttemptEnd;
  }

  /** Campaigns in the background; onAcquired and onLost report the outcome. */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops campaigning or renewing and, when holding the lease, releases it so a standby takes over at once. */
  stop(): Promise<void> {
    this.released ??= this.stopAndRelease();
    return this.released;
  }

  private async stopAndRelease(): Promise<void> {
    this.halt.abort();
    await this.running;
    // A renewal still under way changes the resourceVersion: let it land before releasing.
    await this.inFlight;
    if (!this.holding) return;
    this.holding = false;
    await this.release();
  }

  private get halted(): boolean {
    return this.halt.signal.aborted;
  }

  private async run(): Promise<void> {
    const { log, lease, identity } = this.options;
    if (!(await this.campaign())) return;
    this.holding = true;
    log('info', 'acquired the lease: leading', { lease: lease.where, identity });
    this.options.onAcquired();
    const lost = await this.hold();
    if (lost === undefined) return; // stopped while leading: stop() releases
    this.holding = false;
    log('warn', 'lost the lease', { lease: lease.where, identity, reason: lost });
    this.options.onLost(lost);
  }

  /** Tries until the lease is ours (true) or stop() is called (false). */
  private async campaign(): Promise<boolean> {
    const { retryPeriodMs, renewDeadlineMs, random, log, lease } = this.options;
    let lastHolder: string | undefined;
    while (!this.halted) {
      const attempt = await this.attempt(renewDeadlineMs);
      if (attempt.kind === 'acquired') {
        if (!this.halted) return true;
        this.holding = true; // won just as we stopped: stop() gives it back
        return false;
      }
      if (attempt.kind === 'held' && attempt.holder !== lastHolder) {
        lastHolder = attempt.holder;
        log('info', 'standing by: another replica leads', { lease: lease.where, leader: attempt.holder });
      } else if (attempt.kind === 'failed') {
        log('warn', 'cannot acquire the lease', { lease: lease.where, error: attempt.message });
      }
      await this.wait(retryPeriodMs * (1 + RETRY_JITTER * random()), this.halt.signal);
    }
    return false;
  }

  /** Renews every retryPeriod; resolves with the reason it was lost, or undefined once stopped. */
  private async hold(): Promise<string | undefined> {
    const { retryPeriodMs, renewDeadlineMs, now, log, lease } = this.options;
    // The start of the last successful write: others count their leaseDuration from later.
    let renewedAt = this.lastAttemptStart;
    for (;;) {
      await this.wait(Math.min(retryPeriodMs, Math.max(0, renewedAt + renewDeadlineMs - now())), this.halt.signal);
      if (this.halted) return undefined;
      const remaining = renewedAt + renewDeadlineMs - now();
      if (remaining <= 0) return `could not renew the lease within renewDeadline (${renewDeadlineMs} ms)`;
      const attempt = await this.attempt(remaining);
      if (this.halted) return undefined;
      if (attempt.kind === 'acquired') {
        renewedAt = this.lastAttemptStart;
        continue;
      }
      if (attempt.kind === 'held') return `the lease is now held by ${attempt.holder}`;
      log('warn', 'cannot renew the lease', {
        lease: lease.where,
        error: attempt.kind === 'failed' ? attempt.message : 'conflict',
      });
    }
  }

  /** One read-then-write, given up after `timeoutMs`; on stop, the caller stops waiting at once. */
  private async attempt(timeoutMs: number): Promise<Attempt> {
    const seq = ++this.attempts;
    this.lastAttemptStart = this.options.now();
    const timer = new AbortController();
    const timedOut = this.wait(timeoutMs, timer.signal).then((): Attempt => ({
      kind: 'failed',
      message: `no answer within ${timeoutMs} ms`,
    }));
    const bounded = Promise.race([this.tryAcquireOrRenew(seq), timedOut]).finally(() => {
      timer.abort();
      this.lastAttemptEnd = this.options.now();
    });
    this.inFlight = bounded;
    return Promise.race([bounded, this.stopCalled.then((): Attempt => ({ kind: 'failed', message: 'stopping' }))]);
  }

  private async tryAcquireOrRenew(seq: number): Promise<Attempt> {
    const { lease, identity, now } = this.options;
    const startedAt = now();
    const ours = (previous: LeaseRecord | undefined): LeaseRecord => {
      const renewing = previous?.holderIdentity === identity;
      return {
        holderIdentity: identity,
        leaseDurationSeconds: this.durationSeconds,
        acquireTime: renewing && previous.acquireTime !== undefined ? previous.acquireTime : new Date(startedAt),
        renewTime: new Date(startedAt),
        leaseTransitions:
          previous === undefined ? 0 : renewing ? previous.leaseTransitions : previous.leaseTransitions + 1,
      };
    };
    try {
      const current = await lease.read();
      if (current === undefined) {
        this.observe(seq, await lease.create(ours(undefined)));
        return { kind: 'acquired' };
      }
      this.observe(seq, current);
      const holder = current.record.holderIdentity;
      if (
        holder !== '' &&
        holder !== identity &&
        now() < this.observedAt + current.record.leaseDurationSeconds * 1_000
      ) {
        return { kind: 'held', holder };
      }
      this.observe(seq, await lease.replace(ours(current.record), current.resourceVersion));
      return { kind: 'acquired' };
    } catch (err) {
      const failure = classifyError(err);
      return failure.kind === 'conflict' ? { kind: 'conflict' } : { kind: 'failed', message: failure.message };
    }
  }

  /** Remembers a record, and when it changed on our clock; answers of abandoned attempts are ignored. */
  private observe(seq: number, stored: StoredLease): void {
    if (seq !== this.attempts) return;
    if (stored.resourceVersion !== this.observed?.resourceVersion) this.observedAt = this.options.now();
    this.observed = stored;
  }

  /** Hands the lease back: no holder, 1 s duration, so the next replica need not wait. */
  private async release(): Promise<void> {
    const { lease, identity, now, log, renewDeadlineMs } = this.options;
    const held = this.observed;
    if (held === undefined || held.record.holderIdentity !== identity) return;
    const record: LeaseRecord = {
      ...held.record,
      holderIdentity: '',
      leaseDurationSeconds: 1,
      renewTime: new Date(now()),
    };
    const timer = new AbortController();
    try {
      const answer = lease.replace(record, held.resourceVersion).then(() => 'released' as const);
      answer.catch(() => undefined); // a late failure after the timeout is not worth a crash
      const timeout = this.wait(renewDeadlineMs, timer.signal).then(() => 'timeout' as const);
      const outcome = await Promise.race([answer, timeout]);
      log(
        outcome === 'released' ? 'info' : 'warn',
        outcome === 'released' ? 'released the lease' : 'releasing the lease timed out',
        { lease: lease.where, identity },
      );
    } catch (err) {
      // 409: the lease changed since our last renewal, so it is no longer ours to release.
      log('warn', 'could not release the lease', { lease: lease.where, identity, error: classifyError(err).message });
    } finally {
      timer.abort();
    }
  }

  /** true when the time elapsed, false when the signal aborted first. */
  private async wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    try {
      await this.options.sleep(ms, signal);
    } catch {
      return false;
    }
    return !signal.aborted;
  }
}
