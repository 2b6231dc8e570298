import type { Plan } from '../plan-types.js';
import type { Node, Pod, Snapshot } from '../model.js';
import { planCycle } from '../plan.js';
import { config, deepFreeze, gangRef, node, pdb, pod, podGroup, snap, T0 } from '../testing.js';

const RACK = 'example.com/rack';
const NOW = T0 + 3_600_000;
const plan = (s: Snapshot, c = config()): Plan => planCycle(deepFreeze(s), c, NOW);
const noPreemption = config({ preemption: false });

/** A node of 4 cpu in a rack (or in none). */
const inRack = (name: string, rack: string | undefined, cpu = 4): Node =>
  node(name, { cpu, labels: rack === undefined ? {} : { [RACK]: rack } });

/** `n` pending members of gang `train`, each asking `cpu`, with the rack as their topology key. */
function gang(n: number, o: { cpu?: number; priority?: number; minAvailable?: string; key?: 'preferred' } = {}): Pod[] {
  return Array.from({ length: n }, (_, i) =>
    pod(`w-${i}`, {
      group: 'train',
      cpu: o.cpu ?? 4,
      priority: o.priority ?? 0,
      minAvailable: o.minAvailable,
      age: i,
      ...(o.key === 'preferred' ? { preferredTopologyKey: RACK } : { topologyKey: RACK }),
    }),
  );
}

const rackOf = (s: Snapshot, nodeName: string): string | undefined =>
  s.nodes.find((n) => n.name === nodeName)?.labels[RACK];
const racks = (s: Snapshot, placed: readonly { node: string }[]): Array<string | undefined> => [
  ...new Set(placed.map((b) => rackOf(s, b.node))),
];
const messages = (p: Plan): string[] => [...new Set(p.unschedulable.map((u) => u.message))];

describe('a gang with a topology key', () => {
  it('goes to the tightest rack that fits its quorum, though another has more free nodes', () => {
    const nodes = [inRack('a', 'r1'), inRack('b', 'r1'), inRack('c', 'r1'), inRack('x', 'r2'), inRack('y', 'r2')];
    const s = snap(nodes, gang(2));
    const p = plan(s);
    expect(p.bindings.map((b) => b.node).sort()).toEqual(['x', 'y']);
    // Without the key the same gang packs by node name, into r1.
    const free = snap(
      nodes,
      gang(2).map((m) => ({ ...m, annotations: {}, gangRefs: [gangRef('custom', 'train')] })),
    );
    expect(plan(free).bindings.map((b) => b.node)).toEqual(['a', 'b']);
  });

  it('measures room in what the gang asks: a rack of half-used large nodes is roomier than one of small free nodes', () => {
    const nodes = [
      inRack('a', 'big', 16),
      inRack('b', 'big', 16),
      inRack('c', 'small', 4),
      inRack('d', 'small', 4),
      inRack('e', 'small', 4),
    ];
    const busy = [pod('x', { nodeName: 'a', cpu: 8 }), pod('y', { nodeName: 'b', cpu: 8 })];
    const p = plan(snap(nodes, [...busy, ...gang(2)]));
    expect(racks(snap(nodes, []), p.bindings)).toEqual(['small']);
  });

  it('breaks ties by label value, not by node name', () => {
    const nodes = [inRack('a', 'r2'), inRack('b', 'r2'), inRack('c', 'r1'), inRack('d', 'r1')];
    const s = snap(nodes, gang(2));
    expect(racks(s, plan(s).bindings)).toEqual(['r1']);
  });

  it('never uses nodes without the label', () => {
    const nodes = [inRack('a', undefined), inRack('b', undefined), inRack('c', 'r1')];
    const s = snap(nodes, gang(2));
    const p = plan(s);
    expect(p.bindings).toEqual([]);
    expect(messages(p)).toEqual([
      'gang default/train: 2 members can never fit one example.com/rack domain, even with every node empty',
    ]);
    const unlabelled = snap([inRack('a', undefined), inRack('b', undefined)], gang(2));
    expect(messages(plan(unlabelled))).toEqual(['gang default/train: no node has the label example.com/rack']);
  });

  it('names the key and the domain that came closest when no rack has room', () => {
    const nodes = [inRack('a', 'r1'), inRack('b', 'r1'), inRack('c', 'r2'), inRack('d', 'r2'), inRack('e', 'r2')];
    const busy = [pod('x', { nodeName: 'a', priority: 5 }), pod('y', { nodeName: 'c', priority: 5 })];
    const p = plan(snap(nodes, [...busy, ...gang(3)]), noPreemption);
    expect(p.unschedulable).toHaveLength(3);
    expect(messages(p)).toEqual([
      'gang default/train: no example.com/rack domain has room for 3 members (best: r2 with 2 of 3)',
    ]);
  });

  it('places members beyond the quorum in the same rack, where they fit, and holds the rest', () => {
    const nodes = [inRack('a', 'r1'), inRack('b', 'r1'), inRack('c', 'r1'), inRack('x', 'r2'), inRack('y', 'r2')];
    const s = snap(nodes, gang(3, { minAvailable: '2' }));
    const p = plan(s, noPreemption);
    // r2 is the tightest that fits the quorum of 2; the third member stays out of r1.
    expect(p.bindings.map((b) => b.node).sort()).toEqual(['x', 'y']);
    expect(p.unschedulable).toEqual([
      {
        pod: 'default/w-2',
        reason: 'Unschedulable',
        message: 'example.com/rack r2: 0/2 nodes are available: 2 Insufficient cpu.',
      },
    ]);
  });
});

describe('running members pin the rack', () => {
  const nodes = [inRack('a', 'r1'), inRack('b', 'r1'), inRack('c', 'r2'), inRack('d', 'r2'), inRack('e', 'r2')];
  const running = (name: string, at: string): Pod =>
    pod(name, { nodeName: at, group: 'train', cpu: 4, minAvailable: '3', topologyKey: RACK });

  it('sends the pending members to the rack of the running ones', () => {
    const s = snap(nodes, [running('w-9', 'c'), ...gang(2, { minAvailable: '3' })]);
    const p = plan(s);
    expect(p.bindings.map((b) => b.node).sort()).toEqual(['d', 'e']);
  });

  it('keeps members beyond a quorum already met in that rack', () => {
    const pods = [running('w-7', 'c'), running('w-8', 'd'), running('w-9', 'e'), ...gang(1, { minAvailable: '3' })];
    const p = plan(snap(nodes, pods), noPreemption);
    expect(p.bindings).toEqual([]); // r1 is free, but not the gang's rack
    expect(p.unschedulable).toEqual([
      {
        pod: 'default/w-0',
        reason: 'Unschedulable',
        message: 'example.com/rack r2: 0/3 nodes are available: 3 Insufficient cpu.',
      },
    ]);
  });

  it('waits, naming the rack, when that rack has no room', () => {
    const pods = [running('w-9', 'a'), ...gang(2, { minAvailable: '3' })];
    const p = plan(snap(nodes, pods), noPreemption);
    expect(messages(p)).toEqual([
      'gang default/train: example.com/rack r1, where its running members are, has room for 1 of 2 more members',
    ]);
  });

  it('holds a gang whose running members are in two racks', () => {
    const pods = [running('w-8', 'a'), running('w-9', 'c'), ...gang(1, { minAvailable: '3' })];
    expect(messages(plan(snap(nodes, pods)))).toEqual([
      'gang default/train: running members span example.com/rack domains r1 and r2; all must share one',
    ]);
    const off = [inRack('z', undefined), ...nodes];
    expect(messages(plan(snap(off, [running('w-9', 'z'), ...gang(2, { minAvailable: '3' })])))).toEqual([
      'gang default/train: running member w-9 is on node z, which has no label example.com/rack',
    ]);
  });
});

describe('preemption for a gang with a topology key', () => {
  const nodes = [inRack('a', 'r1'), inRack('b', 'r1'), inRack('c', 'r2'), inRack('d', 'r2')];
  const full = (priorities: Record<string, number>): Pod[] =>
    Object.entries(priorities).map(([at, priority]) =>
      pod(`low-${at}`, { nodeName: at, cpu: 4, priority, labels: { app: `low-${at}` } }),
    );

  it('evicts only within the rack whose victims cost least, and nominates every member there', () => {
    // Node by node the cheapest victims are on a (1) and d (2); by rack, r2 (2, 3) costs less than r1 (1, 9).
    const p = plan(snap(nodes, [...full({ a: 1, b: 9, c: 3, d: 2 }), ...gang(2, { priority: 10 })]));
    expect(p.evictions.map((e) => e.pod).sort()).toEqual(['default/low-c', 'default/low-d']);
    expect(p.nominations.map((n) => n.node).sort()).toEqual(['c', 'd']);
    expect(p.bindings).toEqual([]);
  });

  it('avoids a budget violation before a lower top priority', () => {
    const pods = [...full({ a: 1, b: 1, c: 5, d: 5 }), ...gang(2, { priority: 10 })];
    const p = plan(snap(nodes, pods, [pdb('guard', { app: 'low-a' }, 0)]));
    expect(p.evictions.map((e) => e.pod).sort()).toEqual(['default/low-c', 'default/low-d']);
  });

  it('binds a gang nominated by an earlier preemption in its rack once the victims are gone, though another is tighter', () => {
    const five = [...nodes, inRack('e', 'r2')];
    const nominated = gang(2, { priority: 10 }).map((m, i) => ({ ...m, nominatedNodeName: i === 0 ? 'c' : 'd' }));
    const p = plan(snap(five, nominated));
    expect(p.bindings.map((b) => b.node).sort()).toEqual(['c', 'd']);
    const fresh = plan(snap(five, gang(2, { priority: 10 })));
    expect(fresh.bindings.map((b) => b.node).sort()).toEqual(['a', 'b']); // r1 is the tighter
  });

  it('takes what is free in the rack and evicts only for the rest', () => {
    const pods = [...full({ a: 1, c: 3, d: 2 }), ...gang(2, { priority: 10 })];
    const p = plan(snap(nodes, pods));
    expect(p.evictions.map((e) => e.pod)).toEqual(['default/low-a']);
    expect(p.nominations.map((n) => n.node).sort()).toEqual(['a', 'b']);
  });
});

describe('a preferred topology key', () => {
  const nodes = [inRack('a', 'r1'), inRack('b', 'r1'), inRack('c', 'r2'), inRack('d', 'r2'), inRack('e', 'r2')];

  it('places the gang in the tightest rack that fits it', () => {
    const s = snap(nodes, gang(2, { key: 'preferred' }));
    expect(plan(s).bindings.map((b) => b.node)).toEqual(['a', 'b']);
  });

  it('falls back to any placement when no rack fits the gang', () => {
    const s = snap([...nodes, inRack('z', undefined)], gang(4, { key: 'preferred' }));
    const p = plan(s, noPreemption);
    expect(p.bindings).toHaveLength(4);
    expect(racks(s, p.bindings).length).toBeGreaterThan(1);
  });
});

describe('a preferred key within a required one', () => {
  const ZONE = 'topology.kubernetes.io/zone';
  const at = (name: string, zone: string, rack: string): Node => node(name, { labels: { [ZONE]: zone, [RACK]: rack } });
  const nodes = [
    at('a', 'z1', 'r1'),
    at('b', 'z1', 'r1'),
    at('c', 'z1', 'r2'),
    at('d', 'z2', 'r3'),
    at('e', 'z2', 'r3'),
  ];
  const members = (n: number): Pod[] =>
    Array.from({ length: n }, (_, i) =>
      pod(`w-${i}`, { group: 'train', cpu: 4, age: i, topologyKey: ZONE, preferredTopologyKey: RACK }),
    );

  it('tries the racks of each zone, the tightest first', () => {
    expect(plan(snap(nodes, members(2))).bindings.map((b) => b.node)).toEqual(['a', 'b']);
  });

  it('falls back to one zone when no rack holds the gang', () => {
    const p = plan(snap(nodes, members(3)), noPreemption);
    expect(p.bindings.map((b) => b.node).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('members that disagree', () => {
  it('hold the gang with both keys named, and nothing is placed', () => {
    const pods = [
      pod('w-0', { group: 'train', topologyKey: RACK }),
      pod('w-1', { group: 'train', topologyKey: 'topology.kubernetes.io/zone' }),
    ];
    const p = plan(snap([inRack('a', 'r1')], pods));
    expect(p.bindings).toEqual([]);
    expect(p.unschedulable.map((u) => [u.reason, u.message])).toEqual([
      [
        'InvalidAnnotation',
        'gang default/train: members disagree on the topology key: example.com/rack (pod w-0) but topology.kubernetes.io/zone (pod w-1)',
      ],
      [
        'InvalidAnnotation',
        'gang default/train: members disagree on the topology key: example.com/rack (pod w-0) but topology.kubernetes.io/zone (pod w-1)',
      ],
    ]);
  });
});

describe('the topology key of a Kubernetes PodGroup', () => {
  it('keeps the gang in one domain of the key', () => {
    const zone = 'topology.kubernetes.io/zone';
    const nodes = ['a', 'b', 'c'].map((n, i) => node(n, { labels: { [zone]: i === 0 ? 'z1' : 'z2' } }));
    const members = [0, 1].map((i) => pod(`m-${i}`, { gangRefs: [gangRef('kubernetes', 'train')], cpu: 4 }));
    const s: Snapshot = {
      ...snap(nodes, members),
      podGroups: [podGroup('kubernetes', 'train', { topologyKey: zone })],
    };
    expect(plan(s).bindings.map((b) => b.node)).toEqual(['b', 'c']);
  });
});
