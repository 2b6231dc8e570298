// topologySpreadConstraints, as kube-scheduler's PodTopologySpread plugin: DoNotSchedule
// constraints filter (skew = pods in the node's domain + the pod itself - the global
// minimum, at most maxSkew), ScheduleAnyway constraints score. Pods counted are those
// of the pod's namespace that the selector matches and that are not being deleted, on
// nodes that carry every key and pass the inclusion policies.
import { podMatchesNode } from '../filters/node-affinity.js';
import { firstUntoleratedTaint } from '../filters/taints.js';
import type { Node, SpreadConstraint } from '../model.js';
import { REASON, type Rejection, unresolvable } from '../reasons.js';
import type { NodeState, PodFacts } from '../state.js';
import type { DomainCounts } from './domain-counts.js';
import type { EligibleNodes, TopologyIndex } from './index.js';
import { anchorsOf } from './anchors.js';
import { identity, isEmptySelector, selectorMatches } from './terms.js';

const SKEW: Rejection = { resolvable: true, reasons: [REASON.spread] };
const MISSING_LABEL = unresolvable(REASON.spreadMissingLabel);

export interface TopologySpread {
  check(ns: NodeState, removed: readonly PodFacts[]): Rejection | undefined;
  /** Scores 0-100 per candidate (normalised), or undefined without ScheduleAnyway constraints. */
  score(candidates: readonly NodeState[]): number[] | undefined;
  /** The global minimum rises as pods are placed elsewhere, so nodes may become feasible. */
  readonly needsPlacements: boolean;
}

interface Counted {
  readonly constraint: SpreadConstraint;
  readonly counts: DomainCounts<PodFacts>;
  readonly eligible: EligibleNodes;
  /** Matching pods per domain, over eligible nodes only. */
  readonly byDomain: ReadonlyMap<string, number>;
  readonly selfMatch: number;
}

function counted(index: TopologyIndex, f: PodFacts, c: SpreadConstraint, keys: readonly string[]): Counted {
  const pod = f.pod;
  const selector = c.selector;
  // kube-scheduler counts nothing for an empty or missing selector.
  const countsNothing = selector === undefined || isEmptySelector(selector);
  const counts = index.count(
    `spread\0${pod.namespace}\0${selector === undefined ? '' : identity(selector)}`,
    c.topologyKey,
    (g) =>
      !countsNothing &&
      g.pod.namespace === pod.namespace &&
      g.pod.deletionTime === undefined &&
      selectorMatches(selector, g.pod.labels),
    countsNothing ? [] : anchorsOf(selector),
  );
  const include = (node: Node): boolean =>
    keys.every((k) => node.labels[k] !== undefined) &&
    (c.nodeAffinityPolicy === 'Ignore' || podMatchesNode(pod, node)) &&
    (c.nodeTaintsPolicy === 'Ignore' || firstUntoleratedTaint(pod.tolerations, node.taints) === undefined);
  const eligibleKey = JSON.stringify([
    keys,
    c.nodeAffinityPolicy === 'Honor' ? [pod.nodeSelector, pod.requiredAffinity ?? null] : null,
    c.nodeTaintsPolicy === 'Honor' ? pod.tolerations : null,
  ]);
  const eligible = index.eligibleNodes(eligibleKey, c.topologyKey, include);
  let byDomain: ReadonlyMap<string, number> = counts.byDomain;
  if (!eligible.complete) {
    const sums = new Map<string, number>();
    eligible.nodes.forEach((ns, i) => {
      const value = eligible.values[i] ?? '';
      sums.set(value, (sums.get(value) ?? 0) + (counts.byNode[ns.index] ?? 0));
    });
    byDomain = sums;
  }
  return { constraint: c, counts, eligible, byDomain, selfMatch: selectorMatches(selector, pod.labels) ? 1 : 0 };
}

function removedHere(k: Counted, ns: NodeState, removed: readonly PodFacts[]): number {
  if (removed.length === 0 || k.eligible.member[ns.index] !== 1) return 0;
  let n = 0;
  for (const g of removed) if (k.counts.matches(g)) n++;
  return n;
}

export function prepareTopologySpread(index: TopologyIndex, f: PodFacts): TopologySpread | undefined {
  const constraints = f.pod.spread;
  if (constraints.length === 0) return undefined;
  const hardList = constraints.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  const softList = constraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
  const hardKeys = hardList.map((c) => c.topologyKey);
  const hard = hardList.map((c) => counted(index, f, c, hardKeys));
  // The global minimum over the eligible domains (empty ones count as 0).
  const minimum = hard.map((k) => {
    if (k.eligible.domains.length < k.constraint.minDomains) return 0;
    let min = Number.POSITIVE_INFINITY;
    for (const d of k.eligible.domains) min = Math.min(min, k.byDomain.get(d) ?? 0);
    return min === Number.POSITIVE_INFINITY ? 0 : min;
  });

  const check = (ns: NodeState, removed: readonly PodFacts[]): Rejection | undefined => {
    for (let i = 0; i < hard.length; i++) {
      const k = hard[i];
      if (k === undefined) continue;
      const value = ns.node.labels[k.constraint.topologyKey];
      if (value === undefined) return MISSING_LABEL;
      const gone = removedHere(k, ns, removed);
      const here = (k.byDomain.get(value) ?? 0) - gone;
      // Pods removed from this node lower its domain's count, and so perhaps the minimum.
      const min = Math.min(
        minimum[i] ?? 0,
        gone > 0 && k.eligible.domains.length >= k.constraint.minDomains ? here : Infinity,
      );
      if (here + k.selfMatch - min > k.constraint.maxSkew) return SKEW;
    }
    return undefined;
  };

  const softKeys = softList.map((c) => c.topologyKey);
  const soft = softList.map((c) => counted(index, f, c, softKeys));
  const score = (candidates: readonly NodeState[]): number[] | undefined => {
    if (soft.length === 0) return undefined;
    const scored = candidates.map((ns) => softKeys.every((k) => ns.node.labels[k] !== undefined));
    // Each constraint weighs by the number of its domains among the candidates (nodes, for hostname).
    const weights = soft.map((k) => {
      const key = k.constraint.topologyKey;
      const size = key === HOSTNAME ? scored.filter(Boolean).length : new Set(domainsOf(candidates, scored, key)).size;
      return Math.log(size + 2);
    });
    const raw = candidates.map((ns, i) => {
      if (!scored[i]) return 0;
      let s = 0;
      for (const [j, k] of soft.entries()) {
        const key = k.constraint.topologyKey;
        const value = ns.node.labels[key] ?? '';
        const count = key === HOSTNAME ? (k.counts.byNode[ns.index] ?? 0) : (k.byDomain.get(value) ?? 0);
        s += count * (weights[j] ?? 0) + (k.constraint.maxSkew - 1);
      }
      return Math.round(s);
    });
    return normaliseSpread(raw, scored);
  };

  return { check, score, needsPlacements: hard.length > 0 };
}

const HOSTNAME = 'kubernetes.io/hostname';

function domainsOf(candidates: readonly NodeState[], scored: readonly boolean[], key: string): string[] {
  const values: string[] = [];
  candidates.forEach((ns, i) => {
    const v = ns.node.labels[key];
    if (scored[i] && v !== undefined) values.push(v);
  });
  return values;
}

/** Fewer matching pods score higher: 100 * (max + min - s) / max; unscored nodes get 0. */
function normaliseSpread(raw: readonly number[], scored: readonly boolean[]): number[] {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  raw.forEach((s, i) => {
    if (!scored[i]) return;
    min = Math.min(min, s);
    max = Math.max(max, s);
  });
  return raw.map((s, i) => {
    if (!scored[i]) return 0;
    if (max === 0) return 100;
    return Math.floor((100 * (max + min - s)) / max);
  });
}
