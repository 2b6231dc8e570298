// Property test: random small clusters, and the rules every plan must keep whatever the
// input. Seeded, so a failure names the seed that reproduces it.
import {
  NO_POD_AFFINITY,
  type Claim,
  type Node,
  type PersistentVolume,
  type Pod,
  type PodAffinityTerm,
  type Snapshot,
} from './model.js';
import { planCycle } from './plan.js';
import type { Plan, PlanConfig } from './plan-types.js';
import { config, deepFreeze, node, pod, T0 } from './testing.js';
import { HOSTNAME, spreadOn, term, ZONE } from './topology/testing.js';
import { claim, GiB, onNode, storageClass, uses, volume } from './volumes/testing.js';

const NOW = T0 + 3_600_000;
const GROUP = 'custom-scheduling.k8s.io/group-name';
const TOPOLOGY = 'custom-scheduling.k8s.io/topology-key';
const PREFERRED = 'custom-scheduling.k8s.io/preferred-topology-key';
const RACK = 'example.com/rack';

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

/**
 * Rules across nodes, drawn from their own stream so the rest of each seed's cluster
 * stays as it was: zones on most nodes, and on some pods anti-affinity, affinity or
 * a DoNotSchedule spread over a zone or the hostname.
 */
function withRules(seed: number, s: Snapshot): Snapshot {
  const r = random(seed * 7919 + 17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const key = (): string => (r() < 0.5 ? HOSTNAME : ZONE);
  const apps = ['db', 'web', 'batch'];
  const nodes = s.nodes.map((n) => (r() < 0.9 ? { ...n, labels: { ...n.labels, [ZONE]: pick(['a', 'b', 'c']) } } : n));
  const pods = s.pods.map((p): Pod => {
    const app = pick(apps);
    const labels = { ...p.labels, app };
    const roll = r();
    if (roll < 0.15) {
      const t = { ...term({ app: pick(apps) }, key()) };
      return { ...p, labels, podAffinity: { ...NO_POD_AFFINITY, requiredAnti: [t] } };
    }
    if (roll < 0.25)
      return { ...p, labels, podAffinity: { ...NO_POD_AFFINITY, required: [term({ app: pick(apps) }, key())] } };
    if (roll < 0.4) {
      const c = spreadOn(key(), { app }, { maxSkew: 1 + Math.floor(r() * 2), minDomains: 1 + Math.floor(r() * 3) });
      return { ...p, labels, spread: [c] };
    }
    return { ...p, labels };
  });
  return { ...s, nodes, pods };
}

/** Whether a matchLabels-only selector (as the generator writes) picks the pod; written apart from the planner's. */
function picks(t: PodAffinityTerm, p: Pod): boolean {
  const want = t.selector?.matchLabels ?? {};
  return t.namespaces.includes(p.namespace) && Object.entries(want).every(([k, v]) => p.labels[k] === v);
}

/**
 * 6. No binding breaks a required (anti-)affinity term, its own or a bound pod's, and
 *    no DoNotSchedule constraint's skew is exceeded, replaying the bindings in order
 *    over the pods bound before them.
 */
function checkRules(s: Snapshot, plan: Plan): void {
  const nodeOf = new Map(s.nodes.map((n) => [n.name, n]));
  const byKey = new Map(s.pods.map((p) => [p.key, p]));
  const placed: Array<[Pod, Node]> = [];
  for (const p of s.pods) {
    const n = nodeOf.get(p.nodeName);
    if (n !== undefined && p.phase !== 'Succeeded' && p.phase !== 'Failed') placed.push([p, n]);
  }
  const sameDomain = (a: Node, b: Node, k: string): boolean => a.labels[k] !== undefined && a.labels[k] === b.labels[k];
  for (const { pod: key, node: name } of plan.bindings) {
    const p = byKey.get(key)!;
    const n = nodeOf.get(name)!;
    const why = `${key} on ${name}`;
    for (const t of p.podAffinity.requiredAnti) {
      const clash = placed.find(([q, m]) => sameDomain(n, m, t.topologyKey) && picks(t, q));
      expect([why, 'anti-affinity', clash?.[0].key]).toEqual([why, 'anti-affinity', undefined]);
    }
    for (const [q, m] of placed) {
      for (const t of q.podAffinity.requiredAnti) {
        if (picks(t, p) && sameDomain(n, m, t.topologyKey)) throw new Error(`${why}: breaks ${q.key}'s anti-affinity`);
      }
    }
    const req = p.podAffinity.required;
    if (req.length > 0) {
      const matching = placed.filter(([q]) => req.every((t) => picks(t, q)));
      const met = req.every((t) => matching.some(([, m]) => sameDomain(n, m, t.topologyKey)));
      const first =
        req.every((t) => n.labels[t.topologyKey] !== undefined) &&
        !matching.some(([, m]) => req.some((t) => m.labels[t.topologyKey] !== undefined)) &&
        req.every((t) => picks(t, p));
      if (!met && !first) throw new Error(`${why}: breaks its pod affinity`);
    }
    for (const c of p.spread.filter((x) => x.whenUnsatisfiable === 'DoNotSchedule')) {
      const k = c.topologyKey;
      const want = c.selector?.matchLabels ?? {};
      const counts = new Map<string, number>();
      for (const m of s.nodes) {
        const v = m.labels[k];
        if (
          v !== undefined &&
          p.spread.every((x) => x.whenUnsatisfiable !== 'DoNotSchedule' || m.labels[x.topologyKey] !== undefined)
        )
          counts.set(v, counts.get(v) ?? 0);
      }
      for (const [q, m] of placed) {
        const v = m.labels[k];
        const matches = Object.entries(want).every(([lk, lv]) => q.labels[lk] === lv);
        if (v !== undefined && counts.has(v) && q.namespace === p.namespace && q.deletionTime === undefined && matches)
          counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const min = counts.size < c.minDomains ? 0 : Math.min(...counts.values());
      const here = counts.get(n.labels[k] ?? '');
      if (here === undefined) throw new Error(`${why}: node lacks ${k}`);
      const self = Object.entries(want).every(([lk, lv]) => p.labels[lk] === lv) ? 1 : 0;
      if (here + self - min > c.maxSkew) throw new Error(`${why}: skew ${here + self - min} over ${c.maxSkew} on ${k}`);
    }
    placed.push([p, n]);
  }
}

/**
 * Storage from its own stream: a few local volumes pinned to nodes, claims bound,
 * unbound (first consumer) or missing, and some pending pods using one.
 */
function withStorage(seed: number, s: Snapshot): Snapshot {
  const r = random(seed * 104_729 + 7);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const volumes: PersistentVolume[] = [];
  for (let i = 0, n = int(0, 4); i < n; i++) {
    const at = s.nodes[int(0, s.nodes.length - 1)]?.name ?? '';
    volumes.push(volume(`pv${i}`, { capacity: int(1, 4) * GiB, nodeAffinity: r() < 0.8 ? onNode(at) : undefined }));
  }
  const claims: Claim[] = [];
  for (let i = 0, n = int(0, 4); i < n; i++) claims.push(claim(`c${i}`, { request: int(1, 3) * GiB }));
  const pods = s.pods.map((p): Pod => {
    if (p.nodeName !== '' || r() > 0.3) return p;
    return { ...p, volumes: uses(`c${int(0, 5)}`) }; // c4, c5 may not exist
  });
  return { ...s, pods, volumes, claims, storageClasses: [storageClass('local')] };
}

/**
 * 7. Storage: a pod is bound only with every claim Bound to a volume that allows its node;
 *    a chosen volume goes to one claim only, fits it, allows the node, and its pod is nominated there.
 */
function checkStorage(s: Snapshot, plan: Plan): void {
  const claims = new Map((s.claims ?? []).map((c) => [c.key, c]));
  const volumes = new Map((s.volumes ?? []).map((v) => [v.name, v]));
  const nodeOf = new Map(s.nodes.map((n) => [n.name, n]));
  const byKey = new Map(s.pods.map((p) => [p.key, p]));
  const allows = (v: PersistentVolume | undefined, n: Node | undefined): boolean =>
    v !== undefined &&
    n !== undefined &&
    (v.nodeAffinity === undefined ||
      v.nodeAffinity.some((t) => t.matchExpressions.every((e) => e.values.includes(n.labels[e.key] ?? ''))));
  for (const b of plan.bindings) {
    const p = byKey.get(b.pod)!;
    for (const v of p.volumes) {
      const c = v.kind === 'claim' ? claims.get(`${p.namespace}/${v.claimName}`) : undefined;
      expect([b.pod, c?.phase]).toEqual([b.pod, 'Bound']);
      expect(allows(volumes.get(c!.volumeName), nodeOf.get(b.node))).toBe(true);
    }
  }
  const taken = new Set<string>();
  for (const choice of plan.volumeChoices ?? []) {
    expect(plan.nominations).toContainEqual({ pod: choice.pod, node: choice.node });
    for (const { claim: key, volume: name } of choice.claims) {
      if (name === '') continue;
      expect(taken.has(name)).toBe(false);
      taken.add(name);
      const v = volumes.get(name);
      expect(allows(v, nodeOf.get(choice.node))).toBe(true);
      expect(v!.capacity).toBeGreaterThanOrEqual(claims.get(key)!.request);
    }
  }
}

/**
 * Racks from their own stream: most nodes in one of three, and some gangs (pending or
 * running) that must run in one rack, or would rather.
 */
function withRacks(seed: number, s: Snapshot): Snapshot {
  const r = random(seed * 31_337 + 3);
  const nodes = s.nodes.map((n) =>
    r() < 0.8 ? { ...n, labels: { ...n.labels, [RACK]: `r${1 + Math.floor(r() * 3)}` } } : n,
  );
  const where = new Map<string, string>();
  for (const g of ['g0', 'g1', 'g2', 'g3', 'run0', 'run1', 'run2']) {
    const roll = r();
    if (roll < 0.4) where.set(g, TOPOLOGY);
    else if (roll < 0.5) where.set(g, PREFERRED);
  }
  const pods = s.pods.map((p): Pod => {
    const annotation = where.get(p.annotations[GROUP] ?? '');
    if (annotation === undefined) return p;
    const field = annotation === TOPOLOGY ? 'topologyKey' : 'preferredTopologyKey';
    const gangRefs = p.gangRefs?.map((ref) => (ref.kind === 'member' ? { ...ref, [field]: RACK } : ref));
    return {
      ...p,
      annotations: { ...p.annotations, [annotation]: RACK },
      ...(gangRefs === undefined ? {} : { gangRefs }),
    };
  });
  return { ...s, nodes, pods };
}

/**
 * 8. Every member of a gang with a topology key placed in this plan is on a node with
 *    the label, the same value as every other member placed and every running member.
 */
function checkRacks(s: Snapshot, plan: Plan): number {
  const nodeOf = new Map(s.nodes.map((n) => [n.name, n]));
  const placed = new Map([...plan.bindings, ...plan.nominations].map((b) => [b.pod, b.node]));
  const members = new Map<string, Array<[Pod, string]>>();
  for (const p of s.pods) {
    const group = p.annotations[GROUP];
    if (group === undefined || p.annotations[TOPOLOGY] === undefined || p.schedulerName !== 'custom-scheduler')
      continue;
    const running =
      p.nodeName !== '' && p.phase !== 'Succeeded' && p.phase !== 'Failed' && p.deletionTime === undefined;
    const at = placed.get(p.key) ?? (running ? p.nodeName : undefined);
    if (at !== undefined && nodeOf.has(at)) members.set(group, [...(members.get(group) ?? []), [p, at]]);
  }
  let checked = 0;
  for (const [group, list] of members) {
    if (!list.some(([p]) => placed.has(p.key))) continue;
    checked++;
    const values = list.map(([p, at]) => `${p.name}@${at}:${nodeOf.get(at)?.labels[RACK] ?? 'none'}`);
    const distinct = new Set(list.map(([, at]) => nodeOf.get(at)?.labels[RACK]));
    expect([group, distinct.size, distinct.has(undefined), values]).toEqual([group, 1, false, values]);
  }
  return checked;
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
  return withRacks(seed, withStorage(seed, withRules(seed, { nodes, pods, pdbs })));
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
    let rackGangs = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const s = deepFreeze(cluster(seed));
      const plan = planCycle(s, c, NOW);
      try {
        check(s, plan, c);
        checkRules(s, plan);
        checkStorage(s, plan);
        rackGangs += checkRacks(s, plan);
        expect(JSON.stringify(planCycle(s, c, NOW))).toBe(JSON.stringify(plan));
      } catch (err) {
        throw new Error(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    expect(rackGangs).toBeGreaterThan(20); // the rule is exercised, not vacuously true
  });
});
