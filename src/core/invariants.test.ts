// Property test: random small clusters, and the rules every plan must keep whatever the
// input. Seeded, so a failure names the seed that reproduces it.
import { gangAnnotations } from './gangs.js';
import type { Node, Pod, Snapshot } from './model.js';
import { planCycle } from './plan.js';
import type { Plan, PlanConfig } from './plan-types.js';
import { config, deepFreeze, node, pod, T0 } from './testing.js';

const NOW = T0 + 3_600_000;
const GROUP = gangAnnotations('custom-scheduling.k8s.io').groupName;

/** mulberry32: a tiny deterministic PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cluster(seed: number): Snapshot {
  const r = random(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const nodes: Node[] = [];
  for (let i = 0, n = int(1, 8); i < n; i++) {
    nodes.push(
      node(`n${i}`, {
        cpu: int(1, 6),
        memory: int(2, 16),
        pods: int(2, 8),
        unschedulable: r() < 0.1,
        taints: r() < 0.15 ? [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] : [],
      }),
    );
  }
  const pods: Pod[] = [];
  let serial = 0;
  const name = (): string => `p${serial++}`;
  // Bound pods, some in running gangs, some terminating, some of another scheduler.
  for (let i = 0, n = int(0, 14); i < n; i++) {
    const group = r() < 0.3 ? `run${int(0, 2)}` : undefined;
    pods.push(
      pod(name(), {
        nodeName: nodes[int(0, nodes.length - 1)]!.name,
        cpu: int(0, 3) / 2,
        memory: int(0, 4),
        priority: int(0, 4),
        group,
        minAvailable: group !== undefined && r() < 0.5 ? String(int(1, 3)) : undefined,
        deletionTime: r() < 0.1 ? NOW - int(1, 600) * 1000 : undefined,
        schedulerName: r() < 0.15 ? 'other' : 'custom-scheduler',
        labels: { app: r() < 0.5 ? 'db' : 'web' },
        age: int(0, 100),
      }),
    );
  }
  // Pending pods: singles and gangs, some nominated, some that may not preempt.
  for (let i = 0, n = int(0, 12); i < n; i++) {
    const inGang = r() < 0.4;
    const group = inGang ? `g${int(0, 3)}` : undefined;
    pods.push(
      pod(name(), {
        cpu: int(0, 4) / 2,
        memory: int(0, 6),
        priority: int(0, 6),
        group,
        minAvailable: inGang && r() < 0.4 ? String(int(1, 4)) : undefined,
        preemptionPolicy: r() < 0.1 ? 'Never' : 'PreemptLowerPriority',
        nominatedNodeName: r() < 0.15 ? nodes[int(0, nodes.length - 1)]!.name : '',
        tolerations: r() < 0.2 ? [{ key: 'dedicated', operator: 'Exists', value: '', effect: '' }] : [],
        hostPorts: r() < 0.1 ? [{ hostIP: '0.0.0.0', protocol: 'TCP', port: 8080 }] : [],
        age: int(0, 100),
      }),
    );
  }
  const pdbs =
    r() < 0.3
      ? [
          {
            namespace: 'default',
            name: 'db',
            selector: { matchLabels: { app: 'db' }, matchExpressions: [] },
            disruptionsAllowed: int(0, 1),
            disruptedPods: new Set<string>(),
          },
        ]
      : [];
  return { nodes, pods, pdbs };
}

const isPending = (p: Pod): boolean =>
  p.schedulerName === 'custom-scheduler' &&
  p.nodeName === '' &&
  p.phase === 'Pending' &&
  p.deletionTime === undefined &&
  !p.schedulingGated;
const gangOf = (p: Pod): string | undefined =>
  p.schedulerName === 'custom-scheduler' && p.annotations[GROUP] !== undefined
    ? `${p.namespace}/${p.annotations[GROUP]}`
    : undefined;

function check(s: Snapshot, plan: Plan, c: PlanConfig): void {
  const byKey = new Map(s.pods.map((p) => [p.key, p]));
  // Effective priorities: a gang member counts at its gang's highest priority.
  const gangPriority = new Map<string, number>();
  for (const p of s.pods) {
    const g = gangOf(p);
    if (g !== undefined && p.deletionTime === undefined && p.phase !== 'Failed')
      gangPriority.set(g, Math.max(gangPriority.get(g) ?? -Infinity, p.priority));
  }
  // 1. Every pending pod of ours appears exactly once; nothing else appears.
  const listed = [...plan.bindings, ...plan.nominations, ...plan.unschedulable].map((e) => e.pod).sort();
  expect(listed).toEqual(
    s.pods
      .filter(isPending)
      .map((p) => p.key)
      .sort(),
  );

  // 2. Bindings never overcommit a node (pods already there, terminating ones included).
  const priority = (p: Pod): number => gangPriority.get(gangOf(p) ?? '') ?? p.priority;
  for (const n of s.nodes) {
    const here = s.pods.filter((p) => p.nodeName === n.name && p.phase !== 'Succeeded' && p.phase !== 'Failed');
    const added = plan.bindings.filter((b) => b.node === n.name).map((b) => byKey.get(b.pod)!);
    if (added.length === 0) continue;
    const all = [...here, ...added];
    // As kube-scheduler: a resource is checked only for pods that ask for it (the node may
    // already be overcommitted by pods bound elsewhere).
    for (const resource of ['cpu', 'memory'] as const) {
      if (added.some((p) => p.requests[resource] > 0)) {
        expect(all.reduce((sum, p) => sum + p.requests[resource], 0)).toBeLessThanOrEqual(n.allocatable[resource]);
      }
    }
    expect(all.length).toBeLessThanOrEqual(n.allocatablePods);
    if (c.maxPodsPerNode > 0)
      expect(all.filter((p) => p.schedulerName === c.schedulerName).length).toBeLessThanOrEqual(c.maxPodsPerNode);
    expect(n.ready && !n.unschedulable).toBe(true);
  }

  // 3. Victims: bound, alive, strictly lower priority than their preemptor, never its gang-mate,
  //    evicted once, and only for a preemptor that is nominated in this plan.
  const victims = plan.evictions.map((e) => e.pod);
  expect(new Set(victims).size).toBe(victims.length);
  for (const e of plan.evictions) {
    const v = byKey.get(e.pod)!;
    const by = byKey.get(e.preemptor)!;
    expect(v.nodeName).toBe(e.node);
    expect(v.deletionTime).toBeUndefined();
    expect(priority(v)).toBeLessThan(priority(by));
    expect(by.preemptionPolicy).toBe('PreemptLowerPriority');
    if (gangOf(by) !== undefined) expect(gangOf(v)).not.toBe(gangOf(by));
    expect(plan.nominations.some((n) => n.pod === e.preemptor)).toBe(true);
  }
  if (!c.preemption) expect(plan.evictions).toEqual([]);

  // 3b. No thrash: a pod whose nominated node still takes it and still has its victims
  //     terminating evicts nothing.
  const accepts = (p: Pod, n: Node | undefined): boolean =>
    n !== undefined &&
    n.ready &&
    !n.unschedulable &&
    n.taints.every(
      (t) =>
        t.effect === 'PreferNoSchedule' ||
        p.tolerations.some((tol) => tol.operator === 'Exists' && (tol.key === '' || tol.key === t.key)),
    );
  for (const e of plan.evictions) {
    const by = byKey.get(e.preemptor)!;
    const waiting =
      accepts(
        by,
        s.nodes.find((n) => n.name === by.nominatedNodeName),
      ) &&
      s.pods.some(
        (v) =>
          v.nodeName === by.nominatedNodeName &&
          v.deletionTime !== undefined &&
          priority(v) < priority(by) &&
          v.deletionTime + c.nominationTimeoutMs > NOW,
      );
    expect(waiting).toBe(false);
  }

  // 3c. Pods go only to nodes they may use: ready, not cordoned, hard taints tolerated.
  for (const { pod: key, node: name } of [...plan.bindings, ...plan.nominations]) {
    expect(
      accepts(
        byKey.get(key)!,
        s.nodes.find((x) => x.name === name),
      ),
    ).toBe(true);
  }

  // 4. Gangs are all or nothing: members placed in this plan reach the quorum, or none is placed.
  // 5. A running gang is never cut below its quorum by evictions unless it goes whole.
  const gangs = new Map<string, Pod[]>();
  for (const p of s.pods) {
    const g = gangOf(p);
    if (g !== undefined && p.deletionTime === undefined && p.phase !== 'Failed')
      gangs.set(g, [...(gangs.get(g) ?? []), p]);
  }
  for (const members of gangs.values()) {
    const explicit = members
      .map((m) => m.annotations['custom-scheduling.k8s.io/min-available'])
      .filter((v) => v !== undefined)
      .map(Number);
    const quorum = explicit.length > 0 ? Math.max(...explicit) : members.length;
    const placed = members.filter((m) => m.nodeName !== '' || m.phase === 'Succeeded').length;
    const placedNow = members.filter(
      (m) => plan.bindings.some((b) => b.pod === m.key) || plan.nominations.some((n) => n.pod === m.key),
    ).length;
    if (placedNow > 0) expect(placed + placedNow).toBeGreaterThanOrEqual(quorum);
    const live = members.filter((m) => m.nodeName !== '' && m.phase !== 'Succeeded');
    const evicted = live.filter((m) => victims.includes(m.key)).length;
    if (evicted > 0 && evicted < live.length) expect(placed - evicted).toBeGreaterThanOrEqual(quorum);
  }
}

describe('plan invariants on random clusters', () => {
  const configs: Array<[string, PlanConfig]> = [
    ['defaults', config()],
    ['one pod per node', config({ maxPodsPerNode: 1 })],
    ['no preemption, spreading', config({ preemption: false, scoring: 'LeastAllocated' })],
  ];
  it.each(configs)('hold for 300 seeds with %s', (_name, c) => {
    for (let seed = 1; seed <= 300; seed++) {
      const s = deepFreeze(cluster(seed));
      const plan = planCycle(s, c, NOW);
      try {
        check(s, plan, c);
        expect(JSON.stringify(planCycle(s, c, NOW))).toBe(JSON.stringify(plan));
      } catch (err) {
        throw new Error(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
  });
});
