// spec.affinity.podAffinity / podAntiAffinity and spec.topologySpreadConstraints, read
// into the core model with kube-scheduler's processing: defaults applied, enums
// checked, matchLabelKeys and mismatchLabelKeys merged into the label selector with the
// pod's own label values (the API server does the same on admission; merging twice
// only repeats a requirement).
import {
  NO_POD_AFFINITY,
  type LabelSelector,
  type NodeInclusionPolicy,
  type PodAffinityRules,
  type PodAffinityTerm,
  type SelectorRequirement,
  type SpreadConstraint,
  type WeightedPodAffinityTerm,
} from '../core/model.js';
import { FieldError, frozenList, integer, list, object, optionalObject, string, strings } from './fields.js';
import { labelSelector } from './selectors.js';

type Labels = Readonly<Record<string, string>>;

/** `selector` with `key In/NotIn (the pod's value)` added for each listed key the pod carries. */
function withLabelKeys(
  selector: LabelSelector | undefined,
  labels: Labels,
  matchKeys: readonly string[],
  mismatchKeys: readonly string[],
): LabelSelector | undefined {
  if (selector === undefined || (matchKeys.length === 0 && mismatchKeys.length === 0)) return selector;
  const added: SelectorRequirement[] = [];
  for (const key of matchKeys) {
    const value = labels[key];
    if (value !== undefined) added.push({ key, operator: 'In', values: [value] });
  }
  for (const key of mismatchKeys) {
    const value = labels[key];
    if (value !== undefined) added.push({ key, operator: 'NotIn', values: [value] });
  }
  if (added.length === 0) return selector;
  return Object.freeze({
    matchLabels: selector.matchLabels,
    matchExpressions: [...selector.matchExpressions, ...added],
  });
}

function affinityTerm(value: unknown, path: string, namespace: string, labels: Labels): PodAffinityTerm {
  const fields = object(value, path);
  const topologyKey = string(fields['topologyKey'], `${path}.topologyKey`);
  if (topologyKey === '') throw new FieldError(`${path}.topologyKey`, 'must not be empty');
  const namespaces = strings(fields['namespaces'], `${path}.namespaces`);
  const namespaceSelector = labelSelector(fields['namespaceSelector'], `${path}.namespaceSelector`);
  const selector = withLabelKeys(
    labelSelector(fields['labelSelector'], `${path}.labelSelector`),
    labels,
    strings(fields['matchLabelKeys'], `${path}.matchLabelKeys`),
    strings(fields['mismatchLabelKeys'], `${path}.mismatchLabelKeys`),
  );
  return Object.freeze({
    selector,
    // Neither namespaces nor a namespaceSelector: the pod's own namespace.
    namespaces: namespaces.length === 0 && namespaceSelector === undefined ? [namespace] : namespaces,
    namespaceSelector,
    topologyKey,
  });
}

function requiredTerms(rules: unknown, path: string, namespace: string, labels: Labels): readonly PodAffinityTerm[] {
  const at = `${path}.requiredDuringSchedulingIgnoredDuringExecution`;
  const raw = object(rules, path)['requiredDuringSchedulingIgnoredDuringExecution'];
  return frozenList(list(raw, at).map((t, i) => affinityTerm(t, `${at}[${i}]`, namespace, labels)));
}

function preferredTerms(
  rules: unknown,
  path: string,
  namespace: string,
  labels: Labels,
): readonly WeightedPodAffinityTerm[] {
  const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution`;
  const raw = object(rules, path)['preferredDuringSchedulingIgnoredDuringExecution'];
  return frozenList(
    list(raw, at).map((entry, i) => {
      const fields = object(entry, `${at}[${i}]`);
      const weight = integer(fields['weight'], `${at}[${i}].weight`, 0);
      if (weight < 1 || weight > 100) throw new FieldError(`${at}[${i}].weight`, 'must be between 1 and 100');
      const term = affinityTerm(fields['podAffinityTerm'], `${at}[${i}].podAffinityTerm`, namespace, labels);
      return Object.freeze({ weight, term });
    }),
  );
}

/** Pod affinity and anti-affinity of a pod spec; NO_POD_AFFINITY when it has none. */
export function podAffinityRules(spec: unknown, namespace: string, labels: Labels): PodAffinityRules {
  const affinity = optionalObject(object(spec, 'spec')['affinity'], 'spec.affinity');
  if (affinity === undefined) return NO_POD_AFFINITY;
  const aff = affinity['podAffinity'];
  const anti = affinity['podAntiAffinity'];
  if (aff === undefined && anti === undefined) return NO_POD_AFFINITY;
  const affPath = 'spec.affinity.podAffinity';
  const antiPath = 'spec.affinity.podAntiAffinity';
  const rules = {
    required: requiredTerms(aff, affPath, namespace, labels),
    preferred: preferredTerms(aff, affPath, namespace, labels),
    requiredAnti: requiredTerms(anti, antiPath, namespace, labels),
    preferredAnti: preferredTerms(anti, antiPath, namespace, labels),
  };
  const none = Object.values(rules).every((terms) => terms.length === 0);
  return none ? NO_POD_AFFINITY : Object.freeze(rules);
}

function policy(value: unknown, path: string, fallback: NodeInclusionPolicy): NodeInclusionPolicy {
  const text = string(value, path, fallback);
  if (text !== 'Honor' && text !== 'Ignore') throw new FieldError(path, `unknown policy ${JSON.stringify(text)}`);
  return text;
}

/** spec.topologySpreadConstraints with kube-scheduler's defaults. */
export function spreadConstraints(spec: unknown, labels: Labels): readonly SpreadConstraint[] {
  const path = 'spec.topologySpreadConstraints';
  return frozenList(
    list(object(spec, 'spec')['topologySpreadConstraints'], path).map((entry, i) => {
      const at = `${path}[${i}]`;
      const fields = object(entry, at);
      const maxSkew = integer(fields['maxSkew'], `${at}.maxSkew`, 0);
      if (maxSkew < 1) throw new FieldError(`${at}.maxSkew`, 'must be at least 1');
      const topologyKey = string(fields['topologyKey'], `${at}.topologyKey`);
      if (topologyKey === '') throw new FieldError(`${at}.topologyKey`, 'must not be empty');
      const when = string(fields['whenUnsatisfiable'], `${at}.whenUnsatisfiable`);
      if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') {
        throw new FieldError(`${at}.whenUnsatisfiable`, `unknown action ${JSON.stringify(when)}`);
      }
      const minDomains = integer(fields['minDomains'], `${at}.minDomains`, 1);
      if (minDomains < 1) throw new FieldError(`${at}.minDomains`, 'must be at least 1');
      const selector = labelSelector(fields['labelSelector'], `${at}.labelSelector`);
      const matchKeys = strings(fields['matchLabelKeys'], `${at}.matchLabelKeys`);
      return Object.freeze({
        maxSkew,
        topologyKey,
        whenUnsatisfiable: when,
        selector: mergeMatchLabels(selector, labels, matchKeys),
        minDomains,
        nodeAffinityPolicy: policy(fields['nodeAffinityPolicy'], `${at}.nodeAffinityPolicy`, 'Honor'),
        nodeTaintsPolicy: policy(fields['nodeTaintsPolicy'], `${at}.nodeTaintsPolicy`, 'Ignore'),
      });
    }),
  );
}

/** Spread's matchLabelKeys: the pod's values of those keys join the selector's matchLabels. */
function mergeMatchLabels(
  selector: LabelSelector | undefined,
  labels: Labels,
  keys: readonly string[],
): LabelSelector | undefined {
  if (selector === undefined || keys.length === 0) return selector;
  const matchLabels: Record<string, string> = { ...selector.matchLabels };
  let added = false;
  for (const key of keys) {
    const value = labels[key];
    if (value !== undefined) {
      matchLabels[key] = value;
      added = true;
    }
  }
  return added ? Object.freeze({ matchLabels, matchExpressions: selector.matchExpressions }) : selector;
}

/** A Namespace's name and labels (for namespaceSelector). */
export function namespaceLabels(metadata: unknown): Labels {
  const fields = optionalObject(metadata, 'metadata') ?? {};
  const labels = optionalObject(fields['labels'], 'metadata.labels') ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return Object.freeze(out);
}
