// The race's result data: what `make bench-race` writes to bench/race/results.json and
// what the report (BENCHMARKS.md tables and the SVG charts) is generated from.

/** Who schedules in one run. */
export type Contender =
  | 'custom-scheduler'
  | 'kube-scheduler'
  /** kube-scheduler with the GenericWorkload gate: gangs as scheduling.k8s.io/v1beta1 PodGroups. */
  | 'kube-scheduler+podgroups'
  /** No decisions: binds pending pods round-robin with custom-scheduler's bind concurrency, one event per bind. */
  | 'floor-binder';

export type Workload = 'basic' | 'gangs' | 'preemption' | 'scale';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
}

export interface Versions {
  readonly kubernetes: string;
  readonly kwok: string;
  readonly etcd: string;
  /** git describe of the custom-scheduler checkout that ran. */
  readonly customScheduler: string;
}

/** One scheduler started alone over one prepared cluster. */
export interface RaceRun {
  readonly contender: Contender;
  /** Every pod the run expects to place was placed before the deadline. */
  readonly completed: boolean;
  /** Why a run did not complete (deadline, crash), when it did not. */
  readonly failure?: string;
  /** Process start to every expected pod bound (to the last bind seen when not completed). */
  readonly timeToAllBoundMs: number;
  /** Process start to ready (informers synced: /readyz answers 200). */
  readonly syncMs: number;
  /** Pods bound by this run. */
  readonly bound: number;
  /** Binds per second from the first bind to the last. */
  readonly bindsPerSecond: number;
  /** API requests the scheduler's identity made (API server's flow-control count), per pod bound. */
  readonly apiCallsPerPod: number;
  /** From the scheduler's start to each pod's bind (pods were all pending at start). */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Peak resident memory of the scheduler process (VmHWM). */
  readonly peakRssMiB: number;
  /** custom-scheduler only: passes that wrote something, and their mean time on snapshot and plan (no API calls). */
  readonly passes?: number;
  readonly planMsMean?: number;
  readonly planMsMax?: number;
  /** gangs and preemption workloads. */
  readonly gangs?: GangFigures;
  /** preemption workload. */
  readonly evictions?: number;
}

export interface GangFigures {
  readonly total: number;
  /** Gangs that fit the cluster at once (all of their members), by capacity. */
  readonly placeable: number;
  /** Gangs with every member bound at the end. */
  readonly placed: number;
  /** Gangs with some but fewer than min-available members bound at the end. */
  readonly partial: number;
  /** CPU (millicores) requested by the bound members of partial gangs. */
  readonly heldCpuMillis: number;
  /** Start to `placeable` gangs fully bound; absent when that never happened. */
  readonly timeToPlaceableMs?: number;
}

/** One workload at one size, run once per contender on a fresh cluster. */
export interface RaceCase {
  readonly workload: Workload;
  /** Short label for tables and charts, e.g. "1,000 pods / 100 nodes". */
  readonly label: string;
  readonly nodes: number;
  /** Pods pending when the scheduler starts. */
  readonly pendingPods: number;
  /** Pods already bound when the scheduler starts (scale, preemption). */
  readonly boundPods: number;
  /** Time to create the bound pods and let the cluster settle (scale). */
  readonly setupMs: number;
  /** What the case checks beyond binding, in words (for the report). */
  readonly notes?: string;
  /** Preemption: the fewest evictions that make room for every high-priority pod. */
  readonly minimumEvictions?: number;
  readonly runs: readonly RaceRun[];
}

export interface RaceResults {
  /** The command that produced this file. */
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: Machine;
  readonly versions: Versions;
  readonly cases: readonly RaceCase[];
}
