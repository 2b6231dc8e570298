import { describe, expect, test } from '@jest/globals';
import { LeaseElector, timingsProblem, type LeaseTimings } from './lease.js';
import { FakeClock } from './fake-clock.js';
import type { LeaseApi, LeaseRecord, StoredLease } from './lease-api.js';

const TIMINGS: LeaseTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const T0 = Date.UTC(2030, 0, 1);

interface Write {
  readonly by: string;
  readonly at: number;
  readonly record: LeaseRecord;
}

/** One Lease in memory, with resourceVersion checks like the API server's; per-client faults. */
class FakeLeases {
  stored: StoredLease | undefined;
  readonly writes: Write[] = [];
  /** Clients whose calls fail with 503. */
  readonly down = new Set<string>();
  /** Clients whose calls never answer. */
  readonly hung = new Set<string>();
  /** Clients whose calls answer after this many ms. */
  readonly slow = new Map<string, number>();
  private version = 0;

  constructor(private readonly clock: FakeClock) {}

  /** Someone outside the test's electors writes the lease. */
  put(record: LeaseRecord, by = 'outsider'): void {
    this.stored = { record, resourceVersion: String(++this.version) };
    this.writes.push({ by, at: this.clock.now(), record });
  }

  api(client: string): LeaseApi {
    const call = async <T>(answer: () => T): Promise<T> => {
      if (this.hung.has(client)) return new Promise<T>(() => undefined);
      const delay = this.slow.get(client);
      await (delay === undefined ? Promise.resolve() : this.clock.sleep(delay, new AbortController().signal));
      if (this.down.has(client)) throw Object.assign(new Error('service unavailable'), { code: 503 });
      return answer();
    };
    const conflict = (): Error =>
      Object.assign(new Error('HTTP 409'), {
        code: 409,
        body: '{"kind":"Status","message":"the object has been modified"}',
      });
    return {
      where: 'ns/lease',
      read: () => call(() => this.stored),
      create: (record) =>
        call(() => {
          if (this.stored !== undefined) throw conflict();
          this.put(record, client);
          return this.stored!;
        }),
      replace: (record, resourceVersion) =>
        call(() => {
          if (this.stored?.resourceVersion !== resourceVersion) throw conflict();
          this.put(record, client);
          return this.stored;
        }),
    };
  }
}

interface Candidate {
  readonly elector: LeaseElector;
  readonly acquiredAt: number[];
  readonly lost: { at: number; reason: string }[];
}

function candidate(clock: FakeClock, leases: FakeLeases, identity: string, timings: LeaseTimings = TIMINGS): Candidate {
  const acquiredAt: number[] = [];
  const lost: { at: number; reason: string }[] = [];
  const elector = new LeaseElector({
    ...timings,
    lease: leases.api(identity),
    identity,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    onAcquired: () => acquiredAt.push(clock.now()),
    onLost: (reason) => lost.push({ at: clock.now(), reason }),
    log: () => undefined,
  });
  elector.start();
  return { elector, acquiredAt, lost };
}

function heldBy(holder: string, at: number): LeaseRecord {
  return {
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: new Date(at),
    renewTime: new Date(at),
    leaseTransitions: 3,
  };
}

const lastWriteBy = (leases: FakeLeases, who: string): Write => leases.writes.filter((w) => w.by === who).at(-1)!;

describe('LeaseElector', () => {
  test('creates an absent lease and leads', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    await clock.advance(0);
    expect(a.elector.leading).toBe(true);
    expect(a.acquiredAt).toEqual([T0]);
    expect(leases.stored?.record).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: new Date(T0),
      renewTime: new Date(T0),
      leaseTransitions: 0,
    });
  });

  test('of two candidates exactly one leads, and keeps the lease by renewing every retryPeriod', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    const b = candidate(clock, leases, 'b');
    for (let i = 0; i < 30; i++) {
      await clock.advance(2_000);
      expect([a.elector.leading, b.elector.leading].filter(Boolean)).toHaveLength(1);
    }
    const leader = a.elector.leading ? a : b;
    const standby = leader === a ? b : a;
    expect(leader.acquiredAt).toHaveLength(1);
    expect(standby.acquiredAt).toEqual([]);
    expect(leader.lost).toEqual([]);
    expect(leases.stored?.record.renewTime?.getTime()).toBeGreaterThanOrEqual(T0 + 58_000);
    expect(leases.stored?.record.acquireTime).toEqual(new Date(T0));
    expect(standby.elector.lastAttemptEndedAt).toBeGreaterThanOrEqual(T0 + 55_000);
  });

  test('a silent holder expires leaseDuration after we first saw its record, whatever its timestamps say', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    // Renewed "a year ago" by the holder's clock: skew, not expiry, as far as we can know.
    leases.put(heldBy('ghost', T0 - 365 * 86_400_000));
    const b = candidate(clock, leases, 'b');
    await clock.advance(14_000);
    expect(b.elector.leading).toBe(false);
    await clock.advance(4_000);
    expect(b.elector.leading).toBe(true);
    expect(b.acquiredAt[0]).toBeGreaterThanOrEqual(T0 + 15_000);
    expect(leases.stored?.record).toMatchObject({
      holderIdentity: 'b',
      leaseTransitions: 4,
      acquireTime: new Date(b.acquiredAt[0]!),
    });
  });

  test('a holder that keeps writing is never taken over, even with a renewTime far in the future', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    leases.put(heldBy('busy', T0));
    const b = candidate(clock, leases, 'b');
    for (let i = 0; i < 10; i++) {
      await clock.advance(10_000);
      leases.put(heldBy('busy', T0 + 3_600_000));
    }
    expect(b.acquiredAt).toEqual([]);
  });

  test('a leader whose renewals fail steps down at renewDeadline, before the lease can expire for others', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    await clock.advance(0);
    const b = candidate(clock, leases, 'b');
    await clock.advance(5_000);
    leases.down.add('a');
    await clock.advance(30_000);
    const lastRenewal = lastWriteBy(leases, 'a').at;
    expect(a.lost).toHaveLength(1);
    expect(a.lost[0]!.at - lastRenewal).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs);
    expect(a.lost[0]!.reason).toContain('renewDeadline');
    expect(a.elector.leading).toBe(false);
    expect(b.acquiredAt[0]! - lastRenewal).toBeGreaterThanOrEqual(TIMINGS.leaseDurationMs);
  });

  test('a renewal that never answers does not delay stepping down', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    await clock.advance(3_000);
    leases.hung.add('a');
    await clock.advance(20_000);
    expect(a.lost).toHaveLength(1);
    expect(a.lost[0]!.at - lastWriteBy(leases, 'a').at).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs);
  });

  test('an outage shorter than renewDeadline keeps the lease', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    await clock.advance(1_000);
    leases.down.add('a');
    await clock.advance(6_000);
    leases.down.delete('a');
    await clock.advance(20_000);
    expect(a.lost).toEqual([]);
    expect(a.elector.leading).toBe(true);
  });

  test('a leader that sees another holder steps down at once', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    await clock.advance(1_000);
    leases.put(heldBy('intruder', T0));
    await clock.advance(2_000);
    expect(a.lost.map((l) => l.reason)).toEqual(['the lease is now held by intruder']);
  });

  test('stop releases the lease, and a standby takes over at its next retry instead of after leaseDuration', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    await clock.advance(0);
    const b = candidate(clock, leases, 'b');
    await clock.advance(7_000);
    expect(b.elector.leading).toBe(false);
    const stopped = a.elector.stop();
    await clock.advance(0);
    await stopped;
    expect(a.elector.leading).toBe(false);
    expect(a.lost).toEqual([]);
    expect(leases.stored?.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
    const releasedAt = clock.now();
    await clock.advance(TIMINGS.retryPeriodMs * 1.2);
    expect(b.elector.leading).toBe(true);
    expect(b.acquiredAt[0]! - releasedAt).toBeLessThanOrEqual(TIMINGS.retryPeriodMs * 1.2);
    expect(leases.stored?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  test('a standby that stops writes nothing', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    leases.put(heldBy('other', T0));
    const b = candidate(clock, leases, 'b');
    await clock.advance(5_000);
    const stopped = b.elector.stop();
    await clock.advance(0);
    await stopped;
    expect(leases.writes.map((w) => w.by)).toEqual(['outsider']);
  });

  test('release does not overwrite a lease someone else took meanwhile (409)', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    await clock.advance(1_000);
    leases.put(heldBy('intruder', T0));
    const stopped = a.elector.stop();
    await clock.advance(0);
    await stopped;
    expect(leases.stored?.record.holderIdentity).toBe('intruder');
  });

  test('stop waits for a renewal under way, then releases with its resourceVersion', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    const a = candidate(clock, leases, 'a');
    await clock.advance(1_000);
    leases.slow.set('a', 300);
    await clock.advance(1_100); // the renewal at 2 s is under way
    let done = false;
    void a.elector.stop().then(() => (done = true));
    await clock.advance(0);
    expect(done).toBe(false);
    await clock.advance(1_000);
    expect(done).toBe(true);
    expect(leases.stored?.record.holderIdentity).toBe('');
  });

  test('stop while a call hangs ends within renewDeadline', async () => {
    const clock = new FakeClock(T0);
    const leases = new FakeLeases(clock);
    leases.hung.add('a');
    const a = candidate(clock, leases, 'a');
    await clock.advance(1_000);
    let done = false;
    void a.elector.stop().then(() => (done = true));
    await clock.advance(TIMINGS.renewDeadlineMs);
    expect(done).toBe(true);
  });
});

describe('timingsProblem', () => {
  test.each([
    [{ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }, undefined],
    [{ leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 }, undefined],
    [
      { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      'leaseDuration must be longer than renewDeadline',
    ],
    [
      { leaseDurationMs: 15_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 },
      'renewDeadline must be longer than retryPeriod',
    ],
    [
      { leaseDurationMs: 900, renewDeadlineMs: 500, retryPeriodMs: 100 },
      'leaseDuration must be at least 1s (a Lease counts whole seconds)',
    ],
  ])('%j', (timings, problem) => {
    expect(timingsProblem(timings)).toBe(problem);
  });

  test('the elector refuses timings that cannot work', () => {
    const clock = new FakeClock(T0);
    expect(
      () =>
        new LeaseElector({
          leaseDurationMs: 5_000,
          renewDeadlineMs: 6_000,
          retryPeriodMs: 1_000,
          lease: new FakeLeases(clock).api('a'),
          identity: 'a',
          now: clock.now,
          sleep: clock.sleep,
          random: () => 0,
          onAcquired: () => undefined,
          onLost: () => undefined,
          log: () => undefined,
        }),
    ).toThrow('leaseDuration must be longer than renewDeadline');
  });
});
