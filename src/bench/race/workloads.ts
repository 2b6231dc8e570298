// The race's workloads: what each case puts on the cluster before a contender starts, when a
// run is done, and what it measures beyond binding (gangs, evictions).
import type { RaceApi } from './api.js';
import { createPodGroups, createPods } from './cluster.js';
import { cpuMillis, HIGH_PRIORITY, LOW_PRIORITY, racePod, racePodGroup, type NodeShape } from './objects.js';
import type { ObservedPod, PodWatch } from './observe.js';
import type { Contender, GangFigures, Workload } from './results.js';

export const GANG_LABEL = 'custom-scheduling.k8s.io/race-gang';
const GROUP_NAME = 'custom-scheduling.k8s.io/group-name';
const MIN_AVAILABLE = 'custom-scheduling.k8s.io/min-available';

export interface RunContext {
  readonly api: RaceApi;
  readonly contender: Contender;
  /** The run's namespace of pending pods. */
  readonly namespace: string;
  /** The run's namespace of low-priority pods already bound (preemption). */
  readonly lowNamespace: string;
  readonly nodes: readonly string[];
}

export interface RaceCaseSpec {
  readonly workload: Workload;
  readonly label: string;
  readonly nodes: number;
  readonly shape: NodeShape;
  readonly genericWorkload: boolean;
  readonly contenders: readonly Contender[];
  readonly pendingPods: number;
  readonly boundPods: number;
  readonly deadlineMs: number;
  readonly notes?: string;
  readonly minimumEvictions?: number;
  /** Puts the run's pods on the cluster (the scheduler is not running yet). */
  prepare(ctx: RunContext): Promise<void>;
  /** The run reached its goal. */
  done(pending: PodWatch): boolean;
  gangs?(pending: PodWatch, startedAt: number): GangFigures;
}

function schedulerName(contender: Contender): string {
  return contender === 'custom-scheduler' || contender === 'floor-binder' ? 'custom-scheduler' : 'default-scheduler';
}

/** Pending pods of 100m CPU for the run's contender. */
function createSmallPods({ api, contender, namespace }: RunContext, count: number): Promise<void> {
  return createPods(
    api,
    namespace,
    Array.from({ length: count }, (_, i) =>
      racePod({ name: `p-${i}`, schedulerName: schedulerName(contender), cpu: '100m' }),
    ),
  );
}

export function basicCase(pods: number, nodes: number, contenders: readonly Contender[]): RaceCaseSpec {
  return {
    workload: 'basic',
    label: `${pods.toLocaleString('en-US')} pods / ${nodes.toLocaleString('en-US')} nodes`,
    nodes,
    shape: { cpu: '32', memory: '256Gi', pods: 110 },
    genericWorkload: false,
    contenders,
    pendingPods: pods,
    boundPods: 0,
    deadlineMs: Math.max(120_000, pods * 120),
    prepare: (ctx) => createSmallPods(ctx, pods),
    done: (pending) => pending.bound() >= pods,
  };
}

export interface GangWorkloadShape {
  readonly gangs: number;
  readonly size: number;
  readonly nodes: number;
  /** Members per node (each member asks for one CPU). */
  readonly slotsPerNode: number;
}

/** Gangs whose total demand exceeds the cluster: how many gangs complete, how many are stranded half-bound. */
export function gangsCase(shape: GangWorkloadShape, contenders: readonly Contender[]): RaceCaseSpec {
  const slots = shape.nodes * shape.slotsPerNode;
  const placeable = Math.floor(slots / shape.size);
  const members = shape.gangs * shape.size;
  return {
    workload: 'gangs',
    label: `${shape.gangs} gangs of ${shape.size} / ${shape.nodes} nodes`,
    nodes: shape.nodes,
    shape: { cpu: String(shape.slotsPerNode), memory: '64Gi', pods: 110 },
    genericWorkload: true,
    contenders,
    pendingPods: members,
    boundPods: 0,
    deadlineMs: 300_000,
    notes: `${slots} one-CPU slots for ${members} members: at most ${placeable} gangs fit at once.`,
    prepare: ({ api, contender, namespace }) => createGangs(api, contender, namespace, shape.gangs, shape.size, '1'),
    // A gang scheduler is done when every gang that fits is placed; one without gangs when the cluster is full.
    done: (pending) => pending.bound() >= slots || placedGangs(pending).length >= placeable,
    gangs: (pending, startedAt) => gangFigures(pending, startedAt, shape.gangs, shape.size, placeable, 1000),
  };
}

async function createGangs(
  api: RaceApi,
  contender: Contender,
  namespace: string,
  gangs: number,
  size: number,
  cpu: string,
  priorityClassName?: string,
): Promise<void> {
  const groups = Array.from({ length: gangs }, (_, g) => `g-${g}`);
  if (contender === 'kube-scheduler+podgroups')
    await createPodGroups(
      api,
      namespace,
      groups.map((g) => racePodGroup(g, size, priorityClassName)),
    );
  const pods = groups.flatMap((group) =>
    Array.from({ length: size }, (_, m) =>
      racePod({
        name: `${group}-m${m}`,
        schedulerName: schedulerName(contender),
        cpu,
        labels: { [GANG_LABEL]: group },
        ...(priorityClassName === undefined ? {} : { priorityClassName }),
        ...(contender === 'custom-scheduler'
          ? { annotations: { [GROUP_NAME]: group, [MIN_AVAILABLE]: String(size) } }
          : {}),
        ...(contender === 'kube-scheduler+podgroups' ? { podGroup: group } : {}),
      }),
    ),
  );
  await createPods(api, namespace, pods);
}

function byGang(pending: PodWatch): Map<string, ObservedPod[]> {
  const gangs = new Map<string, ObservedPod[]>();
  for (const pod of pending.all()) {
    const gang = pod.labels[GANG_LABEL];
    if (gang === undefined) continue;
    const members = gangs.get(gang) ?? [];
    members.push(pod);
    gangs.set(gang, members);
  }
  return gangs;
}

/** Completion time of each gang whose members are all bound. */
function placedGangs(pending: PodWatch): number[] {
  const done: number[] = [];
  for (const members of byGang(pending).values()) {
    const times = members.map((m) => m.boundAt);
    if (times.every((t) => t !== undefined)) done.push(Math.max(...times.filter((t) => t !== undefined)));
  }
  return done;
}

function gangFigures(
  pending: PodWatch,
  startedAt: number,
  total: number,
  size: number,
  placeable: number,
  memberCpuMillis: number,
): GangFigures {
  let partial = 0;
  let heldCpuMillis = 0;
  for (const members of byGang(pending).values()) {
    const bound = members.filter((m) => m.nodeName !== '').length;
    if (bound > 0 && bound < size) {
      partial++;
      heldCpuMillis += bound * memberCpuMillis;
    }
  }
  const placed = placedGangs(pending).sort((a, b) => a - b);
  const reached = placed[placeable - 1];
  return {
    total,
    placeable,
    placed: placed.length,
    partial,
    heldCpuMillis,
    ...(reached === undefined ? {} : { timeToPlaceableMs: reached - startedAt }),
  };
}

export interface PreemptionShape {
  readonly nodes: number;
  /** CPUs per node, each filled by one low-priority pod of one CPU. */
  readonly cpus: number;
  /** High-priority single pods of half a CPU. */
  readonly pods: number;
  readonly gangs: number;
  readonly gangSize: number;
}

/** A cluster full of low-priority pods, then high-priority pods and gangs that need their room. */
export function preemptionCase(shape: PreemptionShape, contenders: readonly Contender[]): RaceCaseSpec {
  const low = shape.nodes * shape.cpus;
  const high = shape.pods + shape.gangs * shape.gangSize;
  // Each eviction frees one CPU: two half-CPU pods, or one gang member.
  const minimumEvictions = Math.ceil(shape.pods / 2) + shape.gangs * shape.gangSize;
  return {
    workload: 'preemption',
    label: `${shape.pods} pods + ${shape.gangs} gangs over ${low.toLocaleString('en-US')} low-priority pods`,
    nodes: shape.nodes,
    shape: { cpu: String(shape.cpus), memory: '64Gi', pods: 110 },
    genericWorkload: true,
    contenders,
    pendingPods: high,
    boundPods: low,
    deadlineMs: 300_000,
    minimumEvictions,
    notes: `${low} one-CPU low-priority pods fill ${shape.nodes} nodes; ${shape.pods} half-CPU pods and ${shape.gangs} gangs of ${shape.gangSize} one-CPU members arrive at high priority.`,
    prepare: async ({ api, contender, namespace, lowNamespace, nodes }) => {
      await createPods(
        api,
        lowNamespace,
        Array.from({ length: low }, (_, i) =>
          racePod({
            name: `low-${i}`,
            schedulerName: 'default-scheduler',
            cpu: '1',
            nodeName: nodes[i % nodes.length] ?? '',
            priorityClassName: LOW_PRIORITY,
          }),
        ),
      );
      await createPods(
        api,
        namespace,
        Array.from({ length: shape.pods }, (_, i) =>
          racePod({
            name: `high-${i}`,
            schedulerName: schedulerName(contender),
            cpu: '500m',
            priorityClassName: HIGH_PRIORITY,
          }),
        ),
      );
      await createGangs(api, contender, namespace, shape.gangs, shape.gangSize, '1', HIGH_PRIORITY);
    },
    done: (pending) => pending.bound() >= high,
    gangs: (pending, startedAt) =>
      gangFigures(pending, startedAt, shape.gangs, shape.gangSize, shape.gangs, cpuMillis('1')),
  };
}

/** A large cluster already running many pods: memory and start-up of each scheduler, then a batch to place. */
export function scaleCase(
  nodes: number,
  bound: number,
  pending: number,
  contenders: readonly Contender[],
): RaceCaseSpec {
  return {
    workload: 'scale',
    label: `${nodes.toLocaleString('en-US')} nodes / ${bound.toLocaleString('en-US')} pods`,
    nodes,
    shape: { cpu: '64', memory: '256Gi', pods: 110 },
    genericWorkload: false,
    contenders,
    pendingPods: pending,
    boundPods: bound,
    deadlineMs: 600_000,
    prepare: (ctx) => createSmallPods(ctx, pending),
    done: (watch) => watch.bound() >= pending,
  };
}

/** The bound pods of a scale case, spread evenly over the nodes (created once per case). */
export function boundPods(count: number, nodes: readonly string[]): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) =>
    racePod({
      name: `b-${i}`,
      schedulerName: 'default-scheduler',
      cpu: '100m',
      nodeName: nodes[i % nodes.length] ?? '',
    }),
  );
}
