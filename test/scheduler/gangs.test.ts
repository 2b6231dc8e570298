// Gangs on the local control plane: a gang is placed whole or not at all, and with
// Jobs whose pod template carries the gang annotations, priority decides between a
// single pod and a gang (it blocks a lower gang; a higher gang preempts it).
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { Harness, GROUP, MIN_AVAILABLE } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(180_000);

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

async function jobPods(h: Harness, job: string): Promise<k8s.V1Pod[]> {
  return (await h.core.listNamespacedPod({ namespace: h.namespace, labelSelector: `job=${job}` })).items.filter(
    (p) => p.metadata?.deletionTimestamp == null,
  );
}

const bound = (pods: readonly k8s.V1Pod[]) => pods.filter((p) => (p.spec?.nodeName ?? '') !== '');

describe('gangs', () => {
  test('a gang is placed whole, then a single pod blocks a new gang until it leaves', async () => {
    h = await Harness.create('sched-gang');
    await h.addNodes(3);
    await h.start();

    const first = ['a-0', 'a-1', 'a-2'];
    for (const n of first) await h.createPod(n, { annotations: { [GROUP]: 'first' } });
    const placed = await h.waitBound(first);
    expect(new Set(first.map((n) => placed.get(n))).size).toBe(3);

    await h.deletePods(first);
    await h.waitGone(first);
    await h.createPod('single');
    await h.waitBound(['single']);

    const second = ['b-0', 'b-1', 'b-2'];
    for (const n of second) await h.createPod(n, { annotations: { [GROUP]: 'second' } });
    for (const n of second) {
      const c = await waitFor(
        async () => {
          const cond = await h!.scheduledCondition(n);
          return cond?.status === 'False' ? cond : undefined;
        },
        { timeoutMs: 30_000, what: `PodScheduled=False on ${n}` },
      );
      expect(c.message).toMatch(/gang .*second.*2 of 3/);
    }
    await h.passes(2);
    expect(bound(await h.pods()).map((p) => p.metadata?.name)).toEqual(['single']);

    await h.deletePods(['single']);
    const all = await h.waitBound(second, 30_000);
    expect(new Set(second.map((n) => all.get(n))).size).toBe(3);
  });

  test('a low-priority gang Job cannot start next to a high-priority pod', async () => {
    h = await Harness.create('sched-demo1');
    await h.addNodes(2);
    const low = await h.priorityClass('low', 100);
    const high = await h.priorityClass('high', 1000);
    await h.start();

    await h.createPod('pod-highpri', { priorityClassName: high });
    await h.waitBound(['pod-highpri']);
    await h.createJob('job-two-lowpri', 2, {
      priorityClassName: low,
      annotations: { [GROUP]: 'job-two-lowpri', [MIN_AVAILABLE]: '2' },
    });

    const pods = await waitFor(
      async () => {
        const ps = await jobPods(h!, 'job-two-lowpri');
        const told = ps.filter((p) =>
          p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'),
        );
        return ps.length === 2 && told.length === 2 ? ps : undefined;
      },
      { timeoutMs: 30_000, what: 'both job pods to be reported unschedulable' },
    );
    for (const p of pods) {
      const c = p.status!.conditions!.find((x) => x.type === 'PodScheduled')!;
      expect(c.message).toMatch(/gang .*job-two-lowpri/);
    }
    await h.passes(3);
    expect(bound(await jobPods(h, 'job-two-lowpri'))).toEqual([]);
    expect((await h.pod('pod-highpri'))?.metadata?.deletionTimestamp).toBeUndefined();
  });

  test('a high-priority gang Job preempts a low-priority pod and starts whole', async () => {
    h = await Harness.create('sched-demo2');
    await h.addNodes(2);
    const low = await h.priorityClass('low', 100);
    const high = await h.priorityClass('high', 1000);
    const timeline = await h.watchPods();
    await h.start();

    await h.createPod('pod-lowpri', { priorityClassName: low, grace: 2 });
    await h.waitBound(['pod-lowpri']);
    await h.createJob('job-two-highpri', 2, {
      priorityClassName: high,
      annotations: { [GROUP]: 'job-two-highpri', [MIN_AVAILABLE]: '2' },
    });

    const pods = await waitFor(
      async () => {
        const ps = bound(await jobPods(h!, 'job-two-highpri'));
        return ps.length === 2 ? ps : undefined;
      },
      { timeoutMs: 60_000, what: 'both pods of job-two-highpri to be bound' },
    );
    await timeline.seenBound(pods.map((p) => p.metadata!.name!));
    // The victim was deleted from the node it ran on.
    expect(timeline.deleted('pod-lowpri')?.nodeName).toBe(timeline.firstBind('pod-lowpri')?.nodeName);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(2);
    // The gang started together: neither member was bound before the victim was gone.
    const gone = timeline.changes.indexOf(timeline.deleted('pod-lowpri')!);
    for (const p of pods)
      expect(timeline.changes.indexOf(timeline.firstBind(p.metadata!.name!)!)).toBeGreaterThan(gone);
    expect(timeline.peakPodsPerNode()).toBe(1);
  });
});
