// Basic scheduling on the local control plane: a pod is bound within two passes with a
// Scheduled event, other schedulers' pods are untouched, and a bad gang annotation is
// reported on the pod while everything else keeps being scheduled.
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { Harness, GROUP, MIN_AVAILABLE } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(120_000);

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe('basic scheduling', () => {
  test('a pod is bound within two passes, gets a Scheduled event; a pod for another scheduler is untouched', async () => {
    h = await Harness.create('sched-basic');
    await h.addNodes(2);
    await h.start();
    await h.passes(1);

    const before = h.passCount;
    await h.createPod('mine');
    await h.createPod('theirs', { schedulerName: 'another-scheduler' });
    const bound = await h.waitBound(['mine']);
    expect(h.passCount - before).toBeLessThanOrEqual(2);
    expect(h.nodes).toContain(bound.get('mine'));

    const scheduled = await waitFor(async () => (await h!.events('mine')).find((e) => e.reason === 'Scheduled'), {
      timeoutMs: 10_000,
      what: 'a Scheduled event for pod mine',
    });
    expect(scheduled.type).toBe('Normal');
    expect(scheduled.reportingComponent).toBe('custom-scheduler');
    expect(scheduled.message).toBe(`Successfully assigned ${h.namespace}/mine to ${bound.get('mine')}`);

    await h.passes(3);
    const theirs = await h.pod('theirs');
    expect(theirs?.spec?.nodeName ?? '').toBe('');
    expect(theirs?.status?.nominatedNodeName ?? '').toBe('');
    expect(theirs?.status?.conditions ?? []).toEqual([]);
    expect(await h.events('theirs')).toEqual([]);
  });

  test('min-available "abc" fails closed with a message naming the annotation; others keep being scheduled', async () => {
    h = await Harness.create('sched-badanno');
    await h.addNodes(2);
    await h.start();
    await h.createPod('bad', { annotations: { [GROUP]: 'team', [MIN_AVAILABLE]: 'abc' } });
    await h.createPod('good');
    await h.waitBound(['good']);

    const condition = await h.waitUnschedulable('bad', 15_000);
    expect(condition.reason).toBe('Unschedulable');
    expect(condition.message).toContain(MIN_AVAILABLE);
    const failed = await waitFor(async () => (await h!.events('bad')).find((e) => e.reason === 'FailedScheduling'), {
      timeoutMs: 10_000,
      what: 'a FailedScheduling event for pod bad',
    });
    expect(failed.type).toBe('Warning');

    // Still running, still scheduling; and no event spam while the message stays the same.
    await h.createPod('later');
    await h.waitBound(['later']);
    await h.passes(3);
    expect((await h.pod('bad'))?.spec?.nodeName ?? '').toBe('');
    expect((await h.events('bad')).filter((e) => e.reason === 'FailedScheduling')).toHaveLength(1);
  });
});
