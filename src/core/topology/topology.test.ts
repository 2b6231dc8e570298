// Inter-pod affinity, anti-affinity and topology spread through the whole planner.
import { planCycle } from '../plan.js';
import type { Namespace, Node, Pod, Snapshot } from '../model.js';
import type { Plan } from '../plan-types.js';
import { config, deepFreeze, node, pod, T0 } from '../testing.js';
import { HOSTNAME, rules, spreadOn, term, weighted, ZONE } from './testing.js';

const plan = (s: Snapshot, c = config()): Plan => planCycle(deepFreeze(s), c, T0 + 3_600_000);
const snapshot = (nodes: Node[], pods: Pod[], namespaces?: Namespace[]): Snapshot =>
  namespaces === undefined ? { nodes, pods, pdbs: [] } : { nodes, pods, pdbs: [], namespaces };
const where = (p: Plan): Record<string, string> => Object.fromEntries(p.bindings.map((b) => [b.pod, b.node]));
const zoned = (name: string, zone: string, o: Parameters<typeof node>[1] = {}): Node =>
  node(name, { ...o, labels: { [ZONE]: zone, ...o.labels } });

const worker = (name: string, o: Parameters<typeof pod>[1] = {}): Pod =>
  pod(name, {
    labels: { app: 'w' },
    podAffinity: rules({ requiredAnti: [term({ app: 'w' }, HOSTNAME)] }),
    cpu: 0.1,
    ...o,
  });

describe('required pod anti-affinity', () => {
  it('puts pods that must not share a node on distinct nodes, and holds the one too many', () => {
    const p = plan(
      snapshot(
        [node('a'), node('b'), node('c')],
        [1, 2, 3, 4].map((i) => worker(`w${i}`, { age: i })),
      ),
    );
    expect(new Set(p.bindings.map((b) => b.node))).toEqual(new Set(['a', 'b', 'c']));
    expect(p.unschedulable).toEqual([
      {
        pod: 'default/w4',
        reason: 'Unschedulable',
        message:
          "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. " +
          'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      },
    ]);
  });

  it('applies a bound pod’s anti-affinity to the incoming pod (symmetry)', () => {
    const guard = pod('guard', {
      nodeName: 'a',
      podAffinity: rules({ requiredAnti: [term({ app: 'x' }, HOSTNAME)] }),
    });
    const p = plan(snapshot([node('a'), node('b')], [guard, pod('x', { labels: { app: 'x' } })]));
    expect(where(p)).toEqual({ 'default/x': 'b' });
    const only = plan(
      snapshot([node('a')], [guard, pod('x', { labels: { app: 'x' } })], undefined),
      config({ preemption: false }),
    );
    expect(only.unschedulable[0]?.message).toBe(
      "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules.",
    );
  });

  it('treats a zone as one domain, counts terminating pods, and ignores nodes without the key', () => {
    const nodes = [zoned('a1', 'a'), zoned('a2', 'a'), zoned('b1', 'b'), node('plain')];
    const dying = pod('old', { nodeName: 'a1', labels: { app: 'w' }, deletionTime: T0 });
    const incoming = pod('new', {
      labels: { app: 'w' },
      podAffinity: rules({ requiredAnti: [term({ app: 'w' }, ZONE)] }),
      cpu: 3.5,
    });
    // b1 is full, so only the node without a zone label is left.
    const filler = pod('filler', { nodeName: 'b1', cpu: 3.5 });
    expect(where(plan(snapshot(nodes, [dying, filler, incoming]), config({ preemption: false })))).toEqual({
      'default/new': 'plain',
    });
  });

  it('selects namespaces by list, by an empty selector (all) and by namespace labels', () => {
    const other = pod('db', { namespace: 'data', nodeName: 'a', labels: { app: 'db' } });
    const nodes = [node('a'), node('b')];
    const avoid = (o: Parameters<typeof term>[2]): Pod =>
      pod('p', { podAffinity: rules({ requiredAnti: [term({ app: 'db' }, HOSTNAME, o)] }), cpu: 0.1 });
    // The default is the pod's own namespace: the db pod in `data` does not count.
    expect(where(plan(snapshot(nodes, [other, avoid({})])))).toEqual({ 'default/p': 'a' });
    expect(where(plan(snapshot(nodes, [other, avoid({ namespaces: ['data'] })])))).toEqual({ 'default/p': 'b' });
    expect(where(plan(snapshot(nodes, [other, avoid({ namespaceSelector: {} })])))).toEqual({ 'default/p': 'b' });
    const namespaces = [
      { name: 'data', labels: { tier: 'storage' } },
      { name: 'default', labels: {} },
    ];
    const bySelector = avoid({ namespaceSelector: { tier: 'storage' } });
    expect(where(plan(snapshot(nodes, [other, bySelector], namespaces)))).toEqual({ 'default/p': 'b' });
    const wrongTier = avoid({ namespaceSelector: { tier: 'web' } });
    expect(where(plan(snapshot(nodes, [other, wrongTier], namespaces)))).toEqual({ 'default/p': 'a' });
  });

  it('holds a pod whose term selects namespaces by label when the snapshot has no namespaces', () => {
    const p = pod('p', {
      podAffinity: rules({ requiredAnti: [term({ app: 'db' }, HOSTNAME, { namespaceSelector: { tier: 'x' } })] }),
    });
    const held = plan(snapshot([node('a')], [p]));
    expect(held.bindings).toEqual([]);
    expect(held.unschedulable).toEqual([
      {
        pod: 'default/p',
        reason: 'Unschedulable',
        message:
          'spec.affinity: a pod affinity term selects namespaces by label (namespaceSelector), ' +
          'and this snapshot has no Namespace objects to match',
      },
    ]);
  });
});

describe('required pod affinity', () => {
  const follower = (name: string, o: Parameters<typeof pod>[1] = {}): Pod =>
    pod(name, { podAffinity: rules({ required: [term({ app: 'db' }, ZONE)] }), cpu: 0.1, ...o });

  it('places a pod in the domain of a matching pod', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b'), zoned('b2', 'b')];
    const db = pod('db', { nodeName: 'b2', labels: { app: 'db' } });
    expect(where(plan(snapshot(nodes, [db, follower('f')])))['default/f']).toMatch(/^b/);
  });

  it('lets the first pod of a self-affine group go anywhere, and the next follow it', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b')];
    const first = follower('first', { labels: { app: 'db' }, age: 1 });
    const second = follower('second', { labels: { app: 'db' }, age: 2 });
    const p = where(plan(snapshot(nodes, [first, second])));
    expect(p['default/first']).toBeDefined();
    expect(p['default/second']).toBe(p['default/first']);
  });

  it('holds a pod whose affinity matches nothing; preemption does not help it', () => {
    const nodes = [zoned('a1', 'a')];
    const p = plan(snapshot(nodes, [pod('low', { nodeName: 'a1', cpu: 1 }), follower('f', { priority: 100 })]));
    expect(p.evictions).toEqual([]);
    expect(p.unschedulable[0]?.message).toBe(
      "0/1 nodes are available: 1 node(s) didn't match pod affinity rules. " +
        'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it('evicts nothing for such a pod on a full node either (the victims would not make it fit)', () => {
    const nodes = [zoned('a1', 'a', { cpu: 1 })];
    const low = pod('low', { nodeName: 'a1', cpu: 1, priority: 0 });
    const p = plan(snapshot(nodes, [low, follower('f', { priority: 100 })]));
    expect(p.evictions).toEqual([]);
    expect(p.nominations).toEqual([]);
    // Resources are checked first, as in kube-scheduler; the dry run then finds no victims.
    expect(p.unschedulable[0]?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. ' +
        'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('rejects a node without the topology key', () => {
    const db = pod('db', { nodeName: 'plain', labels: { app: 'db' } });
    const p = plan(snapshot([node('plain')], [db, follower('f')]), config({ preemption: false }));
    expect(p.unschedulable[0]?.message).toBe("0/1 nodes are available: 1 node(s) didn't match pod affinity rules.");
  });
});

describe('preferred pod affinity and anti-affinity', () => {
  it('scores toward preferred pods and away from disliked ones, beside bin-packing', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const busy = pod('busy', { nodeName: 'a', cpu: 2 }); // MostAllocated alone would pick a
    const db = pod('db', { nodeName: 'b', labels: { app: 'db' } });
    const likes = pod('likes', { podAffinity: rules({ preferred: [weighted(100, term({ app: 'db' }, HOSTNAME))] }) });
    expect(where(plan(snapshot(nodes, [busy, db, likes])))['default/likes']).toBe('b');
    const noisy = pod('noisy', { nodeName: 'a', cpu: 2, labels: { app: 'noisy' } });
    const dislikes = pod('dislikes', {
      podAffinity: rules({ preferredAnti: [weighted(100, term({ app: 'noisy' }, HOSTNAME))] }),
    });
    expect(where(plan(snapshot(nodes, [noisy, dislikes])))['default/dislikes']).not.toBe('a');
  });

  it('lets a bound pod’s preferred affinity draw matching pods to it', () => {
    const nodes = [node('a'), node('b', { cpu: 8 })];
    const magnet = pod('magnet', {
      nodeName: 'b',
      podAffinity: rules({ preferred: [weighted(100, term({ app: 'x' }, HOSTNAME))] }),
    });
    const heavy = pod('heavy', { nodeName: 'a', cpu: 3 });
    expect(where(plan(snapshot(nodes, [magnet, heavy, pod('x', { labels: { app: 'x' } })])))['default/x']).toBe('b');
  });
});

describe('topology spread', () => {
  const spreadPod = (name: string, c: Parameters<typeof spreadOn>[2] = {}, o: Parameters<typeof pod>[1] = {}): Pod =>
    pod(name, { labels: { app: 's' }, spread: [spreadOn(ZONE, { app: 's' }, c)], cpu: 0.1, ...o });

  it('keeps the skew within maxSkew, where bin-packing would stack them', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b')];
    const p = where(
      plan(
        snapshot(
          nodes,
          [1, 2, 3, 4].map((i) => spreadPod(`s${i}`, {}, { age: i })),
        ),
      ),
    );
    const counts = Object.values(p).reduce<Record<string, number>>((m, n) => ({ ...m, [n]: (m[n] ?? 0) + 1 }), {});
    expect(counts).toEqual({ a1: 2, b1: 2 });
  });

  it('holds a pod that would exceed the skew, and names the missing label', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b', { cpu: 0.05 }), node('plain')];
    const bound = [pod('x', { nodeName: 'a1', labels: { app: 's' } })];
    const p = plan(snapshot(nodes, [...bound, spreadPod('s')]), config({ preemption: false }));
    expect(p.unschedulable[0]?.message).toBe(
      '0/3 nodes are available: 1 Insufficient cpu, ' +
        "1 node(s) didn't match pod topology spread constraints, " +
        "1 node(s) didn't match pod topology spread constraints (missing required label).",
    );
  });

  it('counts only pods of the same namespace that are not terminating', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b')];
    const bound = [
      pod('elsewhere', { nodeName: 'b1', namespace: 'other', labels: { app: 's' } }),
      pod('leaving', { nodeName: 'b1', labels: { app: 's' }, deletionTime: T0 }),
      pod('here', { nodeName: 'a1', labels: { app: 's' } }),
    ];
    expect(where(plan(snapshot(nodes, [...bound, spreadPod('s')])))['default/s']).toBe('b1');
  });

  it('takes the global minimum as 0 while fewer domains than minDomains exist', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b')];
    const bound = [
      pod('x', { nodeName: 'a1', labels: { app: 's' } }),
      pod('y', { nodeName: 'b1', labels: { app: 's' } }),
    ];
    const free = plan(snapshot(nodes, [...bound, spreadPod('s')]), config({ preemption: false }));
    expect(free.bindings).toHaveLength(1);
    const held = plan(snapshot(nodes, [...bound, spreadPod('s', { minDomains: 3 })]), config({ preemption: false }));
    expect(held.bindings).toEqual([]);
  });

  it('honours node affinity when counting domains, unless the policy says Ignore', () => {
    const nodes = [zoned('a1', 'a', { labels: { pool: 'x' } }), zoned('b1', 'b')];
    const bound = [pod('x', { nodeName: 'a1', labels: { app: 's' } })];
    const pinned = { nodeSelector: { pool: 'x' } };
    const honor = plan(snapshot(nodes, [...bound, spreadPod('s', {}, pinned)]), config({ preemption: false }));
    expect(where(honor)).toEqual({ 'default/s': 'a1' });
    const ignore = plan(
      snapshot(nodes, [...bound, spreadPod('s', { nodeAffinityPolicy: 'Ignore' }, pinned)]),
      config({ preemption: false }),
    );
    expect(ignore.bindings).toEqual([]);
  });

  it('ignores tainted nodes’ domains only when nodeTaintsPolicy is Honor', () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b', { taints: [taint] })];
    const bound = [pod('x', { nodeName: 'a1', labels: { app: 's' } })];
    const ignore = plan(snapshot(nodes, [...bound, spreadPod('s')]), config({ preemption: false }));
    expect(ignore.bindings).toEqual([]);
    const honor = plan(
      snapshot(nodes, [...bound, spreadPod('s', { nodeTaintsPolicy: 'Honor' })]),
      config({ preemption: false }),
    );
    expect(where(honor)).toEqual({ 'default/s': 'a1' });
  });

  it('prefers the emptier domain for ScheduleAnyway, and never holds the pod for it', () => {
    const nodes = [zoned('a1', 'a'), zoned('b1', 'b')];
    const bound = [
      pod('x', { nodeName: 'a1', labels: { app: 's' }, cpu: 1 }),
      pod('y', { nodeName: 'a1', labels: { app: 's' }, cpu: 1 }),
    ];
    const soft = spreadPod('s', { whenUnsatisfiable: 'ScheduleAnyway' });
    expect(where(plan(snapshot(nodes, [...bound, soft])))['default/s']).toBe('b1');
  });
});

describe('rules in a batch', () => {
  it('spreads a gang across its own members', () => {
    const nodes = [node('a', { cpu: 8 }), node('b', { cpu: 8 })];
    const members = [1, 2, 3, 4].map((i) =>
      pod(`m${i}`, {
        group: 'g',
        labels: { job: 'g' },
        spread: [spreadOn(HOSTNAME, { job: 'g' })],
        cpu: 1,
        age: i,
      }),
    );
    const p = where(plan(snapshot(nodes, members)));
    expect(Object.values(p).sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('restores the counts of a gang that falls short and rolls back', () => {
    const nodes = [node('a'), node('b')];
    // Three members that must not share a node cannot all fit on two nodes.
    const gang = [1, 2, 3].map((i) => worker(`g${i}`, { group: 'g', age: i, priority: 10 }));
    const single = worker('single', { age: 9 });
    const p = plan(snapshot(nodes, [...gang, single]));
    expect(where(p)).toEqual({ 'default/single': 'a' });
    expect(p.unschedulable.map((u) => u.pod)).toEqual(['default/g1', 'default/g2', 'default/g3']);
  });

  it('evicts a lower-priority pod that breaks the anti-affinity, and only it', () => {
    const nodes = [node('a')];
    const low = pod('low', { nodeName: 'a', labels: { app: 'w' }, cpu: 0.1, priority: 0 });
    const other = pod('other', { nodeName: 'a', cpu: 0.1, priority: 0 });
    const p = plan(snapshot(nodes, [low, other, worker('high', { priority: 100 })]));
    expect(p.evictions).toEqual([{ pod: 'default/low', node: 'a', preemptor: 'default/high' }]);
    expect(p.nominations).toEqual([{ pod: 'default/high', node: 'a' }]);
  });

  it('never evicts a higher-priority pod for a rule', () => {
    const high = pod('high', { nodeName: 'a', labels: { app: 'w' }, cpu: 0.1, priority: 100 });
    const p = plan(snapshot([node('a')], [high, worker('low', { priority: 0 })]));
    expect(p.evictions).toEqual([]);
    expect(p.unschedulable.map((u) => u.pod)).toEqual(['default/low']);
  });
});
