// Required and preferred pod affinity and anti-affinity, as kube-scheduler's
// InterPodAffinity plugin: the incoming pod's own terms, and the terms of bound pods
// applied symmetrically. Prepared once per pod per search, then checked per node.
import { REASON, type Rejection, unresolvable } from '../reasons.js';
import type { NodeState, PodFacts } from '../state.js';
import { anchorsOf } from './anchors.js';
import type { DomainCounts } from './domain-counts.js';
import type { HeldTerm, TopologyIndex } from './index.js';
import { identity, termMatchesPod } from './terms.js';

const AFFINITY = unresolvable(REASON.podAffinity);
const ANTI_AFFINITY: Rejection = { resolvable: true, reasons: [REASON.podAntiAffinity] };
const EXISTING_ANTI_AFFINITY: Rejection = { resolvable: true, reasons: [REASON.existingAntiAffinity] };

export interface InterPodAffinity {
  /** The filter on one node, as if `removed` (pods on that node) were gone. */
  check(ns: NodeState, removed: readonly PodFacts[]): Rejection | undefined;
  /** Raw scores per candidate, or undefined when no term scores this pod. */
  score(candidates: readonly NodeState[]): number[] | undefined;
  /** A node may become feasible when more pods are placed (the pod has required affinity). */
  readonly needsPlacements: boolean;
}

function removedMatching(c: DomainCounts<PodFacts>, ns: NodeState, removed: readonly PodFacts[]): number {
  if (removed.length === 0 || ns.node.labels[c.topologyKey] === undefined) return 0;
  let n = 0;
  for (const g of removed) if (c.matches(g)) n++;
  return n;
}

function carries(g: PodFacts, h: HeldTerm): boolean {
  const id = identity(h.term);
  return g.pod.podAffinity.requiredAnti.some((t) => identity(t) === id);
}

/** undefined when neither the pod's terms nor any bound pod's terms concern it. */
export function prepareInterPodAffinity(index: TopologyIndex, f: PodFacts): InterPodAffinity | undefined {
  const pod = f.pod;
  const rules = pod.podAffinity;
  const nsLabels = index.namespaceLabels;
  const existing: HeldTerm[] = [];
  for (const h of index.heldAnti.values()) {
    if (h.carriers.total > 0 && termMatchesPod(h.term, pod, nsLabels, true)) existing.push(h);
  }
  const scoring: HeldTerm[] = [];
  for (const h of index.heldScoring.values()) {
    if (h.carriers.total > 0 && termMatchesPod(h.term, pod, nsLabels, false)) scoring.push(h);
  }
  const own = rules.required.length + rules.requiredAnti.length + rules.preferred.length + rules.preferredAnti.length;
  if (own === 0 && existing.length === 0 && scoring.length === 0) return undefined;

  // Pods matching every required affinity term count, per term's topology key.
  const requiredKey = `all\0${rules.required.map(identity).join('\0')}`;
  const matchesAll = (g: PodFacts): boolean => rules.required.every((t) => termMatchesPod(t, g.pod, nsLabels));
  const anchors = anchorsOf(rules.required[0]?.selector);
  const affinity = rules.required.map((t) => index.count(requiredKey, t.topologyKey, matchesAll, anchors));
  const selfAffine = rules.required.every((t) => termMatchesPod(t, pod, nsLabels));
  const single = (t: (typeof rules.requiredAnti)[number]): DomainCounts<PodFacts> =>
    index.count(`one\0${identity(t)}`, t.topologyKey, (g) => termMatchesPod(t, g.pod, nsLabels), anchorsOf(t.selector));
  const anti = rules.requiredAnti.map(single);

  const check = (ns: NodeState, removed: readonly PodFacts[]): Rejection | undefined => {
    const labels = ns.node.labels;
    if (affinity.length > 0) {
      let podsExist = true;
      for (const c of affinity) {
        const value = labels[c.topologyKey];
        if (value === undefined) return AFFINITY;
        if ((c.byDomain.get(value) ?? 0) - removedMatching(c, ns, removed) <= 0) podsExist = false;
      }
      // No matching pod anywhere: the first pod of a group that matches its own terms may go.
      if (!podsExist) {
        const anywhere = affinity.some((c) => c.total - removedMatching(c, ns, removed) > 0);
        if (anywhere || !selfAffine) return AFFINITY;
      }
    }
    for (const c of anti) {
      const value = labels[c.topologyKey];
      if (value !== undefined && (c.byDomain.get(value) ?? 0) - removedMatching(c, ns, removed) > 0) {
        return ANTI_AFFINITY;
      }
    }
    for (const h of existing) {
      const value = labels[h.term.topologyKey];
      if (value === undefined) continue;
      let n = h.carriers.byDomain.get(value) ?? 0;
      if (n > 0 && removed.length > 0) for (const g of removed) if (carries(g, h)) n--;
      if (n > 0) return EXISTING_ANTI_AFFINITY;
    }
    return undefined;
  };

  const weighted = [
    ...rules.preferred.map((w) => ({ weight: w.weight, counts: single(w.term) })),
    ...rules.preferredAnti.map((w) => ({ weight: -w.weight, counts: single(w.term) })),
    ...scoring.map((h) => ({ weight: h.weight, counts: h.carriers })),
  ].filter((w) => w.weight !== 0);
  const score = (candidates: readonly NodeState[]): number[] | undefined => {
    if (weighted.length === 0) return undefined;
    return candidates.map((ns) => weighted.reduce((sum, w) => sum + w.weight * w.counts.inDomain(ns.node), 0));
  };

  return { check, score, needsPlacements: affinity.length > 0 };
}

/** kube-scheduler's normalisation: min to max mapped onto 0-100, all 0 when equal. */
export function normaliseInterPod(raw: readonly number[]): number[] {
  const max = Math.max(...raw);
  const min = Math.min(...raw);
  const diff = max - min;
  return raw.map((s) => (diff > 0 ? Math.floor((100 * (s - min)) / diff) : 0));
}
