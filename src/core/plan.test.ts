import { planCycle } from './plan.js';
import { config, deepFreeze, node, pdb, pod, snap, T0 } from './testing.js';

const plan = (s: ReturnType<typeof snap>, c = config()) => planCycle(deepFreeze(s), c, T0 + 3_600_000);

describe('which pods are ours and what occupies a node', () => {
  it('binds a pending pod of ours and ignores other schedulers, gated, bound and deleting pods', () => {
    const p = plan(
      snap(
        [node('a')],
        [
          pod('mine'),
          pod('theirs', { schedulerName: 'default-scheduler' }),
          pod('gated', { schedulingGated: true }),
          pod('leaving', { deletionTime: T0 }),
          pod('done', { phase: 'Succeeded' }),
        ],
      ),
    );
    expect(p).toEqual({
      bindings: [{ pod: 'default/mine', node: 'a' }],
      evictions: [],
      nominations: [],
      unschedulable: [],
    });
  });

  it('counts pods of every scheduler and terminating pods as usage, not terminal ones', () => {
    const nodes = [node('a', { cpu: 2 })];
    const full = plan(snap(nodes, [pod('other', { nodeName: 'a', schedulerName: 'x', cpu: 1.5 }), pod('p')]));
    expect(full.unschedulable).toHaveLength(1);
    expect(full.unschedulable[0]).toMatchObject({ pod: 'default/p' });
    expect(full.unschedulable[0]?.message).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\./);
    const terminating = plan(snap(nodes, [pod('old', { nodeName: 'a', cpu: 1.5, deletionTime: T0 }), pod('p')]));
    expect(terminating.bindings).toEqual([]);
    const finished = plan(snap(nodes, [pod('old', { nodeName: 'a', cpu: 1.5, phase: 'Failed' }), pod('p')]));
    expect(finished.bindings).toEqual([{ pod: 'default/p', node: 'a' }]);
  });

  it('maxPodsPerNode limits our pods per node but not pods of other schedulers', () => {
    const s = snap(
      [node('a'), node('b')],
      [pod('x', { nodeName: 'a', schedulerName: 'other' }), pod('p1'), pod('p2', { age: 1 }), pod('p3', { age: 2 })],
    );
    const p = plan(s, config({ maxPodsPerNode: 1, preemption: false }));
    expect(p.bindings.map((b) => b.node).sort()).toEqual(['a', 'b']);
    expect(p.unschedulable).toEqual([
      {
        pod: 'default/p3',
        reason: 'Unschedulable',
        message: '0/2 nodes are available: 2 node(s) already had maxPodsPerNode pods of this scheduler.',
      },
    ]);
  });
});

describe('reasons', () => {
  it('counts reasons per node the way kube-scheduler words them', () => {
    const nodes = [
      node('a', { cpu: 1 }),
      node('b', { cpu: 1 }),
      node('c', { cpu: 1 }),
      node('d', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      node('e', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    ];
    const p = plan(snap(nodes, [pod('big', { cpu: 2 })]), config({ preemption: false }));
    expect(p.unschedulable[0]!.message).toBe(
      '0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.',
    );
  });

  it('says why preemption does not help', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { unschedulable: true })];
    const p = plan(snap(nodes, [pod('big', { cpu: 2, priority: 10 })]));
    expect(p.unschedulable[0]!.message).toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    );
  });
});

describe('order and choice', () => {
  it('serves higher priority first, then older pods', () => {
    const s = snap(
      [node('a', { cpu: 1 })],
      [
        pod('old-low', { priority: 1 }),
        pod('new-high', { priority: 5, age: 10 }),
        pod('young', { priority: 5, age: 20 }),
      ],
    );
    const p = plan(s, config({ preemption: false }));
    expect(p.bindings).toEqual([{ pod: 'default/new-high', node: 'a' }]);
    expect(p.unschedulable.map((u) => u.pod)).toEqual(['default/old-low', 'default/young']);
  });

  it('packs with MostAllocated and spreads with LeastAllocated, ties by node name', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const pods = [pod('busy', { nodeName: 'b', cpu: 2, memory: 8 }), pod('p')];
    expect(plan(snap(nodes, pods)).bindings).toEqual([{ pod: 'default/p', node: 'b' }]);
    expect(plan(snap(nodes, pods), config({ scoring: 'LeastAllocated' })).bindings).toEqual([
      { pod: 'default/p', node: 'a' },
    ]);
  });

  it('prefers nodes matching preferred affinity and avoids PreferNoSchedule taints', () => {
    const nodes = [
      node('a', { taints: [{ key: 'soft', value: '', effect: 'PreferNoSchedule' }] }),
      node('b'),
      node('c', { labels: { zone: 'z1' } }),
    ];
    const preferZ1 = pod('p', {
      preferredAffinity: [
        {
          weight: 10,
          preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }], matchFields: [] },
        },
      ],
    });
    expect(plan(snap(nodes, [preferZ1])).bindings[0]!.node).toBe('c');
    expect(plan(snap(nodes.slice(0, 2), [pod('q')])).bindings[0]!.node).toBe('b');
  });
});

describe('gangs', () => {
  const two = [node('a', { cpu: 1 }), node('b', { cpu: 1 })];

  it('places a gang whole when its quorum fits', () => {
    const p = plan(snap(two, [pod('g-0', { group: 'g' }), pod('g-1', { group: 'g' })]));
    expect(p.bindings.map((b) => b.pod)).toEqual(['default/g-0', 'default/g-1']);
  });

  it('rolls back a gang that falls short, so a smaller pod behind it can use the room', () => {
    const pods = [
      pod('g-0', { group: 'g', priority: 5 }),
      pod('g-1', { group: 'g', priority: 5 }),
      pod('g-2', { group: 'g', priority: 5 }),
      pod('single', { age: 5 }),
    ];
    const p = plan(snap(two, pods));
    expect(p.bindings).toEqual([{ pod: 'default/single', node: 'a' }]);
    expect(p.unschedulable.filter((u) => u.pod.startsWith('default/g-'))).toHaveLength(3);
    expect(p.unschedulable[0]).toEqual({
      pod: 'default/g-0',
      reason: 'GangUnschedulable',
      message: 'gang default/g: 3 members can never fit this cluster, even with every node empty',
    });
  });

  it('judges every gang that can never fit on its own, not on what an earlier one tried', () => {
    const pods = [
      ...[0, 1, 2].map((i) => pod(`g-${i}`, { group: 'g', priority: 5 })),
      ...[0, 1].map((i) => pod(`h-${i}`, { group: 'h', cpu: 3, age: 1 })),
      ...[0, 1].map((i) => pod(`k-${i}`, { group: 'k', priority: 9, age: 2 })),
      pod('blocker', { nodeName: 'a', priority: 100, schedulerName: 'other' }),
    ];
    const p = plan(snap(two, pods), config({ preemption: false }));
    const message = (name: string) => p.unschedulable.find((u) => u.pod === `default/${name}`)!.message;
    expect(message('g-0')).toContain('can never fit');
    expect(message('h-0')).toContain('can never fit');
    expect(message('k-0')).toBe(
      'gang default/k: 1 of 2 members placeable; the rest: 0/2 nodes are available: 2 Insufficient cpu.',
    );
  });

  it('reports how many members are placeable when the cluster is busy', () => {
    const pods = [
      pod('busy', { nodeName: 'a', priority: 100 }),
      pod('g-0', { group: 'g' }),
      pod('g-1', { group: 'g' }),
    ];
    const p = plan(snap(two, pods));
    expect(p.bindings).toEqual([]);
    expect(p.unschedulable[0]!.message).toMatch(
      /^gang default\/g: 1 of 2 members placeable; the rest: 0\/2 nodes are available/,
    );
  });

  it('counts bound and succeeded members toward min-available', () => {
    const pods = [
      pod('g-0', { group: 'g', minAvailable: '3', nodeName: 'a' }),
      pod('g-1', { group: 'g', minAvailable: '3', phase: 'Succeeded' }),
      pod('g-2', { group: 'g', minAvailable: '3' }),
    ];
    expect(plan(snap(two, pods)).bindings).toEqual([{ pod: 'default/g-2', node: 'b' }]);
  });

  it('waits while fewer members exist than the quorum', () => {
    const p = plan(snap(two, [pod('g-0', { group: 'g', minAvailable: '2' })]));
    expect(p.unschedulable).toEqual([
      { pod: 'default/g-0', reason: 'GangWaiting', message: 'gang default/g: waiting for members: 1 of 2 present' },
    ]);
  });

  it('places members beyond the quorum where they fit', () => {
    const pods = ['g-0', 'g-1', 'g-2'].map((n) => pod(n, { group: 'g', minAvailable: '2' }));
    const p = plan(snap(two, pods), config({ preemption: false }));
    expect(p.bindings).toHaveLength(2);
    expect(p.unschedulable).toEqual([expect.objectContaining({ pod: 'default/g-2', reason: 'Unschedulable' })]);
  });

  it('fails closed on invalid annotations, naming the annotation, and keeps scheduling others', () => {
    const pods = [
      pod('bad-min', { group: 'g', minAvailable: 'abc' }),
      pod('g-ok', { group: 'g' }),
      pod('bad-name', { group: '-nope-' }),
      pod('orphan-min', { minAvailable: '2' }),
      pod('fine'),
    ];
    const p = plan(snap(two, pods));
    expect(p.bindings).toEqual([{ pod: 'default/fine', node: 'a' }]);
    const byPod = Object.fromEntries(p.unschedulable.map((u) => [u.pod, u]));
    expect(byPod['default/bad-min']!.message).toBe(
      'gang default/g: pod bad-min has invalid annotation custom-scheduling.k8s.io/min-available="abc": must be a positive integer',
    );
    expect(byPod['default/g-ok']!.reason).toBe('InvalidAnnotation');
    expect(byPod['default/bad-name']!.message).toMatch(
      /^invalid annotation custom-scheduling.k8s.io\/group-name="-nope-"/,
    );
    expect(byPod['default/orphan-min']!.message).toMatch(/needs custom-scheduling.k8s.io\/group-name/);
  });
});

describe('determinism', () => {
  it('gives equal plans for equal input and never changes the input', () => {
    const make = () =>
      snap(
        [node('a'), node('b'), node('c', { cpu: 1 })],
        [
          pod('low', { nodeName: 'a', cpu: 4 }),
          pod('p', { priority: 9, cpu: 4 }),
          pod('g-0', { group: 'g', cpu: 2 }),
          pod('g-1', { group: 'g', cpu: 2 }),
        ],
      );
    expect(JSON.stringify(plan(make()))).toBe(JSON.stringify(plan(make())));
  });

  it('plans an empty cluster', () => {
    expect(plan(snap([], [pod('p')])).unschedulable).toEqual([
      { pod: 'default/p', reason: 'Unschedulable', message: '0/0 nodes are available.' },
    ]);
  });
});

describe('which budgets protect a victim', () => {
  const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1 })];
  const pods = [
    pod('guarded', { nodeName: 'a', priority: 1, labels: { app: 'db' } }),
    pod('plain', { nodeName: 'b', priority: 3 }),
    pod('p', { priority: 10 }),
  ];
  const evicted = (s: ReturnType<typeof snap>): string[] => plan(s).evictions.map((e) => e.pod);

  it('a budget of another namespace does not protect the pod', () => {
    const elsewhere = { ...pdb('db', { app: 'db' }, 0), namespace: 'other' };
    expect(evicted(snap(nodes, pods, [elsewhere]))).toEqual(['default/guarded']);
  });

  it('a budget that already counts the pod as disrupted does not protect it again', () => {
    const counted = { ...pdb('db', { app: 'db' }, 0), disruptedPods: new Set(['guarded']) };
    expect(evicted(snap(nodes, pods, [counted]))).toEqual(['default/guarded']);
  });

  it('a budget without a selector protects nothing', () => {
    const none = { ...pdb('db', { app: 'db' }, 0), selector: undefined };
    expect(evicted(snap(nodes, pods, [none]))).toEqual(['default/guarded']);
  });

  it('a budget that covers the pod and allows no disruption sends preemption elsewhere', () => {
    expect(evicted(snap(nodes, pods, [pdb('db', { app: 'db' }, 0)]))).toEqual(['default/plain']);
  });
});
