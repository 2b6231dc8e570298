// Leader election on the local control plane: two schedulers in this process, on the same
// namespace and nodes, contend for one Lease with short timings. Exactly one schedules;
// each pod is bound once, by the leader (its Scheduled event names the leader's identity);
// a leader that stops hands the Lease over at once; a leader that sees the Lease taken
// stops scheduling and reports it.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { defaultConfig } from '../../src/runtime/config.js';
import { createLogger } from '../../src/runtime/log.js';
import { startScheduler, type RunningScheduler } from '../../src/runtime/scheduler.js';
import { Harness } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(120_000);

const TIMINGS = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };

let h: Harness | undefined;
const replicas: RunningScheduler[] = [];

afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.stop()));
  await h?.cleanup();
  h = undefined;
});

async function replica(harness: Harness, lease: string): Promise<RunningScheduler> {
  const scheduler = await startScheduler({
    kubeConfig: harness.kc,
    config: defaultConfig({
      intervalMs: 500,
      httpPort: 0,
      namespaces: [harness.namespace],
      logLevel: 'warn',
      leaderElection: true,
      lease: { name: lease, namespace: harness.namespace, ...TIMINGS },
    }),
    logger: createLogger({
      level: process.env['TEST_LOG_LEVEL'] === 'info' ? 'info' : 'warn',
      format: 'text',
      isTTY: true,
      stream: process.stderr,
    }),
  });
  replicas.push(scheduler);
  return scheduler;
}

function readLease(harness: Harness, name: string): Promise<k8s.V1Lease> {
  return harness.kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ name, namespace: harness.namespace });
}

/** The client hands MicroTime fields back as text. */
async function renewedAt(harness: Harness, name: string): Promise<number> {
  const at: unknown = (await readLease(harness, name)).spec?.renewTime;
  return new Date(at as string | Date).getTime();
}

async function holder(harness: Harness, name: string): Promise<string> {
  return (await readLease(harness, name)).spec?.holderIdentity ?? '';
}

/** The Scheduled events of a pod, once it has exactly `count`. */
async function scheduledEvents(harness: Harness, pod: string): Promise<k8s.CoreV1Event[]> {
  return waitFor(
    async () => {
      const events = (await harness.events(pod)).filter((e) => e.reason === 'Scheduled');
      return events.length > 0 ? events : undefined;
    },
    { timeoutMs: 10_000, what: `a Scheduled event for pod ${pod}` },
  );
}

describe('leader election', () => {
  test('of two replicas exactly one leads, and only it binds; each pod is bound once', async () => {
    h = await Harness.create('sched-le-one');
    await h.addNodes(3);
    const timeline = await h.watchPods();
    const [a, b] = await Promise.all([replica(h, 'le-one'), replica(h, 'le-one')]);
    const harness = h;

    const leaderId = await waitFor(
      async () => {
        const id = await holder(harness, 'le-one');
        return [a.identity, b.identity].includes(id) ? id : undefined;
      },
      { timeoutMs: 10_000, what: 'one replica to hold the lease' },
    );
    const leader = leaderId === a.identity ? a : b;
    const standby = leader === a ? b : a;
    await waitFor(() => leader.leading(), { timeoutMs: 5_000, what: 'the holder to know it leads' });
    expect(standby.leading()).toBe(false);
    expect(standby.synced()).toBe(true); // warm: its listeners run

    const names = ['p0', 'p1', 'p2'];
    for (const name of names) await h.createPod(name);
    await h.waitBound(names);
    await timeline.seenBound(names);
    // Several renewals later, still one leader, and the standby has never planned.
    const renewed = await renewedAt(h, 'le-one');
    await waitFor(async () => (await renewedAt(harness, 'le-one')) >= renewed + 4 * TIMINGS.retryPeriodMs, {
      timeoutMs: 10_000,
      what: 'the leader to renew the lease a few times',
    });
    expect(await holder(h, 'le-one')).toBe(leader.identity);
    expect(leader.leading() && !standby.leading()).toBe(true);
    expect(standby.passes()).toBe(0);
    expect(leader.passes()).toBeGreaterThan(0);

    for (const name of names) {
      const events = await scheduledEvents(h, name);
      expect(events.map((e) => e.reportingInstance)).toEqual([leader.identity]);
      const pod = await h.pod(name);
      expect(timeline.nodesOf(pod!.metadata!.uid!).size).toBe(1);
    }
    expect(await leader.metrics.render()).toContain('custom_scheduler_leader 1');
    expect(await standby.metrics.render()).toContain('custom_scheduler_leader 0');
    expect(await standby.metrics.render()).toContain('custom_scheduler_binds_total{result="success"} 0');
  });

  test('a leader that stops releases the lease, and the standby takes over at once and binds new pods', async () => {
    h = await Harness.create('sched-le-handover');
    await h.addNodes(2);
    const first = await replica(h, 'le-handover');
    await waitFor(() => first.leading(), { timeoutMs: 10_000, what: 'the first replica to lead' });
    const second = await replica(h, 'le-handover');
    await h.createPod('before');
    await h.waitBound(['before']);
    expect((await scheduledEvents(h, 'before')).map((e) => e.reportingInstance)).toEqual([first.identity]);
    const transitions = (await readLease(h, 'le-handover')).spec?.leaseTransitions ?? 0;

    await first.stop();
    replicas.splice(replicas.indexOf(first), 1);
    const stoppedAt = Date.now();
    expect(first.leading()).toBe(false);
    // Released: no holder (or already the second replica), not left to expire.
    expect(['', second.identity]).toContain(await holder(h, 'le-handover'));

    await waitFor(() => second.leading(), { timeoutMs: 10_000, what: 'the second replica to lead', intervalMs: 50 });
    // At its next retry (retryPeriod plus jitter), not after the lease expired (3 s, plus up to 0.6 s since last seen).
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    const lease = await readLease(h, 'le-handover');
    expect(lease.spec?.holderIdentity).toBe(second.identity);
    expect(lease.spec?.leaseTransitions).toBe(transitions + 1);

    await h.createPod('after');
    await h.waitBound(['after']);
    expect((await scheduledEvents(h, 'after')).map((e) => e.reportingInstance)).toEqual([second.identity]);
  });

  test('a leader that finds the lease taken stops scheduling at once and reports the loss', async () => {
    h = await Harness.create('sched-le-lost');
    await h.addNodes(2);
    const harness = h;
    const leader = await replica(h, 'le-lost');
    await waitFor(() => leader.leading(), { timeoutMs: 10_000, what: 'the replica to lead' });

    // Another party takes the lease over (as after a partition, from its point of view).
    const coordination = h.kc.makeApiClient(k8s.CoordinationV1Api);
    const current = await readLease(h, 'le-lost');
    await coordination.replaceNamespacedLease({
      name: 'le-lost',
      namespace: h.namespace,
      body: { ...current, spec: { ...current.spec, holderIdentity: 'intruder', leaseDurationSeconds: 3_600 } },
    });
    const reason = await leader.leaseLost;
    expect(reason).toContain('intruder');
    expect(leader.leading()).toBe(false);
    expect(await leader.metrics.render()).toContain('custom_scheduler_leader 0');
    const passesAtLoss = leader.passes();

    // A pod created now waits for a leader: a replica started after the intruder lets go binds it.
    await h.createPod('waits');
    const successor = await replica(h, 'le-lost');
    const taken = await readLease(h, 'le-lost');
    await coordination.replaceNamespacedLease({
      name: 'le-lost',
      namespace: h.namespace,
      body: { ...taken, spec: { ...taken.spec, holderIdentity: '', leaseDurationSeconds: 1 } },
    });
    await waitFor(() => successor.leading(), { timeoutMs: 10_000, what: 'the successor to lead' });
    await h.waitBound(['waits']);
    expect((await scheduledEvents(harness, 'waits')).map((e) => e.reportingInstance)).toEqual([successor.identity]);
    expect(leader.passes()).toBe(passesAtLoss);
  });
});
