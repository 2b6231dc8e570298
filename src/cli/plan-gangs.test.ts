// The plan command on gangs in every dialect, as
//   kubectl get nodes,pods,pdb,podgroups.scheduling.k8s.io,podgroups.scheduling.x-k8s.io,
//     podgroups.scheduling.volcano.sh -A -o json
// writes them: one PodGroup of each kind, Kueue's labels, a missing PodGroup, a disagreement.
import { runPlan } from './plan-command.testing.js';

const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu: '2', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

let second = 0;
const pending = (
  name: string,
  o: { labels?: Record<string, string>; annotations?: Record<string, string>; spec?: Record<string, unknown> } = {},
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'team',
    uid: `uid-${name}`,
    labels: o.labels ?? {},
    annotations: o.annotations ?? {},
    creationTimestamp: `2026-01-01T00:00:${String(second++ % 60).padStart(2, '0')}Z`,
  },
  spec: {
    schedulerName: 'custom-scheduler',
    containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }],
    ...o.spec,
  },
  status: { phase: 'Pending' },
});

const podGroup = (apiVersion: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion,
  kind: 'PodGroup',
  metadata: { name, namespace: 'team' },
  spec,
});

const list = (...items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

interface Out {
  bindings: Array<{ pod: string; node: string }>;
  evictions: unknown[];
  nominations: unknown[];
  unschedulable: Array<{ pod: string; reason: string; message: string }>;
}

async function plan(args: string[], ...items: unknown[]): Promise<Out> {
  const result = await runPlan(['--now', '2026-01-01T01:00:00Z', ...args, '-'], list(...items));
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Out;
}

const every = [
  node('n1'),
  node('n2'),
  node('n3'),
  node('n4'),
  // Kubernetes: a gang of 2 at priority 100, placed first.
  podGroup('scheduling.k8s.io/v1beta1', 'train', { schedulingPolicy: { gang: { minCount: 2 } }, priority: 100 }),
  pending('train-0', { spec: { schedulingGroup: { podGroupName: 'train' } } }),
  pending('train-1', { spec: { schedulingGroup: { podGroupName: 'train' } } }),
  // scheduler-plugins: a gang of 2.
  podGroup('scheduling.x-k8s.io/v1alpha1', 'etl', { minMember: 2 }),
  pending('etl-0', { labels: { 'scheduling.x-k8s.io/pod-group': 'etl' } }),
  pending('etl-1', { labels: { 'scheduling.x-k8s.io/pod-group': 'etl' } }),
  // Volcano: a gang of 3 with 2 members so far.
  podGroup('scheduling.volcano.sh/v1beta1', 'sim', { minMember: 3 }),
  pending('sim-0', { annotations: { 'scheduling.k8s.io/group-name': 'sim' } }),
  pending('sim-1', { annotations: { 'scheduling.k8s.io/group-name': 'sim' } }),
  // Kueue: a pod group of 2, no object.
  ...['infer-0', 'infer-1'].map((name) =>
    pending(name, {
      labels: { 'kueue.x-k8s.io/pod-group-name': 'infer' },
      annotations: { 'kueue.x-k8s.io/pod-group-total-count': '2' },
    }),
  ),
  // A PodGroup nobody created, and two declarations that disagree.
  pending('ghost-0', { spec: { schedulingGroup: { podGroupName: 'ghost' } } }),
  pending('odd-0', {
    labels: { 'kueue.x-k8s.io/pod-group-name': 'b' },
    annotations: { 'custom-scheduling.k8s.io/group-name': 'a' },
  }),
  // scheduler-plugins minResources beyond the whole cluster.
  podGroup('scheduling.x-k8s.io/v1alpha1', 'huge', { minMember: 1, minResources: { cpu: '100' } }),
  pending('huge-0', { labels: { 'scheduling.x-k8s.io/pod-group': 'huge' } }),
];

describe('plan with gangs in every dialect', () => {
  it('places the gangs that can start whole and says why the others wait', async () => {
    const out = await plan([], ...every);
    expect(out.bindings).toEqual([
      { pod: 'team/train-0', node: 'n1' },
      { pod: 'team/train-1', node: 'n1' },
      { pod: 'team/etl-0', node: 'n2' },
      { pod: 'team/etl-1', node: 'n2' },
      { pod: 'team/infer-0', node: 'n3' },
      { pod: 'team/infer-1', node: 'n3' },
    ]);
    expect(out.evictions).toEqual([]);
    expect(out.nominations).toEqual([]);
    expect(out.unschedulable).toEqual([
      {
        pod: 'team/ghost-0',
        reason: 'GangWaiting',
        message: 'waiting for PodGroup team/ghost (scheduling.k8s.io) which does not exist',
      },
      {
        pod: 'team/huge-0',
        reason: 'GangUnschedulable',
        message:
          'gang team/huge (scheduling.x-k8s.io PodGroup): minResources can never fit this cluster (ready, schedulable nodes in all): cpu 100 > 8',
      },
      {
        pod: 'team/odd-0',
        reason: 'InvalidGang',
        message:
          'gang declarations disagree: annotation custom-scheduling.k8s.io/group-name=a but label kueue.x-k8s.io/pod-group-name=b',
      },
      {
        pod: 'team/sim-0',
        reason: 'GangWaiting',
        message: 'gang team/sim (scheduling.volcano.sh PodGroup): waiting for members: 2 of 3 present',
      },
      {
        pod: 'team/sim-1',
        reason: 'GangWaiting',
        message: 'gang team/sim (scheduling.volcano.sh PodGroup): waiting for members: 2 of 3 present',
      },
    ]);
  });

  it('holds the gangs of a source left out of --gang-sources, naming the setting', async () => {
    const out = await plan(['--gang-sources', 'custom,kubernetes'], ...every);
    expect(out.bindings.map((b) => b.pod)).toEqual(['team/train-0', 'team/train-1']);
    const etl = out.unschedulable.find((u) => u.pod === 'team/etl-0');
    expect(etl).toEqual({
      pod: 'team/etl-0',
      reason: 'GangWaiting',
      message:
        'label scheduling.x-k8s.io/pod-group=etl: gang source scheduler-plugins is not enabled (setting gangSources)',
    });
  });

  it('reads the custom annotations with the prefix of --annotation-prefix', async () => {
    const members = ['g-0', 'g-1'].map((name) =>
      pending(name, { annotations: { 'acme.io/group-name': 'g', 'acme.io/min-available': '3' } }),
    );
    const out = await plan(['--annotation-prefix', 'acme.io'], node('n1'), ...members);
    expect(out.unschedulable.map((u) => u.message)).toEqual([
      'gang team/g: waiting for members: 2 of 3 present',
      'gang team/g: waiting for members: 2 of 3 present',
    ]);
    expect((await plan([], node('n1'), ...members)).bindings).toHaveLength(2); // no gang with the default prefix
  });

  it('keeps a gang with a topology key in one domain: the annotation, or the PodGroup constraint', async () => {
    const RACK = 'example.com/rack';
    const inRack = (name: string, rack: string) => {
      const n = node(name);
      return { ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, [RACK]: rack } } };
    };
    // r1 has the most free nodes; r2 is the tightest rack that holds a gang of two 2-cpu members.
    const racks = [inRack('n1', 'r1'), inRack('n2', 'r1'), inRack('n3', 'r1'), inRack('n4', 'r2'), inRack('n5', 'r2')];
    const big = { containers: [{ name: 'c', resources: { requests: { cpu: '2' } } }] };
    const annotated = ['w-0', 'w-1'].map((name) =>
      pending(name, {
        annotations: { 'custom-scheduling.k8s.io/group-name': 'w', 'custom-scheduling.k8s.io/topology-key': RACK },
        spec: big,
      }),
    );
    const out = await plan([], ...racks, ...annotated);
    expect(out.bindings.map((b) => b.node)).toEqual(['n4', 'n5']);
    const group = podGroup('scheduling.k8s.io/v1beta1', 'w', {
      schedulingPolicy: { gang: { minCount: 3 } },
      schedulingConstraints: { topology: [{ key: RACK }] },
    });
    const members = ['w-0', 'w-1', 'w-2'].map((name) =>
      pending(name, { spec: { ...big, schedulingGroup: { podGroupName: 'w' } } }),
    );
    // Two nodes of 2 cpu a rack: a gang of three 2-cpu members never fits one.
    const held = await plan(['--no-preemption'], ...racks.slice(1), group, ...members);
    expect(held.unschedulable.map((u) => u.message)).toEqual(
      Array(3).fill(
        'gang team/w (scheduling.k8s.io PodGroup): 3 members can never fit one example.com/rack domain, even with every node empty',
      ),
    );
  });

  it('rejects a malformed PodGroup, naming the object and the field', async () => {
    const bad = podGroup('scheduling.k8s.io/v1beta1', 'train', { schedulingPolicy: { gang: { minCount: 0 } } });
    const result = await runPlan(['-'], list(bad));
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'custom-scheduler plan: <stdin>: podgroup.scheduling.k8s.io team/train: spec.schedulingPolicy.gang.minCount: must be a positive integer, got 0\n',
    });
  });
});
