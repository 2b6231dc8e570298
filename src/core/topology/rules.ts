// Rules that read beyond the node: topology spread and inter-pod affinity, prepared
// once per pod per search. The filter contract: `checkStatic` reads the node alone,
// `checkCapacity` the node's usage, these rules read counts over topology domains.
// The planner's caches key on what a rule reads: a failed search is reused only while
// capacity has not been given back and, for a pod whose rules can be satisfied by new
// placements (required affinity, a spread minimum), while no pod has been placed.
import type { Rejection } from '../reasons.js';
import type { NodeState, PodFacts } from '../state.js';
import type { TopologyIndex } from './index.js';
import { normaliseInterPod, prepareInterPodAffinity } from './inter-pod-affinity.js';
import { prepareTopologySpread } from './topology-spread.js';

export interface TopologyRules {
  /** Spread first, then inter-pod affinity, as kube-scheduler orders its filters. */
  check(ns: NodeState, removed?: readonly PodFacts[]): Rejection | undefined;
  /** Weighted scores per candidate to add to the total; undefined when nothing scores. */
  score(candidates: readonly NodeState[]): number[] | undefined;
  /** Whether the rules score (so every feasible candidate must be kept). */
  readonly scores: boolean;
  /** Verdicts may turn from "no" to "yes" as pods are placed elsewhere. */
  readonly needsPlacements: boolean;
}

/** kube-scheduler's default weights for the two scores. */
const SPREAD_WEIGHT = 2;
const INTER_POD_WEIGHT = 2;
const NONE: readonly PodFacts[] = [];

/** undefined when no rule across nodes concerns the pod (the common, fast case). */
export function prepareTopologyRules(index: TopologyIndex, f: PodFacts): TopologyRules | undefined {
  const spread = prepareTopologySpread(index, f);
  const interPod = prepareInterPodAffinity(index, f);
  if (spread === undefined && interPod === undefined) return undefined;
  const scoringSpread = f.pod.spread.some((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
  const scoringInterPod = interPod !== undefined; // cheap to ask; undefined score means nothing to add
  return {
    check: (ns, removed = NONE) => spread?.check(ns, removed) ?? interPod?.check(ns, removed),
    score: (candidates) => {
      const s = spread?.score(candidates);
      const rawInterPod = interPod?.score(candidates);
      if (s === undefined && rawInterPod === undefined) return undefined;
      const ip = rawInterPod === undefined ? undefined : normaliseInterPod(rawInterPod);
      return candidates.map((_, i) => SPREAD_WEIGHT * (s?.[i] ?? 0) + INTER_POD_WEIGHT * (ip?.[i] ?? 0));
    },
    scores: scoringSpread || scoringInterPod,
    needsPlacements: (spread?.needsPlacements ?? false) || (interPod?.needsPlacements ?? false),
  };
}
