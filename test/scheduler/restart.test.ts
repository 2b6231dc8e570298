// Restart safety: the scheduler as a real process (`node dist/main.js run`),
// killed with SIGKILL in the middle of a burst of binds and started again, leaves
// every pod bound exactly once and no node holding more than it can.
import { afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Harness } from '../support/scheduler-harness.js';
import { SchedulerProcess } from '../support/scheduler-process.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(240_000);

const root = fileURLToPath(new URL('../..', import.meta.url));
let h: Harness | undefined;
const children: SchedulerProcess[] = [];

beforeAll(() => {
  // The test runs what users run: the built command.
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.running) c.child.kill('SIGKILL');
  await h?.cleanup();
  h = undefined;
});

function runScheduler(kubeconfig: string, namespace: string): SchedulerProcess {
  // One bind at a time: a burst long enough to be cut in the middle.
  const scheduler = new SchedulerProcess(kubeconfig, namespace, 0, ['--bind-concurrency', '1']);
  children.push(scheduler);
  return scheduler;
}

describe('restart', () => {
  test('SIGKILL mid-burst, start again: every pod bound once, no node overcommitted', async () => {
    h = await Harness.create('sched-restart');
    const nodes = await h.addNodes(30);
    const dir = mkdtempSync(join(tmpdir(), 'cs-restart-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, h.kc.exportConfig());
    const timeline = await h.watchPods();
    const names = Array.from({ length: 40 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
    for (let i = 0; i < names.length; i += 10) await Promise.all(names.slice(i, i + 10).map((n) => h!.createPod(n)));

    const first = runScheduler(kubeconfig, h.namespace);
    await waitFor(() => timeline.changes.some((c) => c.nodeName !== ''), {
      timeoutMs: 60_000,
      what: 'the first bind',
      intervalMs: 10,
    });
    first.child.kill('SIGKILL');
    await waitFor(() => first.child.signalCode === 'SIGKILL', { timeoutMs: 10_000, what: 'the scheduler to die' });
    const boundAtKill = new Set(timeline.changes.filter((c) => c.nodeName !== '').map((c) => c.uid)).size;
    expect(boundAtKill).toBeLessThan(30); // killed mid-burst, not after it

    const second = runScheduler(kubeconfig, h.namespace);
    await waitFor(async () => (await h!.pods()).filter((p) => (p.spec?.nodeName ?? '') !== '').length >= 30, {
      timeoutMs: 90_000,
      what: '30 pods to be bound after the restart',
    });
    // A few more passes: still 30 (one per node), none moved, none twice.
    await waitFor(
      async () => {
        const ps = await h!.pods();
        return (
          ps.filter((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'))
            .length >= 10
        );
      },
      { timeoutMs: 30_000, what: 'the 10 pods left over to be reported unschedulable' },
    );

    const pods = await h.pods();
    const bound = pods.filter((p) => (p.spec?.nodeName ?? '') !== '');
    expect(bound).toHaveLength(30);
    expect(new Set(bound.map((p) => p.spec!.nodeName)).size).toBe(30);
    expect(bound.every((p) => nodes.includes(p.spec!.nodeName!))).toBe(true);
    for (const p of pods) expect(timeline.nodesOf(p.metadata!.uid!).size).toBeLessThanOrEqual(1);
    expect(timeline.peakPodsPerNode()).toBe(1);

    expect(await second.stop()).toBe(0);
  });
});
