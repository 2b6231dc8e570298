// Preemption on the local control plane: a high-priority pod evicts exactly one
// low-priority pod and runs on the node it freed, and gang-aware preemption (a running
// gang at its quorum goes whole or not at all).
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { Harness, GROUP, MIN_AVAILABLE } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(150_000);

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe('priority and preemption', () => {
  test('a high pod evicts exactly one low pod, is nominated, and is bound there only after the victim is gone', async () => {
    h = await Harness.create('sched-prio');
    await h.addNodes(3);
    const low = await h.priorityClass('low', 100);
    const high = await h.priorityClass('high', 1000);
    const timeline = await h.watchPods();
    await h.start();

    const lows = ['low-0', 'low-1', 'low-2'];
    // Victims linger a few seconds after eviction, so the nomination can be seen.
    for (const name of lows) await h.createPod(name, { priorityClassName: low, grace: 3 });
    await h.waitBound(lows);
    await h.createPod('high', { priorityClassName: high });
    const bound = await h.waitBound(['high'], 60_000);
    await timeline.seenBound(['high']);

    const victims = lows.filter((n) => timeline.firstTerminating(n) !== undefined);
    expect(victims).toHaveLength(1);
    const victim = victims[0]!;
    const victimNode = timeline.firstBind(victim)!.nodeName;
    expect(bound.get('high')).toBe(victimNode);

    const nominated = timeline.firstNomination('high');
    expect(nominated?.nominatedNodeName).toBe(victimNode);
    const gone = timeline.deleted(victim);
    expect(gone).toMatchObject({ type: 'DELETED', name: victim, nodeName: victimNode });
    expect(nominated!.at).toBeLessThanOrEqual(gone!.at);
    expect(timeline.changes.indexOf(gone!)).toBeLessThan(timeline.changes.indexOf(timeline.firstBind('high')!));
    expect(timeline.peakPodsPerNode()).toBe(1);

    const preempted = await waitFor(async () => (await h!.events(victim)).find((e) => e.reason === 'Preempted'), {
      timeoutMs: 10_000,
      what: `a Preempted event on ${victim}`,
    });
    expect(preempted.message).toContain(`${h.namespace}/high`);

    // Later passes evict nothing more.
    await h.passes(4);
    for (const other of lows.filter((n) => n !== victim)) expect(timeline.firstTerminating(other)).toBeUndefined();
  });

  test('a victim in a running gang at quorum takes its whole gang; with a free node nothing is evicted', async () => {
    h = await Harness.create('sched-gangprio');
    await h.addNodes(2);
    const low = await h.priorityClass('low', 100);
    const high = await h.priorityClass('high', 1000);
    const timeline = await h.watchPods();
    // Passes 1.5 s apart, so "evicted in the same pass" can be told from "in two passes".
    await h.start({ intervalMs: 1_500 });

    const gang = ['gang-0', 'gang-1'];
    for (const name of gang)
      await h.createPod(name, { priorityClassName: low, annotations: { [GROUP]: 'train', [MIN_AVAILABLE]: '2' } });
    await h.waitBound(gang);

    // A free node: the high pod goes there and the gang is left alone.
    const [spare] = await h.addNodes(1);
    await h.createPod('high-0', { priorityClassName: high });
    const first = await h.waitBound(['high-0']);
    expect(first.get('high-0')).toBe(spare);
    await h.passes(3);
    for (const name of gang) expect(timeline.firstTerminating(name)).toBeUndefined();

    // No free node: the high pod needs one member's node, and the whole gang goes.
    await h.createPod('high-1', { priorityClassName: high });
    await h.waitGone(gang, 60_000);
    const second = await h.waitBound(['high-1'], 60_000);
    await timeline.seenBound(['high-1']);
    const gangNodes = gang.map((n) => timeline.firstBind(n)!.nodeName);
    expect(gangNodes).toContain(second.get('high-1'));
    // Both members were evicted in the same pass: neither ran on alone.
    const [t0, t1] = gang.map((n) => timeline.firstTerminating(n)!.at);
    expect(Math.abs(t0! - t1!)).toBeLessThan(1_000);
    expect(timeline.peakPodsPerNode()).toBe(1);
  });
});
