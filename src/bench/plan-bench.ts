// Planner benchmark: builds synthetic clusters in the core model and times planCycle.
// Not a test. Run: npm run bench:plan [-- --runs N] [-- --only large|topology|racks|preemption]
// Prints, per case: sizes, the median and spread of plan time, and peak heap/RSS.
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_PLAN_CONFIG,
  NO_POD_AFFINITY,
  planCycle,
  type Node,
  type Plan,
  type Pod,
  type PodAffinityRules,
  type SpreadConstraint,
  type Resources,
  type Snapshot,
} from '../core/index.js';

const GiB = 1024 ** 3;
const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const RACK = 'example.com/rack';
const T0 = Date.parse('2026-01-01T00:00:00Z');

function res(milliCpu: number, memory: number): Resources {
  return { cpu: milliCpu, memory, ephemeralStorage: 0, scalar: new Map() };
}

function nodeNameOf(i: number): string {
  return `node-${String(i).padStart(5, '0')}`;
}

function makeNode(i: number): Node {
  const name = nodeNameOf(i);
  return {
    name,
    labels: { 'kubernetes.io/hostname': name, zone: `z${i % 3}`, [ZONE]: `zone-${i % 10}` },
    allocatable: res(32_000, 128 * GiB),
    allocatablePods: 110,
    taints: [],
    unschedulable: false,
    ready: true,
  };
}

let serial = 0;
interface PodShape {
  nodeName?: string;
  cpu: number;
  memory: number;
  priority: number;
  group?: string;
  /** The gang's <prefix>/topology-key annotation (a node label its members share). */
  topologyKey?: string;
  labels?: Record<string, string>;
  podAffinity?: PodAffinityRules;
  spread?: SpreadConstraint[];
}

function makePod(o: PodShape): Pod {
  const name = `pod-${serial++}`;
  const annotations: Record<string, string> =
    o.group === undefined ? {} : { 'custom-scheduling.k8s.io/group-name': o.group };
  if (o.topologyKey !== undefined) annotations['custom-scheduling.k8s.io/topology-key'] = o.topologyKey;
  return {
    key: `bench/${name}`,
    namespace: 'bench',
    name,
    uid: name,
    schedulerName: 'custom-scheduler',
    nodeName: o.nodeName ?? '',
    phase: o.nodeName === undefined ? 'Pending' : 'Running',
    creationTime: T0 + serial,
    deletionTime: undefined,
    priority: o.priority,
    preemptionPolicy: 'PreemptLowerPriority',
    labels: o.labels ?? { app: `app-${serial % 50}` },
    annotations,
    requests: res(o.cpu, o.memory),
    nodeSelector: {},
    requiredAffinity: undefined,
    preferredAffinity: [],
    tolerations: [],
    hostPorts: [],
    podAffinity: o.podAffinity ?? NO_POD_AFFINITY,
    spread: o.spread ?? [],
    volumes: [],
    resourceClaims: false,
    nominatedNodeName: '',
    schedulingGated: false,
    // The gang declaration the converter would read from the annotations.
    ...(o.group === undefined
      ? {}
      : {
          gangRefs: [
            {
              kind: 'member',
              source: 'custom',
              name: o.group,
              field: 'annotation custom-scheduling.k8s.io/group-name',
              quorum: undefined,
              quorumProblem: undefined,
              topologyKey: o.topologyKey,
              preferredTopologyKey: undefined,
              topologyProblem: undefined,
            },
          ],
        }),
  };
}

/** 5,000 nodes, 100,000 bound pods, 10,000 pending (500 in gangs of 8... rounded to whole gangs). */
function largeCluster(): Snapshot {
  const nodes = Array.from({ length: 5000 }, (_, i) => makeNode(i));
  const pods: Pod[] = [];
  for (let i = 0; i < 100_000; i++) {
    const nodeName = nodeNameOf(i % 5000);
    pods.push(makePod({ nodeName, cpu: 500, memory: 2 * GiB, priority: i % 3 }));
  }
  for (let i = 0; i < 9_500; i++) pods.push(makePod({ cpu: 250 + (i % 4) * 250, memory: GiB, priority: i % 5 }));
  for (let g = 0; g < 63; g++) {
    for (let m = 0; m < 8; m++) pods.push(makePod({ cpu: 4000, memory: 16 * GiB, priority: 3, group: `gang-${g}` }));
  }
  return { nodes, pods, pdbs: [] };
}

const selecting = (labels: Record<string, string>) => ({ matchLabels: labels, matchExpressions: [] });

/** One worker per node: required anti-affinity to the pods of its own job, by hostname. */
function onePerNode(job: string): PodAffinityRules {
  const term = {
    selector: selecting({ job }),
    namespaces: ['bench'],
    namespaceSelector: undefined,
    topologyKey: HOSTNAME,
  };
  return { ...NO_POD_AFFINITY, requiredAnti: [term] };
}

/**
 * The large cluster with rules across pods: 20% of the pending pods in jobs of 20 that
 * either want one pod per node (hostname anti-affinity) or spread over 10 zones
 * (maxSkew 1, DoNotSchedule); 1% of the bound pods carry hostname anti-affinity too,
 * so every pending pod is checked against them.
 */
function topologyCluster(): Snapshot {
  const base = largeCluster();
  let ruled = 0;
  const pods = base.pods.map((p, i): Pod => {
    if (p.nodeName !== '') {
      if (i % 100 !== 0) return p;
      const job = `bound-${i % 5000}`;
      return { ...p, labels: { job }, podAffinity: onePerNode(job) };
    }
    if (p.annotations['custom-scheduling.k8s.io/group-name'] !== undefined || i % 5 !== 0) return p;
    const job = `job-${Math.floor(ruled++ / 20)}`;
    if (ruled % 40 < 20) return { ...p, labels: { job }, podAffinity: onePerNode(job) };
    const spread: SpreadConstraint = {
      maxSkew: 1,
      topologyKey: ZONE,
      whenUnsatisfiable: 'DoNotSchedule',
      selector: selecting({ job }),
      minDomains: 1,
      nodeAffinityPolicy: 'Honor',
      nodeTaintsPolicy: 'Ignore',
    };
    return { ...p, labels: { job }, spread: [spread] };
  });
  return { ...base, pods };
}

/**
 * 5,000 nodes in 100 racks of 50, 100,000 bound pods, 10,000 pending: 200 gangs of 8 that
 * must each run in one rack (annotation <prefix>/topology-key) among 8,400 single pods.
 */
function rackCluster(): Snapshot {
  const nodes = Array.from({ length: 5000 }, (_, i) => {
    const n = makeNode(i);
    return { ...n, labels: { ...n.labels, [RACK]: `rack-${String(Math.floor(i / 50)).padStart(3, '0')}` } };
  });
  const pods: Pod[] = [];
  for (let i = 0; i < 100_000; i++) {
    pods.push(makePod({ nodeName: nodeNameOf(i % 5000), cpu: 500, memory: 2 * GiB, priority: i % 3 }));
  }
  for (let i = 0; i < 8_400; i++) pods.push(makePod({ cpu: 250 + (i % 4) * 250, memory: GiB, priority: i % 5 }));
  for (let g = 0; g < 200; g++) {
    for (let m = 0; m < 8; m++) {
      pods.push(makePod({ cpu: 4000, memory: 16 * GiB, priority: 3, group: `rack-gang-${g}`, topologyKey: RACK }));
    }
  }
  return { nodes, pods, pdbs: [] };
}

/** Every node full of low-priority pods; 1,000 higher-priority pods pending. */
function fullCluster(): Snapshot {
  const nodes = Array.from({ length: 5000 }, (_, i) => makeNode(i));
  const pods: Pod[] = [];
  for (const n of nodes) {
    for (let k = 0; k < 20; k++) pods.push(makePod({ nodeName: n.name, cpu: 1600, memory: 6 * GiB, priority: k % 4 }));
  }
  for (let i = 0; i < 1000; i++) pods.push(makePod({ cpu: 4000, memory: 8 * GiB, priority: 100 }));
  return { nodes, pods, pdbs: [] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN; // NaN: no runs
}

/** How many rack gangs the plan places whole in one rack (the planner's promise, checked outside it). */
function gangsInOneRack(snapshot: Snapshot, plan: Plan): string {
  const rackOf = new Map(snapshot.nodes.map((n) => [n.name, n.labels[RACK]]));
  const groupOf = new Map(snapshot.pods.map((p) => [p.key, p.annotations['custom-scheduling.k8s.io/group-name']]));
  const racks = new Map<string, Set<string | undefined>>();
  for (const b of [...plan.bindings, ...plan.nominations]) {
    const group = groupOf.get(b.pod);
    if (group?.startsWith('rack-gang-') !== true) continue;
    const seen = racks.get(group) ?? new Set();
    seen.add(rackOf.get(b.node));
    racks.set(group, seen);
  }
  const whole = [...racks.values()].filter((r) => r.size === 1 && !r.has(undefined)).length;
  return ` gangs in one rack=${whole}/${racks.size}`;
}

function runCase(name: string, build: () => Snapshot, runs: number, check?: (s: Snapshot, p: Plan) => string): void {
  const snapshot = build();
  const times: number[] = [];
  let peakHeap = 0;
  let peakRss = 0;
  let summary = '';
  for (let r = 0; r < runs; r++) {
    globalThis.gc?.(); // defined with node --expose-gc, as npm run bench:plan runs it
    const t = performance.now();
    const plan = planCycle(snapshot, DEFAULT_PLAN_CONFIG, T0 + 3_600_000);
    times.push(performance.now() - t);
    const mem = process.memoryUsage();
    peakHeap = Math.max(peakHeap, mem.heapUsed);
    peakRss = Math.max(peakRss, mem.rss);
    summary = `bindings=${plan.bindings.length} nominations=${plan.nominations.length} evictions=${plan.evictions.length} unschedulable=${plan.unschedulable.length}`;
    if (check !== undefined) summary += check(snapshot, plan); // after the timing: not timed
  }
  const pending = snapshot.pods.filter((p) => p.nodeName === '').length;
  console.log(
    `${name}: nodes=${snapshot.nodes.length} pods=${snapshot.pods.length} pending=${pending} | ${summary}\n` +
      `  plan time ms: median=${median(times).toFixed(0)} min=${Math.min(...times).toFixed(0)} max=${Math.max(...times).toFixed(0)} (runs=${runs})\n` +
      `  peak heap=${(peakHeap / 2 ** 20).toFixed(0)} MiB rss=${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
}

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;
console.log(`node ${process.version}, ${new Date().toISOString()}`);
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined;
if (only === undefined || only === 'large') runCase('large (target: median <= 1000 ms)', largeCluster, runs);
if (only === undefined || only === 'topology') {
  runCase(
    'topology: large with 20% of pending under anti-affinity or zone spread (target: median <= 1500 ms)',
    topologyCluster,
    runs,
  );
}
if (only === undefined || only === 'racks') {
  runCase(
    'racks: 100 racks, 200 gangs of 8 each in one rack (target: median <= 1000 ms)',
    rackCluster,
    runs,
    gangsInOneRack,
  );
}
if (only === undefined || only === 'preemption') runCase('preemption (target: median <= 3000 ms)', fullCluster, runs);
