// Whether a pod affinity term or a spread selector matches a pod, with kube-scheduler's
// rules: a missing selector matches nothing; a term matches pods in its namespaces, or
// in namespaces its namespaceSelector selects (an empty namespaceSelector selects all).
import { labelSelectorMatches } from '../filters/node-affinity.js';
import type { LabelSelector, Pod, PodAffinityTerm } from '../model.js';

export type Labels = Readonly<Record<string, string>>;

/** Labels of a namespace, or undefined when the snapshot does not say. */
export type NamespaceLabels = (namespace: string) => Labels | undefined;

export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  return selector !== undefined && labelSelectorMatches(selector, labels);
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

/** The term selects namespaces by their labels (not just by name or all of them). */
export function needsNamespaceLabels(term: PodAffinityTerm): boolean {
  return term.namespaceSelector !== undefined && !isEmptySelector(term.namespaceSelector);
}

/**
 * The term selects the pod. `unknownNamespace` answers when the term selects namespaces
 * by label and the pod's namespace labels are not known: true where a wrong "no" could
 * break a hard rule (existing pods' anti-affinity), false where it only costs a score.
 */
export function termMatchesPod(
  term: PodAffinityTerm,
  pod: Pod,
  namespaceLabels: NamespaceLabels,
  unknownNamespace = false,
): boolean {
  if (!selectorMatches(term.selector, pod.labels)) return false;
  if (term.namespaces.includes(pod.namespace)) return true;
  const nsSelector = term.namespaceSelector;
  if (nsSelector === undefined) return false;
  if (isEmptySelector(nsSelector)) return true;
  const labels = namespaceLabels(pod.namespace);
  return labels === undefined ? unknownNamespace : labelSelectorMatches(nsSelector, labels);
}

const termKeys = new WeakMap<object, string>();

/** A stable identity for equal terms or selectors of different pods (one count per distinct rule). */
export function identity(value: object): string {
  let key = termKeys.get(value);
  if (key === undefined) termKeys.set(value, (key = JSON.stringify(value)));
  return key;
}
