// Faults of the control plane under the scheduler (issue 14, faults 1 and 2): kube-apiserver
// SIGKILLed in the middle of a burst of binds and started again 30 s later, and etcd SIGKILLed
// and started again. The scheduler runs as a real process; the components are killed by the pid
// files of scripts/cluster/up.sh and started again by it. After each fault: the scheduler is
// still running, /healthz answers 200 again, every pod is bound, no node holds more than its
// cpu, no pod got two Scheduled events. `make test` runs 160 pods on 40 nodes, `make chaos` 600
// on 150; the figures go to $CHAOS_RESULTS for RELIABILITY.md.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadLocalKubeConfig } from '../support/cluster.js';
import { Harness } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';
import {
  FULL,
  freePort,
  killComponent,
  overcommitted,
  record,
  restartControlPlane,
  scheduledEvents,
  SchedulerProcess,
  type Component,
  waitControllersCaughtUp,
} from './faults.js';

jest.setTimeout(600_000);

/** Nodes of 1 cpu, pods of 250m: the pods fill the nodes exactly, so any overcommit shows. */
const NODES = FULL ? 150 : 40;
const PODS = NODES * 4;

let h: Harness | undefined;
let scheduler: SchedulerProcess | undefined;
afterEach(async () => {
  if (scheduler?.running === true) scheduler.child.kill('SIGKILL');
  scheduler = undefined;
  await restartControlPlane(); // a test that failed mid-fault must not leave the cluster down
  await h?.cleanup();
  await waitControllersCaughtUp(loadLocalKubeConfig());
  h = undefined;
});

async function boundCount(harness: Harness): Promise<number> {
  return (await harness.pods()).filter((p) => (p.spec?.nodeName ?? '') !== '').length;
}

/**
 * Creates the pods, starts the scheduler, kills `component` once a tenth of them are bound,
 * keeps it down `downMs`, starts it again; returns the figures after every pod is bound.
 */
async function burstThrough(component: Component, downMs: number): Promise<Record<string, number>> {
  const harness = await Harness.create(component === 'etcd' ? 'chaos-etcd' : 'chaos-apiserver');
  h = harness;
  const nodes = await harness.addNodes(NODES, '1');
  await harness.openNodes();
  const names = Array.from({ length: PODS }, (_, i) => `p-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((n) => harness.createPod(n, { cpu: '250m' })));
  }
  const timeline = await harness.watchPods();
  const dir = mkdtempSync(join(tmpdir(), 'chaos-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, harness.kc.exportConfig());
  // Eight binds in flight: a burst long enough to be cut in the middle.
  const s = new SchedulerProcess(kubeconfig, harness.namespace, await freePort(), ['--bind-concurrency', '8']);
  scheduler = s;
  const started = Date.now();
  await waitFor(() => new Set(timeline.changes.filter((c) => c.nodeName !== '').map((c) => c.uid)).size >= PODS / 10, {
    timeoutMs: 120_000,
    what: `a tenth of the ${PODS} pods to be bound`,
    intervalMs: 5,
  });

  await killComponent(component);
  const killedAt = Date.now();
  timeline.stop();
  const boundAtKill = new Set(timeline.changes.filter((c) => c.nodeName !== '').map((c) => c.uid)).size;
  await sleep(downMs); // the outage itself
  const aliveWhileDown = s.running;
  const healthzWhileDown = (await s.healthz()) ?? 0;
  await restartControlPlane();
  const upAt = Date.now();
  // Nodes the node controller closed meanwhile (its heartbeat grace is longer than the outage).
  const taintedAfter = (await harness.taintedNodes()).length;

  let bound = 0;
  await waitFor(
    async () => {
      if (!s.running) throw new Error(`the scheduler exited: ${s.output.slice(-3000)}`);
      bound = await boundCount(harness);
      return bound === PODS;
    },
    { timeoutMs: 180_000, what: `all ${PODS} pods bound after ${component} came back`, lastSeen: () => `${bound}` },
  );
  const allBoundAt = Date.now();
  await waitFor(async () => (await s.healthz()) === 200, { timeoutMs: 60_000, what: "the scheduler's /healthz" });
  const healthyAt = Date.now();

  expect(aliveWhileDown).toBe(true);
  expect(healthzWhileDown).toBe(200); // alive: its passes are held, not stuck
  expect(s.running).toBe(true);
  expect(boundAtKill).toBeLessThan(PODS); // killed mid-burst
  expect(await overcommitted(harness.core, harness.namespace, nodes)).toEqual([]);
  const perNode = new Map<string, number>();
  for (const p of await harness.pods())
    perNode.set(p.spec?.nodeName ?? '', (perNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  expect(Math.max(...perNode.values())).toBe(4);
  const events = await scheduledEvents(harness.kc, harness.namespace);
  const twice = [...events].filter(([, n]) => n > 1).map(([pod]) => pod);
  expect(twice).toEqual([]);
  const rss = s.rssMiB();
  expect(await s.stop()).toBe(0);
  return {
    pods: PODS,
    nodes: NODES,
    /** From the kill until up.sh had the component running and the API server ready again. */
    outageSeconds: Math.round((upAt - killedAt) / 100) / 10,
    boundBeforeKill: boundAtKill,
    secondsToFirstTenth: Math.round((killedAt - started) / 100) / 10,
    recoverySeconds: Math.round((allBoundAt - upAt) / 100) / 10,
    healthzAfterSeconds: Math.round((healthyAt - upAt) / 100) / 10,
    healthzWhileDown,
    taintedNodesAfterRestart: taintedAfter,
    scheduledEvents: [...events.values()].reduce((a, b) => a + b, 0),
    peakRssMiB: rss,
  };
}

describe('the control plane fails under a burst of binds', () => {
  test('kube-apiserver SIGKILLed mid-burst, down 30 s, started again', async () => {
    record('kube-apiserver killed', await burstThrough('kube-apiserver', 30_000));
  });

  test('etcd SIGKILLed mid-burst and started again', async () => {
    record('etcd killed', await burstThrough('etcd', 5_000));
  });
});
