// Finding a node for one pod: filter, then score the feasible nodes found.
// Like kube-scheduler, large clusters stop searching once enough feasible nodes are
// found (percentageOfNodesToScore) and the next pod starts where this one stopped,
// so work spreads over the cluster while the plan stays deterministic.
import type { Domain } from './domains.js';
import { checkCapacity, checkStatic } from './filters/fit.js';
import type { PlanConfig } from './plan-types.js';
import { ReasonTally, type Rejection } from './reasons.js';
import { pickBest, resourceScore, type Candidate } from './score.js';
import type { ClusterState, NodeState, PodFacts } from './state.js';
import { prepareTopologyRules, type TopologyRules } from './topology/rules.js';
import type { VolumeIndex } from './volumes/index.js';
import { prepareVolumes, type VolumeRules } from './volumes/rules.js';

export interface Search {
  readonly state: ClusterState;
  readonly config: PlanConfig;
  /** Some node has a PreferNoSchedule taint, so taint scores matter. */
  readonly softTaints: boolean;
  readonly feasibleToFind: number;
  /** Where the next search starts (rotates, as kube-scheduler's nextStartNodeIndex). */
  nextStart: number;
  /** Some pod in the snapshot carries pod (anti-)affinity terms, so labels and namespace shape every answer. */
  readonly labelsMatter: boolean;
  /** Claims, volumes and classes, with the choices made this pass. */
  readonly volumes: VolumeIndex;
  /** Failed searches by pod shape; see `findNode` for how long one stays valid. */
  readonly failures: Map<string, FailedSearch>;
  /** Set when the search is limited to one topology domain (a gang that runs in one). */
  readonly scope?: Domain;
}

interface FailedSearch {
  readonly generation: number;
  /** The topology version, for pods whose rules new placements can satisfy. */
  readonly topologyVersion: number;
  readonly placement: Placement & { ok: false };
}

/** Rules that placements elsewhere can satisfy: required pod affinity, a DoNotSchedule spread minimum. */
export function gainsWithPlacements(f: PodFacts): boolean {
  const p = f.pod;
  return p.podAffinity.required.length > 0 || p.spread.some((c) => c.whenUnsatisfiable === 'DoNotSchedule');
}

const shapes = new WeakMap<PodFacts, string>();

/**
 * Everything a search result depends on besides the cluster: two pods with the same
 * shape get the same answer, so batch jobs of identical pods search once per pass.
 */
export function shapeOf(f: PodFacts, labelsMatter: boolean): string {
  let shape = shapes.get(f);
  if (shape === undefined) {
    const p = f.pod;
    const r = p.requests;
    const topology = labelsMatter || p.spread.length > 0 ? [p.namespace, p.labels, p.podAffinity, p.spread] : null;
    const storage = p.volumes.length > 0 || p.resourceClaims ? [p.namespace, p.volumes, p.resourceClaims] : null;
    shape = JSON.stringify([
      topology,
      storage,
      f.priority,
      f.ours,
      p.nominatedNodeName,
      r.cpu,
      r.memory,
      r.ephemeralStorage,
      [...r.scalar],
      p.nodeSelector,
      p.requiredAffinity ?? null,
      p.tolerations,
      f.ports,
    ]);
    shapes.set(f, shape);
  }
  return shape;
}

export type Placement =
  | { readonly ok: true; readonly ns: NodeState }
  | {
      readonly ok: false;
      readonly tally: ReasonTally;
      readonly resolvable: readonly NodeState[];
      /** Set when every node is ruled out before looking at any (a missing claim, ...): the reason. */
      readonly preFilter?: string;
    };

/** kube-scheduler's adaptive share of nodes to find feasible before scoring. */
export function feasibleNodesToFind(nodeCount: number, percentage: number): number {
  const minFeasible = 100;
  if (nodeCount < minFeasible || percentage >= 100) return nodeCount;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(5, 50 - Math.floor(nodeCount / 125));
  return Math.max(minFeasible, Math.floor((nodeCount * pct) / 100));
}

export function checkNode(
  search: Search,
  f: PodFacts,
  ns: NodeState,
  rules: TopologyRules | undefined,
  volumes: VolumeRules | undefined,
): Rejection | undefined {
  return (
    checkStatic(f, ns.node) ??
    checkCapacity(f, search.state.usageFor(f, ns), ns.node, search.config.maxPodsPerNode) ??
    volumes?.check(ns) ??
    rules?.check(ns)
  );
}

/**
 * A failed search is reused for pods of the same shape while no capacity has been
 * given back and, when the pod's rules can be satisfied by placements elsewhere, while
 * no pod has been placed either.
 */
export function findNode(search: Search, f: PodFacts): Placement {
  const { state } = search;
  const shape = shapeOf(f, search.labelsMatter);
  const known = search.failures.get(shape);
  const topologyVersion = gainsWithPlacements(f) ? state.topology.version : 0;
  if (known?.generation === state.freedGeneration && known.topologyVersion === topologyVersion) {
    return known.placement;
  }
  const placement = searchNodes(search, f);
  if (!placement.ok) search.failures.set(shape, { generation: state.freedGeneration, topologyVersion, placement });
  return placement;
}

function searchNodes(search: Search, f: PodFacts): Placement {
  const { state, config } = search;
  const volumes = prepareVolumes(search.volumes, f);
  if (volumes?.hold !== undefined)
    return { ok: false, tally: new ReasonTally(), resolvable: [], preFilter: volumes.hold };
  const rules = prepareTopologyRules(state.topology, f);
  const scope = search.scope;
  // A nominated pod gets its node first, as kube-scheduler evaluates the nominated node first.
  const nominated = state.byName.get(f.pod.nominatedNodeName);
  if (
    nominated !== undefined &&
    (scope === undefined || scope.indexes.has(nominated.index)) &&
    checkNode(search, f, nominated, rules, volumes) === undefined
  ) {
    return { ok: true, ns: nominated };
  }

  const nodes = scope?.nodes ?? state.nodes;
  const n = nodes.length;
  const tally = new ReasonTally();
  const resolvable: NodeState[] = [];
  // Only normalised scores need every candidate; otherwise keep the best so far (no garbage).
  const keepAll = search.softTaints || f.pod.preferredAffinity.length > 0 || rules?.scores === true;
  const feasible: Candidate[] | undefined = keepAll ? [] : undefined;
  let found = 0;
  let best: NodeState | undefined;
  let bestScore = -1;
  const start = n === 0 ? 0 : search.nextStart % n;
  let examined = 0;
  for (; examined < n && found < search.feasibleToFind; examined++) {
    const ns = nodes[(start + examined) % n];
    if (ns === undefined) break;
    const stat = checkStatic(f, ns.node);
    if (stat !== undefined) {
      tally.add(stat.reasons);
      continue;
    }
    const used = state.usageFor(f, ns);
    const rejection = checkCapacity(f, used, ns.node, config.maxPodsPerNode) ?? volumes?.check(ns) ?? rules?.check(ns);
    if (rejection !== undefined) {
      tally.add(rejection.reasons);
      if (rejection.resolvable) resolvable.push(ns);
      continue;
    }
    found++;
    const score = resourceScore(f, used, ns, config.scoring);
    if (feasible !== undefined) feasible.push({ ns, resource: score });
    else if (best === undefined || score > bestScore || (score === bestScore && ns.index < best.index)) {
      best = ns;
      bestScore = score;
    }
  }
  search.nextStart = n === 0 ? 0 : (start + examined) % n;
  if (feasible !== undefined && feasible.length > 0) {
    return { ok: true, ns: pickBest(f, feasible, search.softTaints, rules?.score(feasible.map((c) => c.ns))) };
  }
  if (best !== undefined) return { ok: true, ns: best };
  return { ok: false, tally, resolvable };
}
