// What the planner is asked (config) and what it answers (a plan). A plan is data:
// the runtime executes it, the `plan` command prints it, golden tests compare it.

import { GANG_SOURCES } from './gang-sources.js';
import type { GangSource } from './model.js';

export type Scoring = 'MostAllocated' | 'LeastAllocated';

export interface PlanConfig {
  /** Pods with this spec.schedulerName are ours. */
  readonly schedulerName: string;
  /** At most this many of our pods per node; 0 = no limit. */
  readonly maxPodsPerNode: number;
  readonly preemption: boolean;
  readonly scoring: Scoring;
  /**
   * Prefix of the scheduler's own annotations: the gang annotations `<prefix>/group-name`
   * and `<prefix>/min-available` (read where pods are converted) and the claims' chosen-at.
   */
  readonly annotationPrefix: string;
  /** Where gangs may be declared; a pod naming a gang of another source waits, saying so. */
  readonly gangSources: readonly GangSource[];
  /**
   * A nomination whose victims are still terminating this long after their deletion
   * started is dropped and planned afresh (milliseconds).
   */
  readonly nominationTimeoutMs: number;
  /**
   * Claims the scheduler chose a volume or node for that are still unbound this long
   * after the choice are released and planned afresh (milliseconds).
   */
  readonly volumeBindTimeoutMs: number;
  /**
   * Share of nodes (1-100) to find feasible before choosing among them, as
   * kube-scheduler's percentageOfNodesToScore; 0 = kube-scheduler's adaptive default.
   */
  readonly percentageOfNodesToScore: number;
}

export const DEFAULT_PLAN_CONFIG: PlanConfig = Object.freeze({
  schedulerName: 'custom-scheduler',
  maxPodsPerNode: 0,
  preemption: true,
  scoring: 'MostAllocated',
  annotationPrefix: 'custom-scheduling.k8s.io',
  gangSources: GANG_SOURCES,
  nominationTimeoutMs: 5 * 60_000,
  volumeBindTimeoutMs: 5 * 60_000,
  percentageOfNodesToScore: 0,
});

export interface Binding {
  readonly pod: string; // namespace/name
  readonly node: string;
}

export interface Eviction {
  readonly pod: string;
  readonly node: string;
  /** The pod (or, for a gang, the first member) the victim makes room for. */
  readonly preemptor: string;
}

export interface Nomination {
  readonly pod: string;
  readonly node: string;
}

/**
 * What to write so a pod's unbound claims get bound where the pod is going: for each
 * claim, the volume chosen for it (the volume's claimRef is set), or '' for dynamic
 * provisioning (the claim is annotated volume.kubernetes.io/selected-node). The pod is
 * nominated to `node` in the same plan and bound in a later pass once its claims are Bound.
 */
export interface VolumeChoice {
  readonly pod: string;
  readonly node: string;
  readonly claims: readonly { readonly claim: string; readonly volume: string }[];
}

/** A choice the scheduler made that did not bind in time: undo it (clear the annotation, or the volume's claimRef). */
export interface VolumeRelease {
  readonly claim: string;
  /** The volume whose claimRef to clear; '' for a dynamic choice. */
  readonly volume: string;
}

/**
 * Why a pod stays pending. `Unschedulable` is kube-scheduler's reason; the others
 * tell the runtime and the user which of our rules held the pod back:
 * `InvalidAnnotation` the custom gang annotations are invalid, `InvalidGang` another
 * source's gang declaration is invalid or two declarations on one pod disagree,
 * `GangWaiting` a gang waits for members, for its PodGroup or for its source,
 * `GangUnschedulable` a gang that cannot be placed (now or ever, or not by this scheduler).
 */
export type PendingReason = 'Unschedulable' | 'InvalidAnnotation' | 'InvalidGang' | 'GangWaiting' | 'GangUnschedulable';

export interface Unschedulable {
  readonly pod: string;
  readonly reason: PendingReason;
  /** Human text in kube-scheduler's style, e.g. `0/5 nodes are available: 3 Insufficient cpu.` */
  readonly message: string;
}

/**
 * Every pending pod of this scheduler appears in exactly one of bindings, nominations
 * and unschedulable. Lists are sorted (bindings and nominations in planning order,
 * evictions by victim, unschedulable by pod key) so equal input gives equal output.
 */
export interface Plan {
  readonly bindings: readonly Binding[];
  readonly evictions: readonly Eviction[];
  readonly nominations: readonly Nomination[];
  readonly unschedulable: readonly Unschedulable[];
  /** Claim writes for nominated pods, by pod (see VolumeChoice); left out when there are none. */
  readonly volumeChoices?: readonly VolumeChoice[];
  /** Timed-out choices to undo; left out when there are none. */
  readonly volumeReleases?: readonly VolumeRelease[];
}
