// Builders for pod affinity terms and spread constraints in tests.
import type { PodAffinityRules, PodAffinityTerm, SpreadConstraint, WeightedPodAffinityTerm } from '../model.js';

export const HOSTNAME = 'kubernetes.io/hostname';
export const ZONE = 'topology.kubernetes.io/zone';

/** A term selecting pods with `labels`, in the pod's namespace unless told otherwise. */
export function term(
  labels: Record<string, string>,
  topologyKey: string,
  o: { namespaces?: string[]; namespaceSelector?: Record<string, string>; namespace?: string } = {},
): PodAffinityTerm {
  const namespaces = o.namespaces ?? (o.namespaceSelector === undefined ? [o.namespace ?? 'default'] : []);
  return {
    selector: { matchLabels: labels, matchExpressions: [] },
    namespaces,
    namespaceSelector:
      o.namespaceSelector === undefined ? undefined : { matchLabels: o.namespaceSelector, matchExpressions: [] },
    topologyKey,
  };
}

export function weighted(weight: number, t: PodAffinityTerm): WeightedPodAffinityTerm {
  return { weight, term: t };
}

export function rules(o: Partial<PodAffinityRules>): PodAffinityRules {
  return { required: [], preferred: [], requiredAnti: [], preferredAnti: [], ...o };
}

export function spreadOn(
  topologyKey: string,
  labels: Record<string, string>,
  o: Partial<Omit<SpreadConstraint, 'topologyKey' | 'selector'>> = {},
): SpreadConstraint {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'DoNotSchedule',
    selector: { matchLabels: labels, matchExpressions: [] },
    minDomains: 1,
    nodeAffinityPolicy: 'Honor',
    nodeTaintsPolicy: 'Ignore',
    ...o,
  };
}
