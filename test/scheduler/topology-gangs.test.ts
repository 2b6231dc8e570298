// Topology-aware gangs on the local control plane: kwok nodes labelled by rack, gangs that
// must run inside one rack, stated by the members' annotation or by a Kubernetes PodGroup's
// schedulingConstraints.topology (served by `make integration-test`'s cluster with the
// GenericWorkload and TopologyAwareWorkloadScheduling gates).
import { afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { assertPodGroupsServed, createPodGroup, waitForCondition } from '../support/pod-groups.js';
import { GROUP, Harness, MIN_AVAILABLE } from '../support/scheduler-harness.js';

jest.setTimeout(180_000);

const RACK = 'custom-scheduler.test/rack';
const TOPOLOGY_KEY = 'custom-scheduling.k8s.io/topology-key';

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

beforeAll(assertPodGroupsServed);

interface Racks {
  /** Node name -> rack, for the labelled nodes. */
  readonly rackOf: ReadonlyMap<string, string>;
}

/**
 * Rack r1: 4 free nodes. Rack r2: 8 nodes, every other one of the first 6 taken by a bound
 * pod, so 5 free and scattered. Two free nodes without a rack label. Every node takes one pod.
 * A gang of 4 fits both racks; r1 is the tighter, so it must land there.
 */
async function buildRacks(harness: Harness): Promise<Racks> {
  const r1 = await harness.addNodes(4, '1', { [RACK]: 'r1' });
  const r2 = await harness.addNodes(8, '1', { [RACK]: 'r2' });
  await harness.addNodes(2);
  const taken = [r2[1], r2[3], r2[5]].flatMap((n) => (n === undefined ? [] : [n]));
  await Promise.all(
    taken.map((nodeName, i) =>
      harness.core.createNamespacedPod({
        namespace: harness.namespace,
        body: { metadata: { name: `filler-${i}` }, spec: { ...harness.podSpec(), nodeName } },
      }),
    ),
  );
  await harness.waitBound(taken.map((_, i) => `filler-${i}`));
  return {
    rackOf: new Map([...r1.map((n) => [n, 'r1'] as const), ...r2.map((n) => [n, 'r2'] as const)]),
  };
}

function racksOf(racks: Racks, placed: ReadonlyMap<string, string>, pods: readonly string[]): string[] {
  return pods.map((p) => racks.rackOf.get(placed.get(p) ?? '') ?? 'no rack');
}

describe('topology-aware gangs', () => {
  test('a gang of 4 with a topology key lands in the tighter rack; a gang of 6 waits naming the best rack', async () => {
    h = await Harness.create('topo-annot');
    const racks = await buildRacks(h);
    await h.start();

    const gang = (name: string, size: number) => ({
      annotations: { [GROUP]: name, [MIN_AVAILABLE]: String(size), [TOPOLOGY_KEY]: RACK },
    });
    const train = ['train-0', 'train-1', 'train-2', 'train-3'];
    for (const name of train) await h.createPod(name, gang('train', 4));
    const placed = await h.waitBound(train);
    expect(racksOf(racks, placed, train)).toEqual(['r1', 'r1', 'r1', 'r1']);

    // r1 is full now; r2 has 5 free nodes and 2 more carry no rack label: no rack holds 6.
    const big = Array.from({ length: 6 }, (_, i) => `big-${i}`);
    for (const name of big) await h.createPod(name, gang('big', 6));
    // Until the sixth member is created the gang waits for members; then for a rack.
    const noRack = `gang ${h.namespace}/big: no ${RACK} domain has room for 6 members (best: r2 with 5 of 6)`;
    for (const name of big) await h.waitUnschedulable(name, 30_000, noRack);
    await h.passes(2);
    const bound = (await h.pods()).filter((p) => (p.spec?.nodeName ?? '') !== '').map((p) => p.metadata?.name);
    expect(bound.filter((n) => n?.startsWith('big-'))).toEqual([]);

    // One node more in r2 and the 6 fit there together.
    await h.addNodes(1, '1', { [RACK]: 'r2' });
    const last = h.nodes[h.nodes.length - 1] ?? '';
    const bigPlaced = await h.waitBound(big);
    expect(racksOf({ rackOf: new Map([...racks.rackOf, [last, 'r2']]) }, bigPlaced, big)).toEqual(
      Array.from({ length: 6 }, () => 'r2'),
    );
  });

  test("a Kubernetes PodGroup's schedulingConstraints.topology places its Job in one rack, and a PodGroup too big waits with the reason", async () => {
    h = await Harness.create('topo-pg');
    const racks = await buildRacks(h);
    await h.start();

    const inRack = { topology: [{ key: RACK }] };
    await createPodGroup(h, { group: 'scheduling.k8s.io', version: 'v1beta1' }, 'train', {
      schedulingPolicy: { gang: { minCount: 4 } },
      schedulingConstraints: inRack,
    });
    await h.createJob('train', 4, { podGroupName: 'train' });
    const train = await h.jobPods('train', 4);
    const placed = await h.waitBound(train);
    expect(racksOf(racks, placed, train)).toEqual(['r1', 'r1', 'r1', 'r1']);
    expect((await waitForCondition(h, 'train', 'True')).reason).toBe('Scheduled');

    await createPodGroup(h, { group: 'scheduling.k8s.io', version: 'v1beta1' }, 'big', {
      schedulingPolicy: { gang: { minCount: 6 } },
      schedulingConstraints: inRack,
    });
    await h.createJob('big', 6, { podGroupName: 'big' });
    const noRack = `gang ${h.namespace}/big (scheduling.k8s.io PodGroup): no ${RACK} domain has room for 6 members (best: r2 with 5 of 6)`;
    const waiting = await waitForCondition(h, 'big', 'False', noRack);
    expect(waiting.reason).toBe('Unschedulable');
    const big = await h.jobPods('big', 6);
    for (const name of big) await h.waitUnschedulable(name, 30_000, noRack);
  });
});
