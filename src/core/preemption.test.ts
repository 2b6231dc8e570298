import { planCycle } from './plan.js';
import { config, deepFreeze, gangRef, node, pdb, pod, podGroup, snap, T0 } from './testing.js';

const NOW = T0 + 3_600_000;
const plan = (s: ReturnType<typeof snap>, c = config()) => planCycle(deepFreeze(s), c, NOW);
const evicted = (p: ReturnType<typeof plan>) => p.evictions.map((e) => e.pod).sort();

describe('victims on a node', () => {
  it('evicts the fewest, least important pods and keeps the most important ones', () => {
    const s = snap(
      [node('a', { cpu: 3 })],
      [
        pod('low1', { nodeName: 'a', priority: 1 }),
        pod('low2', { nodeName: 'a', priority: 2 }),
        pod('low3', { nodeName: 'a', priority: 3 }),
        pod('high', { priority: 10, cpu: 2 }),
      ],
    );
    const p = plan(s);
    expect(evicted(p)).toEqual(['default/low1', 'default/low2']);
    expect(p.evictions[0]).toEqual({ pod: 'default/low1', node: 'a', preemptor: 'default/high' });
    expect(p.nominations).toEqual([{ pod: 'default/high', node: 'a' }]);
    expect(p.bindings).toEqual([]);
  });

  it('never evicts pods of equal or higher priority', () => {
    const s = snap([node('a', { cpu: 1 })], [pod('same', { nodeName: 'a', priority: 5 }), pod('p', { priority: 5 })]);
    const p = plan(s);
    expect(p.evictions).toEqual([]);
    expect(p.unschedulable[0]!.message).toContain('No preemption victims found');
  });

  it('honours preemptionPolicy Never and a disabled preemption', () => {
    const nodes = [node('a', { cpu: 1 })];
    const pods = [pod('low', { nodeName: 'a' }), pod('p', { priority: 5, preemptionPolicy: 'Never' })];
    expect(plan(snap(nodes, pods)).evictions).toEqual([]);
    const plain = [pod('low', { nodeName: 'a' }), pod('p', { priority: 5 })];
    expect(plan(snap(nodes, plain), config({ preemption: false })).evictions).toEqual([]);
  });

  it('never evicts a terminating pod again but counts its resources as soon free', () => {
    const s = snap(
      [node('a', { cpu: 1 })],
      [pod('going', { nodeName: 'a', deletionTime: NOW - 1000 }), pod('p', { priority: 5 })],
    );
    const p = plan(s);
    expect(p.evictions).toEqual([]);
    expect(p.nominations).toEqual([{ pod: 'default/p', node: 'a' }]);
  });

  it('frees a pod slot when maxPodsPerNode is the limit', () => {
    const s = snap([node('a', { cpu: 8 })], [pod('low', { nodeName: 'a' }), pod('p', { priority: 5 })]);
    expect(evicted(plan(s, config({ maxPodsPerNode: 1 })))).toEqual(['default/low']);
  });
});

describe('choosing the node', () => {
  it('prefers nodes whose victims have lower priority, then fewer victims', () => {
    const nodes = [node('a', { cpu: 2 }), node('b', { cpu: 2 }), node('c', { cpu: 2 })];
    const pods = [
      pod('a1', { nodeName: 'a', priority: 5, cpu: 2 }),
      pod('b1', { nodeName: 'b', priority: 1 }),
      pod('b2', { nodeName: 'b', priority: 1 }),
      pod('c1', { nodeName: 'c', priority: 1, cpu: 2 }),
      pod('p', { priority: 10, cpu: 2 }),
    ];
    const p = plan(snap(nodes, pods));
    expect(evicted(p)).toEqual(['default/c1']);
    expect(p.nominations).toEqual([{ pod: 'default/p', node: 'c' }]);
  });

  it('avoids violating a PodDisruptionBudget even at a higher victim priority', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1 })];
    const pods = [
      pod('guarded', { nodeName: 'a', priority: 1, labels: { app: 'db' } }),
      pod('plain', { nodeName: 'b', priority: 3 }),
      pod('p', { priority: 10 }),
    ];
    expect(evicted(plan(snap(nodes, pods, [pdb('db', { app: 'db' }, 0)])))).toEqual(['default/plain']);
    expect(evicted(plan(snap(nodes, pods, [pdb('db', { app: 'db' }, 1)])))).toEqual(['default/guarded']);
  });
});

describe('nominations', () => {
  it('waits for its victims to go instead of evicting more (no thrash)', () => {
    const s = snap(
      [node('a', { cpu: 1 }), node('b', { cpu: 1 })],
      [
        pod('victim', { nodeName: 'a', deletionTime: NOW - 10_000 }),
        pod('other', { nodeName: 'b' }),
        pod('p', { priority: 5, nominatedNodeName: 'a' }),
      ],
    );
    const p = plan(s);
    expect(p).toEqual({
      bindings: [],
      evictions: [],
      nominations: [{ pod: 'default/p', node: 'a' }],
      unschedulable: [],
    });
  });

  it('drops a nomination whose victims outlive the timeout and plans afresh', () => {
    const s = snap(
      [node('a', { cpu: 1 }), node('b', { cpu: 1 })],
      [
        pod('stuck', { nodeName: 'a', deletionTime: NOW - 10 * 60_000 }),
        pod('other', { nodeName: 'b' }),
        pod('p', { priority: 5, nominatedNodeName: 'a' }),
      ],
    );
    const p = plan(s, config({ nominationTimeoutMs: 60_000 }));
    // Planned afresh: the stuck pod still counts as soon free on a, so p is nominated there again
    // without new evictions (a zero-victim choice beats evicting `other`).
    expect(p.evictions).toEqual([]);
    expect(p.nominations).toEqual([{ pod: 'default/p', node: 'a' }]);
  });

  it('stops waiting for a nominated node that was cordoned since, and plans afresh', () => {
    const s = snap(
      [node('a', { cpu: 1, unschedulable: true }), node('b', { cpu: 1 })],
      [
        pod('victim', { nodeName: 'a', deletionTime: NOW - 1000 }),
        pod('low', { nodeName: 'b' }),
        pod('p', { priority: 5, nominatedNodeName: 'a' }),
      ],
    );
    const p = plan(s);
    expect(evicted(p)).toEqual(['default/low']);
    expect(p.nominations).toEqual([{ pod: 'default/p', node: 'b' }]);
  });

  it('binds the nominated pod on its node once the victims are gone', () => {
    const s = snap([node('a', { cpu: 1 }), node('b', { cpu: 1 })], [pod('p', { priority: 5, nominatedNodeName: 'b' })]);
    expect(plan(s).bindings).toEqual([{ pod: 'default/p', node: 'b' }]);
  });

  it('reserves the nominated node against lower-priority pods', () => {
    const s = snap(
      [node('a', { cpu: 2 })],
      [
        pod('victim', { nodeName: 'a', deletionTime: NOW - 1000 }),
        pod('p', { priority: 10, cpu: 2, nominatedNodeName: 'a' }),
        pod('q', { priority: 1 }),
      ],
    );
    const p = plan(s, config({ preemption: false }));
    expect(p.nominations).toEqual([{ pod: 'default/p', node: 'a' }]);
    expect(p.bindings).toEqual([]);
    expect(p.unschedulable.map((u) => u.pod)).toEqual(['default/q']);
  });
});

describe('gang-aware preemption', () => {
  const gangPods = (min?: string) => [
    pod('g-0', { nodeName: 'a', group: 'g', priority: 1, minAvailable: min }),
    pod('g-1', { nodeName: 'b', group: 'g', priority: 1, minAvailable: min }),
  ];

  it('takes a running gang at its quorum whole, never half of it', () => {
    const p = plan(
      snap([node('a', { cpu: 1 }), node('b', { cpu: 1 })], [...gangPods(), pod('high', { priority: 10 })]),
    );
    expect(evicted(p)).toEqual(['default/g-0', 'default/g-1']);
    expect(p.nominations).toEqual([{ pod: 'default/high', node: 'a' }]);
  });

  it('evicts nothing when a free node exists', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1 }), node('c', { cpu: 1 })];
    const p = plan(snap(nodes, [...gangPods(), pod('high', { priority: 10 })]));
    expect(p.evictions).toEqual([]);
    expect(p.bindings).toEqual([{ pod: 'default/high', node: 'c' }]);
  });

  it('evicts a single member when the gang stays at quorum without it', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1 }), node('c', { cpu: 1 })];
    const pods = [
      ...['a', 'b', 'c'].map((n, i) => pod(`g-${i}`, { nodeName: n, group: 'g', minAvailable: '2', priority: 1 })),
      pod('high', { priority: 10 }),
    ];
    expect(evicted(plan(snap(nodes, pods)))).toEqual(['default/g-0']);
  });

  it('judges a member by its gang priority', () => {
    const pods = [
      pod('g-0', { nodeName: 'a', group: 'g', priority: 1 }),
      pod('g-1', { nodeName: 'b', group: 'g', priority: 50 }),
      pod('p', { priority: 10 }),
    ];
    expect(plan(snap([node('a', { cpu: 1 }), node('b', { cpu: 1 })], pods)).evictions).toEqual([]);
  });

  it('a preempting gang evicts nothing unless its whole quorum fits', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1 }), node('c', { cpu: 1 })];
    const pods = [
      pod('low-a', { nodeName: 'a', priority: 1 }),
      pod('low-b', { nodeName: 'b', priority: 1 }),
      pod('top', { nodeName: 'c', priority: 100 }),
      ...[0, 1, 2].map((i) => pod(`h-${i}`, { group: 'h', priority: 10 })),
    ];
    const p = plan(snap(nodes, pods));
    expect(p.evictions).toEqual([]);
    expect(p.nominations).toEqual([]);
    expect(p.unschedulable.map((u) => u.reason)).toEqual([
      'GangUnschedulable',
      'GangUnschedulable',
      'GangUnschedulable',
    ]);
  });

  it('a preempting gang nominates all its members, even those that fit without evictions', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1 })];
    const pods = [
      pod('low', { nodeName: 'a', priority: 1 }),
      pod('h-0', { group: 'h', priority: 10 }),
      pod('h-1', { group: 'h', priority: 10 }),
    ];
    const p = plan(snap(nodes, pods));
    expect(evicted(p)).toEqual(['default/low']);
    expect(p.bindings).toEqual([]);
    expect(p.nominations.map((n) => n.node).sort()).toEqual(['a', 'b']);
  });

  it('a gang that preempts for its quorum still reports the members beyond it that found no room', () => {
    const nodes = [node('a', { cpu: 1 })];
    const members = [0, 1, 2].map((i) => pod(`h-${i}`, { group: 'h', minAvailable: '1', priority: 10, age: i }));
    const p = plan(snap(nodes, [pod('low', { nodeName: 'a', priority: 1 }), ...members]));
    expect(evicted(p)).toEqual(['default/low']);
    expect(p.nominations).toEqual([{ pod: 'default/h-0', node: 'a' }]);
    expect(p.unschedulable.map((u) => [u.pod, u.reason])).toEqual([
      ['default/h-1', 'Unschedulable'],
      ['default/h-2', 'Unschedulable'],
    ]);
  });

  it('a gang whose remaining nominations fall short of its quorum holds no room while victims terminate', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1 })];
    const pods = [
      pod('going', { nodeName: 'a', priority: 1, deletionTime: NOW - 1000 }),
      pod('top', { nodeName: 'b', priority: 100 }),
      pod('h-0', { group: 'h', priority: 10, nominatedNodeName: 'a' }),
      pod('h-1', { group: 'h', priority: 10 }),
    ];
    const p = plan(snap(nodes, pods));
    expect(p.nominations).toEqual([]);
    expect(p.evictions).toEqual([]);
    expect(p.unschedulable.map((u) => u.message)).toEqual([
      'gang default/h: waiting for preempted pods to terminate',
      'gang default/h: waiting for preempted pods to terminate',
    ]);
  });

  it('a waiting gang does not count or keep a nomination on a node cordoned since', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1, unschedulable: true })];
    const pods = [
      pod('going', { nodeName: 'a', priority: 1, deletionTime: NOW - 1000 }),
      pod('h-0', { group: 'h', priority: 10, nominatedNodeName: 'a' }),
      pod('h-1', { group: 'h', priority: 10, nominatedNodeName: 'b' }),
    ];
    const p = plan(snap(nodes, pods));
    expect(p.nominations).toEqual([]);
    expect(p.unschedulable.map((u) => u.reason)).toEqual(['GangUnschedulable', 'GangUnschedulable']);
  });

  it('a nominated gang is bound whole once its victims are gone, and waits while they terminate', () => {
    const nodes = [node('a', { cpu: 1 }), node('b', { cpu: 1 })];
    const members = [
      pod('h-0', { group: 'h', priority: 10, nominatedNodeName: 'b' }),
      pod('h-1', { group: 'h', priority: 10, nominatedNodeName: 'a' }),
    ];
    const waiting = plan(
      snap(nodes, [pod('low', { nodeName: 'a', priority: 1, deletionTime: NOW - 1000 }), ...members]),
    );
    expect(waiting.bindings).toEqual([]);
    expect(waiting.evictions).toEqual([]);
    expect(waiting.nominations).toHaveLength(2);
    const gone = plan(snap(nodes, members));
    expect(gone.bindings).toEqual([
      { pod: 'default/h-0', node: 'b' },
      { pod: 'default/h-1', node: 'a' },
    ]);
  });
});

describe('gangs disrupted together (a PodGroup with disruptionMode all)', () => {
  const declared = [gangRef('kubernetes', 'g')];
  const spread = (mode: 'single' | 'all') => ({
    pods: ['a', 'c', 'd'].map((n, i) => pod(`g-${i}`, { nodeName: n, gangRefs: declared, priority: 1 })),
    podGroups: [podGroup('kubernetes', 'g', { quorum: 1, disruptionMode: mode })],
  });
  const nodes = ['a', 'b', 'c', 'd'].map((n) => node(n, { cpu: 1 }));

  it('takes every bound member when one is a victim, though the gang would keep its quorum without it', () => {
    const { pods, podGroups } = spread('all');
    const s = {
      ...snap(
        nodes.filter((n) => n.name !== 'b'),
        [...pods, pod('high', { priority: 10 })],
      ),
      podGroups,
    };
    const p = plan(s);
    expect(evicted(p)).toEqual(['default/g-0', 'default/g-1', 'default/g-2']);
    expect(p.evictions.map((e) => e.preemptor)).toEqual(['default/high', 'default/high', 'default/high']);
    expect(p.nominations).toEqual([{ pod: 'default/high', node: 'a' }]);
  });

  it('counts every member in the cost, so a lone pod of the same priority elsewhere is cheaper', () => {
    const lone = pod('lone', { nodeName: 'b', priority: 1 });
    const single = spread('single');
    const cut = plan({
      ...snap(nodes, [...single.pods, lone, pod('high', { priority: 10 })]),
      podGroups: single.podGroups,
    });
    expect(evicted(cut)).toEqual(['default/g-0']); // one victim either way: the first node wins
    const all = spread('all');
    const whole = plan({
      ...snap(nodes, [...all.pods, lone, pod('high', { priority: 10 })]),
      podGroups: all.podGroups,
    });
    expect(evicted(whole)).toEqual(['default/lone']);
  });

  it('counts a budget violation of any member against the node', () => {
    const { pods, podGroups } = spread('all');
    const guarded = pods.map((p) => (p.name === 'g-2' ? { ...p, labels: { app: 'db' } } : p));
    const budget = pdb('db', { app: 'db' }, 0);
    const lone = pod('lone', { nodeName: 'b', priority: 5 });
    const p = plan({ ...snap(nodes, [...guarded, lone, pod('high', { priority: 10 })], [budget]), podGroups });
    expect(evicted(p)).toEqual(['default/lone']); // a higher victim priority, but no budget broken
  });

  it('leaves a gang that is not a victim alone', () => {
    const { pods, podGroups } = spread('all');
    const p = plan({ ...snap(nodes, [...pods, pod('high', { priority: 10 })]), podGroups });
    expect(p.evictions).toEqual([]);
    expect(p.bindings).toEqual([{ pod: 'default/high', node: 'b' }]);
  });
});
