// Preemption: which pods to evict, on which node, so a pod of higher priority fits.
// Per node: take away every lower-priority pod, check the fit, then give back the
// most important ones while the preemptor still fits (PDB-protected ones first).
// Gang-aware: a victim whose gang would drop below quorum takes the whole gang, and so
// does any victim of a gang disrupted together (disruption mode 'all').
import { checkStatic, fitsCapacity } from './filters/fit.js';
import type { PodDisruptionBudget } from './model.js';
import type { Search } from './placement.js';
import { pdbCovers, type ClusterState, type NodeState, type PodFacts } from './state.js';
import { prepareTopologyRules, type TopologyRules } from './topology/rules.js';
import { prepareVolumes, type VolumeRules } from './volumes/rules.js';

export interface VictimChoice {
  readonly ns: NodeState;
  /** Pods to evict: on this node, plus the rest of any gang taken whole. */
  readonly victims: readonly PodFacts[];
  readonly pdbViolations: number;
  readonly highestPriority: number;
  readonly prioritySum: number;
}

export interface PreemptionContext {
  readonly search: Search;
  readonly pdbs: readonly PodDisruptionBudget[];
  readonly quorum: (gang: string) => number;
  /** The gang's disruption mode is 'all': any member a victim, every bound member a victim. */
  readonly disruptedTogether: (gang: string) => boolean;
  /** Bound, alive members of a running gang, across nodes. */
  readonly gangMembers: (gang: string) => readonly PodFacts[];
  /** Dry runs by pod shape and node, reused while neither the node nor shared state changed. */
  readonly dryRuns: Map<string, Map<NodeState, DryRun>>;
}

interface DryRun {
  readonly version: number;
  readonly sharedVersion: number;
  /** The topology version when the pod has rules across nodes (placements anywhere matter then). */
  readonly topologyVersion: number;
  readonly choice: VictimChoice | undefined;
}

/** Evicted together or not at all: one pod, or a whole gang that would fall below quorum. */
interface Unit {
  readonly pods: readonly PodFacts[];
  /** The unit's pods on the node being judged. */
  readonly here: readonly PodFacts[];
  readonly priority: number;
  readonly creationTime: number;
  readonly key: string;
}

const byImportance = (a: Unit, b: Unit): number =>
  b.priority - a.priority || a.creationTime - b.creationTime || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function single(v: PodFacts): Unit {
  const pods = [v];
  return { pods, here: pods, priority: v.priority, creationTime: v.pod.creationTime, key: v.pod.key };
}

function victimUnits(ctx: PreemptionContext, f: PodFacts, ns: NodeState): Unit[] {
  const { state } = ctx.search;
  const units: Unit[] = [];
  const gangsHere = new Map<string, PodFacts[]>();
  for (const v of ns.bound) {
    if (state.terminating.has(v.pod.key) || v.priority >= f.priority) continue;
    if (v.gang === undefined) {
      units.push(single(v));
    } else if (v.gang !== f.gang) {
      const list = gangsHere.get(v.gang) ?? [];
      list.push(v);
      gangsHere.set(v.gang, list);
    }
  }
  for (const [gang, here] of gangsHere) {
    // A gang is cut only while it keeps its quorum, and never when it is disrupted together.
    const spare = ctx.disruptedTogether(gang) ? -1 : (state.gangPlaced.get(gang) ?? 0) - ctx.quorum(gang);
    const pods = here.length <= spare ? null : ctx.gangMembers(gang).filter((m) => !state.terminating.has(m.pod.key));
    if (pods === null) {
      for (const v of here) units.push(single(v));
    } else {
      const first = pods.reduce((a, b) => (a.pod.creationTime <= b.pod.creationTime ? a : b));
      const priority = Math.max(...here.map((v) => v.priority)); // one gang: the same priority
      units.push({ pods, here, priority, creationTime: first.pod.creationTime, key: gang });
    }
  }
  return units.sort(byImportance);
}

/** Units whose eviction would exceed a PDB's allowed disruptions, judged in importance order. */
function pdbViolating(units: readonly Unit[], pdbs: readonly PodDisruptionBudget[], state: ClusterState): Set<Unit> {
  const violating = new Set<Unit>();
  if (pdbs.length === 0) return violating;
  const allowed = new Map(pdbs.map((b) => [b, state.pdbAllowed(b)]));
  for (const u of units) {
    for (const v of u.pods) {
      for (const b of pdbs) {
        if (!pdbCovers(b, v)) continue;
        const left = (allowed.get(b) ?? 0) - 1;
        allowed.set(b, left);
        if (left < 0) violating.add(u);
      }
    }
  }
  return violating;
}

/**
 * The victims on `ns` that make room for `f`, or undefined when none would. Rules
 * across nodes (`rules`) are judged with the victims on this node gone; the pods that
 * stay keep the rules too (a reprieve that would break one is not given).
 */
export function selectVictims(
  ctx: PreemptionContext,
  f: PodFacts,
  ns: NodeState,
  rules: TopologyRules | undefined = undefined,
  volumes: VolumeRules | undefined = undefined,
): VictimChoice | undefined {
  const { state, config } = ctx.search;
  // Evictions free neither a volume nor a node for one: such a conflict rules the node out.
  if (checkStatic(f, ns.node) !== undefined || volumes?.check(ns) !== undefined) return undefined;
  const used = state.usageFor(f, ns).clone();
  // Pods already going away are counted as soon free, never evicted again.
  for (const v of ns.bound) if (state.terminating.has(v.pod.key)) used.apply(v.pod.requests, v.ports, v.ours, -1);
  const units = victimUnits(ctx, f, ns);
  const removed = new Set<PodFacts>();
  for (const u of units) {
    for (const v of u.here) {
      used.apply(v.pod.requests, v.ports, v.ours, -1);
      removed.add(v);
    }
  }
  const fits = (): boolean =>
    fitsCapacity(f, used, ns.node, config.maxPodsPerNode) &&
    (rules === undefined || rules.check(ns, [...removed]) === undefined);
  if (!fits()) return undefined;

  const violating = pdbViolating(units, ctx.pdbs, state);
  const order = [...units.filter((u) => violating.has(u)), ...units.filter((u) => !violating.has(u))];
  const victims: PodFacts[] = [];
  let pdbViolations = 0;
  for (const u of order) {
    const here = u.here;
    for (const v of here) {
      used.apply(v.pod.requests, v.ports, v.ours, 1);
      removed.delete(v);
    }
    if (fits()) continue; // reprieved
    for (const v of here) {
      used.apply(v.pod.requests, v.ports, v.ours, -1);
      removed.add(v);
    }
    victims.push(...u.pods);
    if (violating.has(u)) pdbViolations += u.pods.length;
  }
  let highestPriority = Number.NEGATIVE_INFINITY;
  let prioritySum = 0;
  for (const v of victims) {
    highestPriority = Math.max(highestPriority, v.priority);
    prioritySum += v.priority + 2 ** 31; // kube-scheduler shifts priorities to count fewer victims as cheaper
  }
  return { ns, victims, pdbViolations, highestPriority, prioritySum };
}

/** What evicting some victims costs, in the terms kube-scheduler compares. */
export interface VictimCost {
  readonly pdbViolations: number;
  readonly highestPriority: number;
  readonly prioritySum: number;
  readonly victims: number;
}

/** The cost of several choices together (a gang's members, each with its victims). */
export function costOf(choices: readonly VictimChoice[]): VictimCost {
  let pdbViolations = 0;
  let highestPriority = Number.NEGATIVE_INFINITY;
  let prioritySum = 0;
  let victims = 0;
  for (const c of choices) {
    pdbViolations += c.pdbViolations;
    highestPriority = Math.max(highestPriority, c.highestPriority);
    prioritySum += c.prioritySum;
    victims += c.victims.length;
  }
  return { pdbViolations, highestPriority, prioritySum, victims };
}

/** kube-scheduler's order: fewest PDB violations, lowest top priority, smallest sum, fewest victims. */
export function cheaper(a: VictimCost, b: VictimCost): boolean | undefined {
  if (a.pdbViolations !== b.pdbViolations) return a.pdbViolations < b.pdbViolations;
  if (a.highestPriority !== b.highestPriority) return a.highestPriority < b.highestPriority;
  if (a.prioritySum !== b.prioritySum) return a.prioritySum < b.prioritySum;
  if (a.victims !== b.victims) return a.victims < b.victims;
  return undefined; // the same cost
}

/** The cheaper choice (see cheaper), then the node whose name sorts first. */
function better(a: VictimChoice, b: VictimChoice): boolean {
  return cheaper(costOf([a]), costOf([b])) ?? a.ns.index < b.ns.index;
}

/** Dry-runs candidates (at least 100 or 10% of nodes, as kube-scheduler) and picks the cheapest. */
export function choosePreemption(
  ctx: PreemptionContext,
  f: PodFacts,
  candidates: readonly NodeState[],
  shape: string,
): VictimChoice | undefined {
  const { state } = ctx.search;
  const total = state.nodes.length;
  let runs = ctx.dryRuns.get(shape);
  if (runs === undefined) ctx.dryRuns.set(shape, (runs = new Map<NodeState, DryRun>()));
  const rules = prepareTopologyRules(state.topology, f);
  const volumes = prepareVolumes(ctx.search.volumes, f);
  const topologyVersion = rules === undefined ? 0 : state.topology.version;
  const dryRun = (ns: NodeState): VictimChoice | undefined => {
    const known = runs.get(ns);
    // Volumes taken by other pods this pass are not in the node's version: no reuse for pods with volumes.
    if (
      volumes === undefined &&
      known !== undefined &&
      known.version === ns.version &&
      known.sharedVersion === state.sharedVersion &&
      known.topologyVersion === topologyVersion
    ) {
      return known.choice;
    }
    const choice = selectVictims(ctx, f, ns, rules, volumes);
    runs.set(ns, { version: ns.version, sharedVersion: state.sharedVersion, topologyVersion, choice });
    return choice;
  };
  const wanted = Math.min(total, Math.max(100, Math.floor(total / 10)));
  let best: VictimChoice | undefined;
  let found = 0;
  for (const ns of candidates) {
    const choice = dryRun(ns);
    if (choice === undefined) continue;
    if (best === undefined || better(choice, best)) best = choice;
    if (choice.victims.length === 0 || ++found >= wanted) break;
  }
  return best;
}
