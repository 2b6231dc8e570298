// Faults of the scheduler itself (issue 14, faults 3 and 4), as real processes on the local
// control plane: SIGKILLed while gangs are being bound and started again, and the leader of
// two replicas SIGKILLed during a burst. After each: every pod bound, no node over its cpu,
// no pod with two Scheduled events, and (gangs) no gang below its quorum for longer than
// gangBindTimeout. The figures go to $CHAOS_RESULTS for RELIABILITY.md.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { GROUP, Harness, MIN_AVAILABLE } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';
import { FULL, freePort, overcommitted, record, scheduledEvents, SchedulerProcess } from './faults.js';

jest.setTimeout(600_000);

const GANG_BIND_TIMEOUT_S = 20;
let h: Harness | undefined;
const processes: SchedulerProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) if (p.running) p.child.kill('SIGKILL');
  await h?.cleanup();
  h = undefined;
});

function kubeconfigFile(harness: Harness): string {
  const file = join(mkdtempSync(join(tmpdir(), 'chaos-')), 'kubeconfig');
  writeFileSync(file, harness.kc.exportConfig());
  return file;
}

async function start(harness: Harness, extra: readonly string[]): Promise<SchedulerProcess> {
  const s = new SchedulerProcess(kubeconfigFile(harness), harness.namespace, await freePort(), extra);
  processes.push(s);
  return s;
}

function boundUids(changes: readonly { readonly uid: string; readonly nodeName: string }[]): Set<string> {
  return new Set(changes.filter((c) => c.nodeName !== '').map((c) => c.uid));
}

/** The checks every fault ends with: all bound, nothing over capacity, one Scheduled event at most. */
async function expectSound(harness: Harness, nodes: readonly string[], pods: number): Promise<number> {
  const all = await harness.pods();
  expect(all.filter((p) => (p.spec?.nodeName ?? '') !== '')).toHaveLength(pods);
  expect(await overcommitted(harness.core, harness.namespace, nodes)).toEqual([]);
  const events = await scheduledEvents(harness.kc, harness.namespace);
  expect([...events].filter(([, n]) => n > 1).map(([pod]) => pod)).toEqual([]);
  return [...events.values()].reduce((a, b) => a + b, 0);
}

describe('the scheduler fails', () => {
  test('SIGKILLed while gangs of 8 are being bound, then started again', async () => {
    const harness = await Harness.create('chaos-gangs');
    h = harness;
    const gangs = FULL ? 25 : 10;
    const nodes = await harness.addNodes(gangs * 2, '1'); // 4 members of 250m per node
    await harness.openNodes();
    const timeline = await harness.watchPods();
    for (let g = 0; g < gangs; g++) {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          harness.createPod(`g${g}-m${i}`, {
            cpu: '250m',
            annotations: { [GROUP]: `gang-${g}`, [MIN_AVAILABLE]: '8' },
          }),
        ),
      );
    }
    const flags = ['--bind-concurrency', '4', '--gang-bind-timeout', `${GANG_BIND_TIMEOUT_S}s`];
    const first = await start(harness, flags);
    await waitFor(() => boundUids(timeline.changes).size >= 1, {
      timeoutMs: 120_000,
      what: 'the first member bound',
      intervalMs: 5,
    });
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(() => !first.running, { timeoutMs: 10_000, what: 'the scheduler to die' });
    const boundAtKill = boundUids(timeline.changes).size;
    expect(boundAtKill).toBeLessThan(gangs * 8); // killed mid-burst

    const second = await start(harness, flags);
    const restartedAt = Date.now();
    await waitFor(async () => (await harness.pods()).every((p) => (p.spec?.nodeName ?? '') !== ''), {
      timeoutMs: 180_000,
      what: `all ${gangs * 8} members bound after the restart`,
    });
    const allBoundAt = Date.now();
    // Each gang's time below its quorum: from its first member bound to its eighth.
    const byGang = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const c of timeline.changes) {
      if (c.nodeName === '' || seen.has(c.uid)) continue;
      seen.add(c.uid);
      const gang = c.name.split('-')[0] ?? '';
      byGang.set(gang, [...(byGang.get(gang) ?? []), c.at]);
    }
    const belowQuorumMs = [...byGang.values()].map((ats) => Math.max(...ats) - Math.min(...ats));
    expect(Math.max(...belowQuorumMs)).toBeLessThan(GANG_BIND_TIMEOUT_S * 1000);
    for (const pod of await harness.pods()) expect(timeline.nodesOf(pod.metadata?.uid ?? '').size).toBe(1);
    const events = await expectSound(harness, nodes, gangs * 8);
    expect(await second.stop()).toBe(0);
    record('scheduler killed during gang binds', {
      gangs,
      members: gangs * 8,
      boundBeforeKill: boundAtKill,
      secondsKilledToRestart: Math.round((restartedAt - killedAt) / 100) / 10,
      secondsRestartToAllBound: Math.round((allBoundAt - restartedAt) / 100) / 10,
      longestBelowQuorumSeconds: Math.round(Math.max(...belowQuorumMs) / 100) / 10,
      gangBindTimeoutSeconds: GANG_BIND_TIMEOUT_S,
      scheduledEvents: events,
    });
  });

  test('the leader of two replicas SIGKILLed during a burst', async () => {
    const harness = await Harness.create('chaos-leader');
    h = harness;
    const pods = FULL ? 500 : 200;
    const nodes = await harness.addNodes(pods / 4, '1');
    await harness.openNodes();
    const names = Array.from({ length: pods }, (_, i) => `p-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(names.slice(i, i + 25).map((n) => harness.createPod(n, { cpu: '250m' })));
    }
    const timeline = await harness.watchPods();
    const lease = ['--lease-name', 'chaos', '--lease-namespace', harness.namespace];
    const timings = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms'];
    const flags = ['--leader-election', ...lease, ...timings, '--bind-concurrency', '8'];
    const replicas = [await start(harness, flags), await start(harness, flags)];
    await waitFor(() => boundUids(timeline.changes).size >= pods / 10, {
      timeoutMs: 120_000,
      what: `a tenth of the ${pods} pods bound`,
      intervalMs: 5,
    });
    const coordination = harness.kc.makeApiClient(k8s.CoordinationV1Api);
    const holder = (await coordination.readNamespacedLease({ name: 'chaos', namespace: harness.namespace })).spec
      ?.holderIdentity;
    // Each replica logs its identity when it starts; the Lease names the one that leads.
    const leader = replicas.find((r) => r.lines('scheduler started').some((l) => l['leaderElection'] === holder));
    const standby = replicas.find((r) => r !== leader);
    if (leader === undefined || standby === undefined) throw new Error(`cannot tell the leader (${holder ?? 'none'})`);
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    const boundAtKill = boundUids(timeline.changes).size;
    expect(boundAtKill).toBeLessThan(pods);

    await waitFor(
      async () =>
        (await coordination.readNamespacedLease({ name: 'chaos', namespace: harness.namespace })).spec
          ?.holderIdentity !== holder,
      { timeoutMs: 30_000, what: 'the standby to take the lease', intervalMs: 50 },
    );
    const takenAt = Date.now();
    await waitFor(() => boundUids(timeline.changes).size > boundAtKill, {
      timeoutMs: 30_000,
      what: 'the first bind of the new leader',
      intervalMs: 10,
    });
    const firstBindAt = Date.now();
    await waitFor(async () => (await harness.pods()).every((p) => (p.spec?.nodeName ?? '') !== ''), {
      timeoutMs: 180_000,
      what: `all ${pods} pods bound after the hand-over`,
    });
    const allBoundAt = Date.now();
    for (const pod of await harness.pods()) expect(timeline.nodesOf(pod.metadata?.uid ?? '').size).toBe(1);
    const events = await expectSound(harness, nodes, pods);
    expect(standby.running).toBe(true);
    expect(await standby.stop()).toBe(0);
    record('leader killed', {
      pods,
      nodes: nodes.length,
      boundBeforeKill: boundAtKill,
      leaseDurationSeconds: 3,
      secondsToTakeOver: Math.round((takenAt - killedAt) / 100) / 10,
      secondsToFirstBindOfNewLeader: Math.round((firstBindAt - killedAt) / 100) / 10,
      secondsToAllBound: Math.round((allBoundAt - killedAt) / 100) / 10,
      scheduledEvents: events,
    });
  });
});
