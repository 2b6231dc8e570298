// Scores among feasible nodes, with kube-scheduler's plugins and weights:
// resources (weight 1: MostAllocated packs, LeastAllocated spreads), preferred node
// affinity (weight 2) and untolerated PreferNoSchedule taints (weight 3), the last two
// normalised to 0-100 over the candidates. Ties go to the node whose name sorts first.
import { preferredAffinityWeight } from './filters/node-affinity.js';
import { untoleratedPreferNoSchedule } from './filters/taints.js';
import type { Scoring } from './plan-types.js';
import type { Usage } from './resources.js';
import type { NodeState, PodFacts } from './state.js';

const MAX_SCORE = 100;
// kube-scheduler scores a pod without requests as if it asked for 100m cpu and 200Mi.
const DEFAULT_CPU = 100;
const DEFAULT_MEMORY = 200 * 1024 * 1024;

function share(requested: number, capacity: number, scoring: Scoring): number {
  if (capacity <= 0) return 0;
  const used = Math.min(requested, capacity);
  const value = scoring === 'MostAllocated' ? used : capacity - used;
  return Math.floor((value * MAX_SCORE) / capacity);
}

export function resourceScore(f: PodFacts, used: Usage, ns: NodeState, scoring: Scoring): number {
  const req = f.pod.requests;
  const alloc = ns.node.allocatable;
  const cpu = share(used.cpu + (req.cpu || DEFAULT_CPU), alloc.cpu, scoring);
  const memory = share(used.memory + (req.memory || DEFAULT_MEMORY), alloc.memory, scoring);
  return Math.floor((cpu + memory) / 2);
}

export interface Candidate {
  readonly ns: NodeState;
  readonly resource: number;
}

function normalise(raw: readonly number[], reverse: boolean): number[] {
  const max = Math.max(0, ...raw);
  if (max === 0) return raw.map(() => (reverse ? MAX_SCORE : 0));
  return raw.map((v) => {
    const s = Math.floor((v * MAX_SCORE) / max);
    return reverse ? MAX_SCORE - s : s;
  });
}

/** The best candidate; `candidates` is not empty. `extra` adds scores computed elsewhere (topology rules). */
export function pickBest(
  f: PodFacts,
  candidates: readonly Candidate[],
  clusterHasSoftTaints: boolean,
  extra?: readonly number[],
): NodeState {
  const affinity =
    f.pod.preferredAffinity.length > 0
      ? normalise(
          candidates.map((c) => preferredAffinityWeight(f.pod, c.ns.node)),
          false,
        )
      : undefined;
  const taints = clusterHasSoftTaints
    ? normalise(
        candidates.map((c) => untoleratedPreferNoSchedule(f.pod.tolerations, c.ns.node.taints)),
        true,
      )
    : undefined;
  let best: { ns: NodeState; score: number } | undefined;
  candidates.forEach((c, i) => {
    const score = c.resource + (extra?.[i] ?? 0) + 2 * (affinity?.[i] ?? 0) + 3 * (taints?.[i] ?? 0);
    if (best === undefined || score > best.score || (score === best.score && c.ns.index < best.ns.index)) {
      best = { ns: c.ns, score };
    }
  });
  if (best === undefined) throw new Error('pickBest needs at least one candidate');
  return best.ns;
}
