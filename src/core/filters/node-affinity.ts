// nodeSelector and node affinity with Kubernetes' semantics: terms are ORed, the
// requirements inside a term ANDed; an empty term matches nothing.
import type { LabelSelector, Node, NodeSelectorTerm, Pod, SelectorRequirement } from '../model.js';

/** Integer labels for Gt/Lt, as Kubernetes parses them (base-10 int64). */
function parseIntLabel(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return undefined;
  return Number(text);
}

export function requirementMatches(req: SelectorRequirement, value: string | undefined): boolean {
  switch (req.operator) {
    case 'In':
      return value !== undefined && req.values.includes(value);
    case 'NotIn':
      return value === undefined || !req.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = parseIntLabel(value);
      const want = parseIntLabel(req.values[0]);
      if (have === undefined || want === undefined || req.values.length !== 1) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
  }
}

export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  if (term.matchExpressions.length === 0 && term.matchFields.length === 0) return false;
  for (const req of term.matchExpressions) {
    if (!requirementMatches(req, node.labels[req.key])) return false;
  }
  for (const req of term.matchFields) {
    // metadata.name is the only field Kubernetes supports here.
    const value = req.key === 'metadata.name' ? node.name : undefined;
    if (!requirementMatches(req, value)) return false;
  }
  return true;
}

/** nodeSelector and required node affinity both hold. */
export function podMatchesNode(pod: Pod, node: Node): boolean {
  for (const key in pod.nodeSelector) {
    if (node.labels[key] !== pod.nodeSelector[key]) return false;
  }
  const terms = pod.requiredAffinity;
  if (terms === undefined) return true;
  for (const term of terms) if (termMatches(term, node)) return true;
  return false;
}

/** Sum of the weights of the preferred terms the node matches. */
export function preferredAffinityWeight(pod: Pod, node: Node): number {
  let sum = 0;
  for (const p of pod.preferredAffinity) if (termMatches(p.preference, node)) sum += p.weight;
  return sum;
}

/** Label selector of a PodDisruptionBudget (policy/v1: empty selects all). */
export function labelSelectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const key in sel.matchLabels) if (labels[key] !== sel.matchLabels[key]) return false;
  for (const req of sel.matchExpressions) if (!requirementMatches(req, labels[req.key])) return false;
  return true;
}
