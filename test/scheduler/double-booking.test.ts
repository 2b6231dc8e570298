// No double booking: 50 one-node pods on 10 nodes give exactly 10 binds, never
// two on a node, across several passes (assumed binds keep passes from double-booking
// while the watch lags).
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { Harness } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(180_000);

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe('no double booking', () => {
  test('50 pods that each fill a node, on 10 nodes: exactly 10 bound, one per node', async () => {
    h = await Harness.create('sched-burst');
    await h.addNodes(10);
    const timeline = await h.watchPods();
    const names = Array.from({ length: 50 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
    for (let i = 0; i < names.length; i += 10) await Promise.all(names.slice(i, i + 10).map((n) => h!.createPod(n)));
    await h.start();

    const boundNow = async () => (await h!.pods()).filter((p) => (p.spec?.nodeName ?? '') !== '');
    await waitFor(async () => (await boundNow()).length >= 10, { timeoutMs: 30_000, what: '10 pods to be bound' });
    await h.passes(4);

    const bound = await boundNow();
    expect(bound).toHaveLength(10);
    expect(new Set(bound.map((p) => p.spec?.nodeName)).size).toBe(10);
    await timeline.seenBound(bound.map((p) => p.metadata!.name!));
    expect(timeline.peakPodsPerNode()).toBe(1);
    for (const p of bound) expect(timeline.nodesOf(p.metadata!.uid!).size).toBe(1);
    // The 40 others say why, as kube-scheduler would.
    const pending = (await h.pods()).filter((p) => (p.spec?.nodeName ?? '') === '');
    expect(pending).toHaveLength(40);
    const told = await waitFor(
      async () => {
        const ps = (await h!.pods()).filter((p) =>
          p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
        );
        return ps.length >= 40 ? ps : undefined;
      },
      { timeoutMs: 20_000, what: '40 pods to carry PodScheduled=False' },
    );
    expect(told[0]!.status!.conditions!.find((c) => c.type === 'PodScheduled')!.message).toMatch(
      /^0\/\d+ nodes are available/,
    );
  });
});
