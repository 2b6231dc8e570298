// Rules across pods on the real API server: a Job whose pods must not share a node runs
// one pod per node, the pod too many stays pending with kube-scheduler's reason (as
// `kubectl describe pod` shows it), and a gang spread over two nodes lands two and two.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { LOCAL_KUBECONFIG } from '../support/cluster.js';
import { Harness, GROUP, MIN_AVAILABLE } from '../support/scheduler-harness.js';
import { waitFor } from '../support/wait.js';

jest.setTimeout(180_000);
const run = promisify(execFile);

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

const ONE_PER_NODE: k8s.V1Affinity = {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { job: 'workers' } }, topologyKey: 'kubernetes.io/hostname' },
    ],
  },
};

async function boundByJob(h: Harness, job: string): Promise<string[]> {
  const pods = (await h.core.listNamespacedPod({ namespace: h.namespace, labelSelector: `job=${job}` })).items;
  return pods.map((p) => p.spec?.nodeName ?? '').filter((n) => n !== '');
}

describe('inter-pod anti-affinity and topology spread', () => {
  test('a Job of 3 with hostname anti-affinity runs on 3 distinct nodes, though one node has room for all', async () => {
    h = await Harness.create('sched-anti-job');
    await h.addNodes(3, '4');
    await h.start();
    // kwok completes a Job's pods as soon as they run, so all three are placed in one pass
    // and keep apart only because pods placed earlier in the pass count.
    await h.createJob('workers', 3, { cpu: '500m', affinity: ONE_PER_NODE });
    const nodes = await waitFor(
      async () => {
        const bound = await boundByJob(h!, 'workers');
        return bound.length === 3 ? bound : undefined;
      },
      { timeoutMs: 60_000, what: 'the 3 pods of Job workers to be bound' },
    );
    expect(new Set(nodes)).toEqual(new Set(h.nodes));
  });

  test('a 4th pod that must not share a node with 3 running ones stays pending with the reason', async () => {
    h = await Harness.create('sched-anti');
    await h.addNodes(3, '4');
    await h.start();
    const servers = ['s-0', 's-1', 's-2'];
    for (const name of servers) {
      await h.createPod(name, { cpu: '500m', labels: { job: 'workers' }, affinity: ONE_PER_NODE });
    }
    const placed = await h.waitBound(servers);
    expect(new Set(servers.map((n) => placed.get(n)))).toEqual(new Set(h.nodes));

    await h.createPod('extra', { cpu: '500m', labels: { job: 'workers' }, affinity: ONE_PER_NODE });
    const condition = await h.waitUnschedulable('extra', 30_000);
    expect(condition.reason).toBe('Unschedulable');
    // Other tests' nodes may be in the cluster: they fail this pod's node selector.
    expect(condition.message).toMatch(/^0\/\d+ nodes are available: /);
    expect(condition.message).toContain("3 node(s) didn't match pod anti-affinity rules");
    expect(condition.message).toContain('preemption: 0/');
    expect(condition.message).toContain('3 No preemption victims found for incoming pod');
    const kubeconfig = process.env['LOCAL_CLUSTER_KUBECONFIG'] ?? LOCAL_KUBECONFIG;
    const described = await run(
      'kubectl',
      ['--kubeconfig', kubeconfig, 'describe', 'pod', 'extra', '-n', h.namespace],
      {
        encoding: 'utf8',
      },
    );
    expect(described.stdout).toContain("3 node(s) didn't match pod anti-affinity rules");
    await h.passes(3);
    expect((await h.pod('extra'))?.spec?.nodeName ?? '').toBe('');
  });

  test('a gang of 4 with hostname spread over 2 nodes lands 2 and 2', async () => {
    h = await Harness.create('sched-spread');
    await h.addNodes(2, '4');
    await h.start();

    const members = ['m-0', 'm-1', 'm-2', 'm-3'];
    const spread: k8s.V1TopologySpreadConstraint[] = [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { gang: 'spread' } },
      },
    ];
    for (const name of members) {
      await h.createPod(name, {
        cpu: '500m',
        labels: { gang: 'spread' },
        annotations: { [GROUP]: 'spread', [MIN_AVAILABLE]: '4' },
        topologySpreadConstraints: spread,
      });
    }
    const placed = await h.waitBound(members);
    const perNode = new Map<string, number>();
    for (const name of members) {
      const node = placed.get(name) ?? '';
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    expect([...perNode.values()]).toEqual([2, 2]);
    expect(new Set(perNode.keys())).toEqual(new Set(h.nodes));
  });

  test('an anti-affinity term that selects namespaces by label keeps a pod off the matching pod’s node', async () => {
    h = await Harness.create('sched-nssel');
    await h.addNodes(2, '4');
    await h.start();
    await h.createPod('anchor', { cpu: '1', labels: { app: 'anchor' } });
    const anchorNode = (await h.waitBound(['anchor'])).get('anchor');
    // Bin-packing alone would put the newcomer beside the anchor, on the busier node.
    await h.createPod('newcomer', {
      cpu: '500m',
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { app: 'anchor' } },
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': h.namespace } },
              topologyKey: 'kubernetes.io/hostname',
            },
          ],
        },
      },
    });
    const placed = await h.waitBound(['newcomer']);
    expect(placed.get('newcomer')).not.toBe(anchorNode);
    expect(h.nodes).toContain(placed.get('newcomer'));
  });
});
